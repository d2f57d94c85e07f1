import { SetMetadata } from '@nestjs/common';
import type { JobName } from '@leadflow/queue';

export const ON_JOB = Symbol('ON_JOB');

/** Marks the method that runs these job types. Exactly one handler per job is checked at worker start. */
export const OnJob = (...names: JobName[]): MethodDecorator => SetMetadata(ON_JOB, names);
