import { Clock } from '../../src/common/clock';

/**
 * A clock that runs at the real pace from an instant a test sets, and jumps when the test says:
 * pns started with it (startApp's `clock`) lives at that hour without the test waiting for it.
 */
export class SettableClock extends Clock {
  private offsetMs = 0;

  override now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** From now on the clock reads `instant`, and runs on from there. */
  set(instant: Date): void {
    this.offsetMs = instant.getTime() - Date.now();
  }
}
