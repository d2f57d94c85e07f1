import 'reflect-metadata';

export * from './config.module.js';
export * from './database.module.js';
export * from './queue.module.js';
export * from './redis.module.js';
export * from './logging.js';
export * from './runtime.module.js';
export * from './jobs/on-job.decorator.js';
export * from './jobs/job-handler.registry.js';
export * from './metrics.module.js';
