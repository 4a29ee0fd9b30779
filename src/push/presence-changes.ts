/** The users to record as departed, then as present, in one pair of writes. */
export interface PresenceWrites {
  departed: string[];
  present: string[];
}

/**
 * Connects and disconnects gathered while a presence write runs, folded per user so that one
 * pair of statements records them all: a reconnect storm is then a few writes, not one per user.
 * Folding keeps what the offline push policy reads: a user who left at any point gets a departure
 * time, and a user whose last event was a connect ends present.
 */
export class PresenceChanges {
  private changes = new Map<string, { departed: boolean; present: boolean }>();

  get size(): number {
    return this.changes.size;
  }

  connected(userId: string): void {
    const change = this.changes.get(userId);
    if (change) change.present = true;
    else this.changes.set(userId, { departed: false, present: true });
  }

  disconnected(userId: string): void {
    this.changes.set(userId, { departed: true, present: false });
  }

  /** What to write, departures first; and starts gathering anew. */
  take(): PresenceWrites {
    const writes: PresenceWrites = { departed: [], present: [] };
    for (const [userId, change] of this.changes) {
      if (change.departed) writes.departed.push(userId);
      if (change.present) writes.present.push(userId);
    }
    this.changes = new Map();
    return writes;
  }
}
