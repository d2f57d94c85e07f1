export * from './odoo-transport.js';
export * from './odoo-crm.client.js';
