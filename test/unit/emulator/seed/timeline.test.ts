import { describe, expect, it } from 'vitest';
import { EmulatorClock } from '../../../../src/emulator/clock.js';
import { Timeline } from '../../../../src/emulator/seed/timeline.js';

describe('Timeline', () => {
  it('runs tasks in time order with the clock frozen at each instant; ties in scheduling order', async () => {
    const clock = new EmulatorClock(5_000);
    const tl = new Timeline(1_000, 2_000);
    const seen: string[] = [];
    const note = (name: string) => () => {
      seen.push(`${name}@${clock.now()}`);
    };
    tl.at(1_500, note('c'));
    tl.at(1_100, note('a'));
    tl.at(1_500, note('d'));
    tl.at(1_200, () => {
      seen.push(`b@${clock.now()}`);
      tl.after(100, note('b+100'));
      tl.at(1_100, note('past')); // clamped to now: the past cannot change
    });
    expect(tl.at(2_001, note('too late'))).toBe(false);
    expect(await tl.run(clock)).toBe(6);
    expect(seen).toEqual(['a@1100', 'b@1200', 'past@1200', 'b+100@1300', 'c@1500', 'd@1500']);
  });

  it('keeps order over many random insertions', async () => {
    const clock = new EmulatorClock(0);
    const tl = new Timeline(0, 1_000_000);
    const times: number[] = [];
    let x = 12345;
    for (let i = 0; i < 5_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const t = x % 1_000_000;
      tl.at(t, () => {
        times.push(clock.now());
      });
    }
    await tl.run(clock);
    expect(times).toHaveLength(5_000);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('stops on an error unless recover takes it', async () => {
    const clock = new EmulatorClock(0);
    const boom = () => {
      throw new Error('boom');
    };
    const tl = new Timeline(0, 10);
    tl.at(1, boom);
    await expect(tl.run(clock)).rejects.toThrow('boom');

    const tl2 = new Timeline(0, 10);
    const ran: number[] = [];
    tl2.at(1, boom);
    tl2.at(2, () => void ran.push(2));
    const recovered: unknown[] = [];
    await tl2.run(clock, (err) => recovered.push(err) > 0);
    expect(ran).toEqual([2]);
    expect(recovered).toHaveLength(1);
  });
});
