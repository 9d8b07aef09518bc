import { describe, expect, it } from 'vitest';
import { KeyFilter } from '../../../src/destinations/duckdb/keyFilter.js';

const id = (i: number) => `ch_${i.toString(36).padStart(8, '0')}Xk2`;

describe('KeyFilter', () => {
  it('never answers "no" for a key it holds, across layers, and rarely "maybe" for one it does not', () => {
    const f = new KeyFilter();
    const n = 300_000; // the first layer holds 16 384 keys: this fills three layers
    for (let i = 0; i < n; i++) f.add(['acct_1', id(i)]);
    expect(f.size).toBe(n);
    for (let i = 0; i < n; i++) if (!f.mayContain(['acct_1', id(i)])) throw new Error(`lost key ${i}`);
    let maybe = 0;
    const probes = 100_000;
    for (let i = n; i < n + probes; i++) if (f.mayContain(['acct_1', id(i)])) maybe++;
    // ~1e-5 per layer at capacity: a 5 000-key batch of new keys usually gets no "maybe" at all.
    expect(maybe / probes).toBeLessThan(1e-3);
  });

  it('keeps key parts apart, and text apart from numbers', () => {
    const f = new KeyFilter();
    f.add(['ab', 'c']);
    f.add(['x', 5]);
    expect(f.mayContain(['ab', 'c'])).toBe(true);
    expect(f.mayContain(['x', 5n])).toBe(true); // a BIGINT read back from DuckDB
    expect(f.mayContain(['a', 'bc'])).toBe(false);
    expect(f.mayContain(['abc'])).toBe(false);
    expect(f.mayContain(['x', '5'])).toBe(false);
    expect(f.mayContain(['x', null])).toBe(false);
  });
});
