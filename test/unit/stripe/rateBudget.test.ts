/**
 * The client-side budget keeps every sliding second under Stripe's limits (global and per endpoint) and
 * adapts to 429s. Time is simulated: `acquire` sleeps on a fake clock.
 */
import { describe, expect, it } from 'vitest';
import { RateBudget } from '../../../src/stripe/rateBudget.js';

function fakeClock() {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

/** Max requests in any window of `ms` (sliding), from grant times. */
function maxInWindow(times: number[], ms = 1000): number {
  let best = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('RateBudget', () => {
  it('holds one endpoint to its per-endpoint rate and uses it fully', async () => {
    const clock = fakeClock();
    const b = new RateBudget({ globalRate: 100, endpointRate: 25, headroom: 1, ...clock });
    const times: number[] = [];
    for (let i = 0; i < 250; i++) {
      await b.acquire('GET /v1/charges');
      times.push(clock.now());
    }
    expect(maxInWindow(times)).toBeLessThanOrEqual(26);
    const rate = 250 / (clock.now() / 1000);
    expect(rate).toBeGreaterThan(24);
  });

  it('shares the global rate across endpoints', async () => {
    const clock = fakeClock();
    const b = new RateBudget({ globalRate: 100, endpointRate: 25, headroom: 1, ...clock });
    const times: number[] = [];
    const endpoints = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let i = 0; i < 600; i++) {
      await b.acquire(endpoints[i % endpoints.length]!);
      times.push(clock.now());
    }
    expect(maxInWindow(times)).toBeLessThanOrEqual(101);
    expect(600 / (clock.now() / 1000)).toBeGreaterThan(60);
  });

  it('slows the limiter a 429 names, then recovers', () => {
    const b = new RateBudget({ globalRate: 100, endpointRate: 25, headroom: 1 });
    b.onRateLimited('GET /v1/charges', 'endpoint-rate');
    expect(b.rates().endpoints['GET /v1/charges']).toBeLessThan(25);
    expect(b.rates().global).toBe(100);
    b.onRateLimited('GET /v1/charges', 'global-rate');
    expect(b.rates().global).toBeLessThan(100);
    for (let i = 0; i < 500; i++) b.onSuccess('GET /v1/charges');
    expect(b.rates().global).toBe(100);
    expect(b.rates().endpoints['GET /v1/charges']).toBe(25);
  });

  it('stops waiting when aborted', async () => {
    const b = new RateBudget({ globalRate: 1, endpointRate: 1, headroom: 1 });
    await b.acquire('x');
    await b.acquire('x');
    const ac = new AbortController();
    const p = b.acquire('x', ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});
