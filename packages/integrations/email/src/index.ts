export * from './mailer.js';
export * from './email-templates.js';
