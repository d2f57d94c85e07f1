import { textAtPath } from '@leadflow/domain';
import { IntegrationError } from '@leadflow/integration-common';

/** An approved template as configured: its translations and which lead fields fill its body. */
export interface TemplateDefinition {
  /** Approved translations in order of preference (`ar`, `en_US`). */
  languages: string[];
  /** Paths into the lead context for body `{{1}}`, `{{2}}`…: `lead.firstName`, `branch.name`, `assignee.name`. */
  params: string[];
}

/** The translation matching the lead's language (`ar` → `ar`, `en` → `en_US`), else the first. */
export function pickTemplateLanguage(definition: TemplateDefinition, leadLanguage: string | undefined): string {
  const wanted = leadLanguage?.toLowerCase();
  return definition.languages.find((code) => wanted && code.toLowerCase().split(/[_-]/)[0] === wanted) ?? definition.languages[0]!;
}

/**
 * Pre-flight of a template send, so a bad one fails with the reason instead of a WhatsApp error:
 * the template must be configured and every parameter must have a value (WhatsApp refuses empty ones).
 */
export function templateBody(templates: Record<string, TemplateDefinition>, name: string, context: Record<string, unknown>): { definition: TemplateDefinition; params: string[] } {
  const definition = templates[name];
  if (!definition) throw new IntegrationError('whatsapp', 'INVALID', `template "${name}" is not configured (WHATSAPP_TEMPLATES has ${Object.keys(templates).join(', ') || 'none'})`);
  const params = definition.params.map((path) => {
    const text = textAtPath(context, path).trim();
    if (!text) throw new IntegrationError('whatsapp', 'INVALID', `template "${name}" needs ${path}, which this lead does not have`);
    return text;
  });
  return { definition, params };
}
