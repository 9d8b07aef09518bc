import { describe, expect, it } from 'vitest';
import { HeapGuard } from '../../../src/engine/heapGuard.js';

describe('HeapGuard', () => {
  it('asks for a full collection only when the used heap is past the target', () => {
    const high = new HeapGuard(2 ** 40); // 1 TiB: never reached
    high.check();
    expect(high.collections).toBe(0);

    const low = new HeapGuard(1); // any heap is past it
    let garbage: unknown[] | undefined = Array.from({ length: 1e5 }, (_, i) => ({ i }));
    garbage = undefined;
    low.check();
    expect(garbage).toBeUndefined();
    expect(low.collections).toBe(1);
  });

  it('does not collect on every check when the live set is above the target', () => {
    const g = new HeapGuard(1);
    g.check();
    g.check(); // right after a collection the heap is ~the live set, below 1.5× it
    expect(g.collections).toBe(1);
  });

  it('is off with a target of 0', () => {
    const g = new HeapGuard(0);
    g.check();
    expect(g.collections).toBe(0);
  });
});
