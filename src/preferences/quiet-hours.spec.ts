import { quietHoursEnd } from './quiet-hours';

const berlinNights = { timeZone: 'Europe/Berlin', from: '22:00', to: '07:00' };

describe('quietHoursEnd', () => {
  it('ends quiet hours that span midnight at their end on the next local day', () => {
    // 23:30 in Berlin in winter (UTC+1) is 22:30 UTC; 07:00 next morning is 06:00 UTC.
    expect(quietHoursEnd(berlinNights, new Date('2026-01-14T22:30:00Z'))).toEqual(new Date('2026-01-15T06:00:00Z'));
    // 23:30 in summer (UTC+2).
    expect(quietHoursEnd(berlinNights, new Date('2026-07-14T21:30:00Z'))).toEqual(new Date('2026-07-15T05:00:00Z'));
  });

  it('ends them the same local day after midnight', () => {
    // 03:10 Berlin winter time.
    expect(quietHoursEnd(berlinNights, new Date('2026-01-15T02:10:00Z'))).toEqual(new Date('2026-01-15T06:00:00Z'));
  });

  it('answers null outside quiet hours, at their end, and at a minute before their start', () => {
    expect(quietHoursEnd(berlinNights, new Date('2026-01-15T11:00:00Z'))).toBeNull(); // 12:00 local
    expect(quietHoursEnd(berlinNights, new Date('2026-01-15T06:00:00Z'))).toBeNull(); // 07:00 local: over
    expect(quietHoursEnd(berlinNights, new Date('2026-01-14T20:59:00Z'))).toBeNull(); // 21:59 local
    expect(quietHoursEnd(berlinNights, new Date('2026-01-14T21:00:00Z'))).toEqual(new Date('2026-01-15T06:00:00Z')); // 22:00: quiet
  });

  it('reads the clock in the user zone, not in UTC', () => {
    // 22:30 UTC is 17:30 in New York: not quiet there, though it is past 22:00 in UTC.
    expect(quietHoursEnd({ timeZone: 'America/New_York', from: '22:00', to: '07:00' }, new Date('2026-01-14T22:30:00Z'))).toBeNull();
    // 21:30 in Kolkata (UTC+5:30, no DST) during 21:00-06:30 ends at 06:30 local = 01:00 UTC.
    expect(quietHoursEnd({ timeZone: 'Asia/Kolkata', from: '21:00', to: '06:30' }, new Date('2026-01-14T16:00:00Z'))).toEqual(new Date('2026-01-15T01:00:00Z'));
  });

  it('handles hours within one day', () => {
    const lunch = { timeZone: 'Europe/Berlin', from: '12:00', to: '13:30' };
    expect(quietHoursEnd(lunch, new Date('2026-01-14T11:15:00Z'))).toEqual(new Date('2026-01-14T12:30:00Z'));
    expect(quietHoursEnd(lunch, new Date('2026-01-14T12:30:00Z'))).toBeNull();
  });

  it('treats equal from and to as no quiet hours', () => {
    expect(quietHoursEnd({ timeZone: 'UTC', from: '08:00', to: '08:00' }, new Date('2026-01-14T08:00:00Z'))).toBeNull();
  });

  it('spans a spring-forward night with one hour less', () => {
    // Berlin sets clocks forward on 2026-03-29 at 02:00 (to 03:00). 23:30 CET on the 28th is
    // 22:30 UTC; 07:00 CEST on the 29th is 05:00 UTC: six and a half hours later, not 7.5.
    expect(quietHoursEnd(berlinNights, new Date('2026-03-28T22:30:00Z'))).toEqual(new Date('2026-03-29T05:00:00Z'));
  });

  it('spans a fall-back night with one hour more', () => {
    // Berlin sets clocks back on 2026-10-25 at 03:00 (to 02:00). 23:30 CEST on the 24th is
    // 21:30 UTC; 07:00 CET on the 25th is 06:00 UTC.
    expect(quietHoursEnd(berlinNights, new Date('2026-10-24T21:30:00Z'))).toEqual(new Date('2026-10-25T06:00:00Z'));
  });

  it('ends at the jump when the end time is skipped by the clock change', () => {
    // 02:30 never happens in Berlin on 2026-03-29: the clocks go from 02:00 CET to 03:00 CEST,
    // at 01:00 UTC. Quiet hours until 02:30 end then.
    expect(quietHoursEnd({ timeZone: 'Europe/Berlin', from: '22:00', to: '02:30' }, new Date('2026-03-28T22:30:00Z'))).toEqual(new Date('2026-03-29T01:00:00Z'));
  });

  it('ends at the first of the two 02:30s when the clocks go back', () => {
    // On 2026-10-25 Berlin shows 02:30 twice: at 00:30 UTC (CEST) and at 01:30 UTC (CET).
    expect(quietHoursEnd({ timeZone: 'Europe/Berlin', from: '22:00', to: '02:30' }, new Date('2026-10-24T21:30:00Z'))).toEqual(new Date('2026-10-25T00:30:00Z'));
  });
});
