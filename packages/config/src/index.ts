export * from './variables.js';
export * from './app-config.js';
export * from './env-file.js';
