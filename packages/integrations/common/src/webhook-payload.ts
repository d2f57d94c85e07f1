/** A webhook body that is JSON but not the shape the platform documents. Answered with 400. */
export class InvalidPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPayloadError';
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Platforms send ids as strings or numbers (Meta samples show both); we keep strings. */
export function idString(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}

export function requireId(value: unknown, path: string): string {
  const id = idString(value);
  if (id === undefined) throw new InvalidPayloadError(`${path} must be a non-empty string or integer id`);
  return id;
}

/** Optional text field: strings kept, numbers stringified, anything else dropped. */
export function optionalText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Unix time in seconds or milliseconds (as number or numeric string), or an ISO date string. */
export function parsePlatformTime(value: unknown): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value.trim()))) {
    const n = Number(value);
    const date = new Date(n > 1e12 ? n : n * 1000);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  if (typeof value === 'string') {
    // Graph sends "2024-05-29T16:26:40+0000": add the colon Date.parse wants in the offset.
    const date = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}
