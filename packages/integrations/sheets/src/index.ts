export * from './sheets-writer.js';
