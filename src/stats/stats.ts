export interface StatsWindow {
  readonly from: Date;
  readonly to: Date;
  /** Unset: every category, and notifications without one. */
  readonly category?: string;
}

export interface GlobalStats {
  readonly created: number;
  readonly seen: number;
  readonly read: number;
  /** Null when nothing was seen in the window. */
  readonly medianSecondsToSeen: number | null;
  readonly pushSent: number;
  readonly pushFailed: number;
}

/** One push attempt's outcome, as the push module reports it (StatsService.recordPushOutcomes). */
export interface PushOutcome {
  readonly at: Date;
  readonly category: string | null | undefined;
  readonly sent: boolean;
}

export interface CategoryCounts {
  readonly total: number;
  readonly unseen: number;
  readonly unread: number;
}

export interface UserStats {
  readonly total: number;
  readonly unseen: number;
  readonly unread: number;
  /** Every category with notifications counted in `total`. */
  readonly byCategory: Record<string, CategoryCounts>;
  readonly lastSeenAt: Date | null;
  readonly liveDevices: number;
}
