/** Backfill window planning and splitting. */
import { describe, expect, it } from 'vitest';
import { planWindows, remainingSpan, splitPoint } from '../../../src/engine/windows.js';

describe('planWindows', () => {
  it('tiles [from, until) without gaps or overlaps, per pass', () => {
    const { windows, nextWindowId } = planWindows({
      from: 1000,
      until: 1000 + 86400 * 30,
      count: 8,
      passes: 2,
      createdFilter: true,
    });
    expect(windows).toHaveLength(16);
    expect(nextWindowId).toBe(16);
    for (const pass of [0, 1]) {
      const ws = windows.filter((w) => w.pass === pass);
      expect(ws[0]!.gte).toBe(1000);
      expect(ws[ws.length - 1]!.lt).toBe(1000 + 86400 * 30);
      for (let i = 1; i < ws.length; i++) expect(ws[i]!.gte).toBe(ws[i - 1]!.lt);
    }
    expect(new Set(windows.map((w) => w.id)).size).toBe(16);
  });

  it('uses one unbounded window when the list has no created filter', () => {
    const { windows } = planWindows({ from: 0, until: 500, count: 8, passes: 1, createdFilter: false });
    expect(windows).toEqual([
      { id: 0, gte: 0, lt: 500, cursor: null, cursorCreated: null, done: false, pass: 0 },
    ]);
  });

  it('does not make windows shorter than an hour', () => {
    expect(
      planWindows({ from: 0, until: 1800, count: 8, passes: 1, createdFilter: true }).windows,
    ).toHaveLength(1);
  });
});

describe('splitPoint', () => {
  it('splits the unexplored part (below the cursor) in half', () => {
    const w = { id: 0, gte: 0, lt: 100_000, cursor: 'ch_1', cursorCreated: 40_000, done: false, pass: 0 };
    expect(remainingSpan(w)).toBe(40_000);
    expect(splitPoint(w)).toBe(20_000);
  });
  it('leaves short or finished windows alone', () => {
    expect(
      splitPoint({ id: 0, gte: 0, lt: 7000, cursor: null, cursorCreated: null, done: false, pass: 0 }),
    ).toBeUndefined();
    expect(
      splitPoint({ id: 0, gte: 0, lt: 1e6, cursor: null, cursorCreated: null, done: true, pass: 0 }),
    ).toBeUndefined();
  });
});
