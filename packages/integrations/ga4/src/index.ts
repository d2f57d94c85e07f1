export * from './ga4.client.js';
