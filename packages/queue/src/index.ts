export * from './jobs.js';
export * from './outbox-relay.js';
export * from './queue-keys.js';
