export * from './tiktok-webhook.js';
export * from './tiktok-lead.client.js';
export * from './tiktok-lead.mapper.js';
export * from './tiktok-lead.adapter.js';
