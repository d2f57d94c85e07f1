export * from './meta-signature.js';
export * from './meta-webhook.js';
export * from './meta-graph.client.js';
export * from './meta-lead.mapper.js';
export * from './meta-lead.adapter.js';
export * from './meta-conversions.client.js';
