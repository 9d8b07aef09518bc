/**
 * `forEachAccount`: accounts run concurrently up to the limit (each has its own rate budget at Stripe),
 * every account runs once, and the first failure aborts the others and is the error thrown.
 */
import { describe, expect, it } from 'vitest';
import { forEachAccount } from '../../../src/engine/accountPool.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('forEachAccount', () => {
  it('runs every account once, at most `concurrency` at a time', async () => {
    let running = 0;
    let peak = 0;
    const seen: string[] = [];
    await forEachAccount(['a', 'b', 'c', 'd', 'e'], 2, new AbortController().signal, async (acct) => {
      running++;
      peak = Math.max(peak, running);
      for (let i = 0; i < 3; i++) await tick();
      seen.push(acct);
      running--;
    });
    expect(peak).toBe(2);
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('starts several accounts before any finishes (they do not wait for each other)', async () => {
    const started: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const done = forEachAccount(['a', 'b', 'c'], 4, new AbortController().signal, async (acct) => {
      started.push(acct);
      await gate;
    });
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    release();
    await done;
  });

  it('aborts the others on the first failure and throws that failure, not the abort', async () => {
    const aborted: string[] = [];
    const boom = new Error('invalid key');
    await expect(
      forEachAccount(['bad', 'slow', 'queued'], 2, new AbortController().signal, async (acct, signal) => {
        if (acct === 'bad') {
          await tick();
          throw boom;
        }
        await new Promise<void>((_, reject) =>
          signal.addEventListener('abort', () => {
            aborted.push(acct);
            reject(signal.reason);
          }),
        );
      }),
    ).rejects.toBe(boom);
    expect(aborted).toEqual(['slow']); // 'queued' never started
  });

  it('stops when the run is aborted from outside', async () => {
    const run = new AbortController();
    const p = forEachAccount(['a', 'b'], 1, run.signal, async (_acct, signal) => {
      await new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    });
    run.abort(new Error('SIGTERM'));
    await expect(p).rejects.toThrow('SIGTERM');
  });
});
