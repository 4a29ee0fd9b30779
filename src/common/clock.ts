import { Injectable } from '@nestjs/common';

/**
 * Where pns reads the time of day for what follows the user's own clock (quiet hours). One
 * provider, given to the whole application at its start, so that a test can run pns at any hour
 * of any day in any time zone (test/support/clock.ts) instead of waiting for it.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
