export * from './generated/prisma/client.js';
export * from './prisma-client.js';
export * from './migrations/migration-runner.js';
export * from './channel-listener.js';
export * from './sql.js';
export * from './grouped-write.js';
