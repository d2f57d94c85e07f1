import { Injectable } from '@nestjs/common';

/** The service's notion of now; one place to move time in tests. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
