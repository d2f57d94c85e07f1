export * from './integration-error.js';
export * from './http-json.js';
export * from './safe-equal.js';
export * from './webhook-payload.js';
export * from './lead-adapter.js';
export * from './signature-check.js';
export * from './google-auth.js';
