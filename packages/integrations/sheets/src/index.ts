export * from './sheets-writer.js';
export * from './request-pacer.js';
