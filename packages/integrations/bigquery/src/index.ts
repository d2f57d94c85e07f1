export * from './bigquery.client.js';
export * from './export-tables.js';
