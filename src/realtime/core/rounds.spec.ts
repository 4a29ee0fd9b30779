import { Rounds } from './rounds';

describe('Rounds', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function recording(intervalMs: number) {
    const visits: { member: number; at: number }[] = [];
    const rounds = new Rounds<number>(intervalMs, (member) => visits.push({ member, at: Date.now() }));
    return { rounds, visits };
  }

  it('visits every member once per interval, a twentieth of the members at a time', () => {
    const { rounds, visits } = recording(1000);
    for (let member = 0; member < 100; member += 1) rounds.add(member);
    rounds.start();

    jest.advanceTimersByTime(50);
    expect(visits).toHaveLength(5);
    jest.advanceTimersByTime(950);
    expect(new Set(visits.map((visit) => visit.member)).size).toBe(100);
    expect(visits).toHaveLength(100);
    jest.advanceTimersByTime(1000);
    expect(visits).toHaveLength(200);
    rounds.stop();
  });

  it('visits each member one interval apart, never in the same burst as all the others', () => {
    const { rounds, visits } = recording(1000);
    for (let member = 0; member < 40; member += 1) rounds.add(member);
    rounds.start();
    jest.advanceTimersByTime(2000);
    const first = visits.filter((visit) => visit.member === 7).map((visit) => visit.at);
    expect(first[1] - first[0]).toBe(1000);
    const visitsPerMoment = new Map<number, number>();
    for (const { at } of visits) visitsPerMoment.set(at, (visitsPerMoment.get(at) ?? 0) + 1);
    expect(Math.max(...visitsPerMoment.values())).toBe(2);
    rounds.stop();
  });

  it('no longer visits a deleted member, even one deleted during its own visit', () => {
    const visited: number[] = [];
    const rounds: Rounds<number> = new Rounds(100, (member) => {
      visited.push(member);
      if (member % 2 === 0) rounds.delete(member);
    });
    for (let member = 0; member < 40; member += 1) rounds.add(member);
    rounds.delete(1);
    rounds.start();
    jest.advanceTimersByTime(300);
    expect(visited.filter((member) => member === 1)).toEqual([]);
    expect(visited.filter((member) => member === 2)).toEqual([2]);
    expect(visited.filter((member) => member === 3)).toEqual([3, 3, 3]);
    rounds.stop();
  });

  it('visits nothing once stopped', () => {
    const { rounds, visits } = recording(1000);
    rounds.add(1);
    rounds.start();
    rounds.stop();
    jest.advanceTimersByTime(5000);
    expect(visits).toEqual([]);
  });
});
