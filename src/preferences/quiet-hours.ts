export interface QuietHours {
  /** An IANA time zone, e.g. Europe/Berlin. */
  readonly timeZone: string;
  /** Local wall-clock time "HH:MM" when quiet hours start. */
  readonly from: string;
  /** Local wall-clock time "HH:MM" when they end; before `from` when they span midnight. */
  readonly to: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time shown in `timeZone` at `instant`, written as if it were a UTC instant (ms). */
function wallClockAsUtc(timeZone: string, instant: number): number {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(instant).map(({ type, value }) => [type, Number(value)]));
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/**
 * The first instant at which the clocks of `timeZone` show `wall` (a wall-clock time written as
 * a UTC instant) or later. A time shown twice (clocks set back) is its first occurrence; a time
 * never shown (clocks set forward over it) is the moment the clocks jump past it.
 */
function firstInstantShowing(timeZone: string, wall: number): number {
  // Offsets in force a day either side cover any transition near `wall`.
  const offsets = [wall - DAY_MS, wall + DAY_MS].map((instant) => wallClockAsUtc(timeZone, instant) - instant);
  const exact = offsets.map((offset) => wall - offset).filter((instant) => wallClockAsUtc(timeZone, instant) === wall);
  if (exact.length > 0) return Math.min(...exact);
  // Skipped: between the two candidates the wall clock rises, jumping once; find the jump.
  let [low, high] = offsets.map((offset) => wall - offset).sort((a, b) => a - b);
  while (high - low > MINUTE_MS) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
    if (wallClockAsUtc(timeZone, middle) >= wall) high = middle;
    else low = middle;
  }
  return high;
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/**
 * When the quiet hours that `now` falls in end, in the user's own time zone; null when `now`
 * is outside them (or when `from` equals `to`: quiet hours of no length). Hours that span
 * midnight (22:00–07:00) end on the next local day when `now` is before midnight. Days with a
 * clock change are as long as the zone makes them.
 */
export function quietHoursEnd(quietHours: QuietHours, now: Date): Date | null {
  const from = minutesOf(quietHours.from);
  const to = minutesOf(quietHours.to);
  const wallNow = wallClockAsUtc(quietHours.timeZone, now.getTime());
  const localDay = Math.floor(wallNow / DAY_MS) * DAY_MS;
  const minute = Math.floor((wallNow - localDay) / MINUTE_MS);
  const spansMidnight = from > to;
  const quiet = spansMidnight ? minute >= from || minute < to : minute >= from && minute < to;
  if (from === to || !quiet) return null;
  const endDay = spansMidnight && minute >= from ? localDay + DAY_MS : localDay;
  return new Date(firstInstantShowing(quietHours.timeZone, endDay + to * MINUTE_MS));
}
