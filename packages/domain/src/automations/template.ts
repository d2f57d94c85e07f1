/** The own-property value at `a.b.c` in a context; prototypes are never reached (`{{constructor}}` is nothing). */
export function valueAtPath(context: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined), context);
}

/** The value at a path as text; missing values are empty. */
export function textAtPath(context: Record<string, unknown>, path: string): string {
  const value = valueAtPath(context, path);
  return value === undefined || value === null ? '' : String(value);
}

/**
 * `Hello {{lead.contact.fullName}}` with values from a context object. Unknown paths render empty
 * (a template must never fail an action); values are never evaluated as code.
 */
export function renderTemplate(template: string, context: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, path: string) => textAtPath(context, path));
}
