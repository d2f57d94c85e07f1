export * from './whatsapp.client.js';
export * from './whatsapp-templates.js';
export * from './whatsapp-webhook.js';
export * from './whatsapp-lead.mapper.js';
export * from './whatsapp-lead.adapter.js';
