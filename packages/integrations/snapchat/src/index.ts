export * from './snapchat-signature.js';
export * from './snapchat-webhook.js';
export * from './snapchat-lead.mapper.js';
export * from './snapchat-lead.adapter.js';
