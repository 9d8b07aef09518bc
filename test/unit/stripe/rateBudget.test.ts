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

/**
 * A simulated clock for concurrent requests: `sleep` queues a timer and `run` fires timers in time order,
 * letting every woken request run (microtasks and I/O callbacks) before the next timer.
 */
function eventClock() {
  let t = 0;
  let seq = 0;
  const timers: { at: number; seq: number; fire: () => void }[] = [];
  return {
    now: () => t,
    sleep: (ms: number) => new Promise<void>((fire) => timers.push({ at: t + ms, seq: seq++, fire })),
    async run(until: number): Promise<void> {
      for (;;) {
        await new Promise((r) => setImmediate(r));
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers.shift();
        if (!next || next.at > until) return;
        t = Math.max(t, next.at);
        next.fire();
      }
    },
  };
}

/**
 * Four endpoints, `perEndpoint` requests in flight on each (40–80 ms after the grant), for `seconds` of
 * simulated time: demand is twice the global rate. Returns grants per endpoint and all grant times.
 */
async function contend(
  b: RateBudget,
  clock: ReturnType<typeof eventClock>,
  seconds: number,
  perEndpoint = 5,
) {
  const grants: Record<string, number> = { lo1: 0, lo2: 0, lo3: 0, hi: 0 };
  let seed = 7;
  // Deterministic latency jitter, 40–80 ms, so that no endpoint wins every tie by start order.
  const latency = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return 40 + (seed / 2147483648) * 40;
  };
  const times: number[] = [];
  const end = seconds * 1000;
  const worker = async (endpoint: string) => {
    while (clock.now() < end) {
      await b.acquire(endpoint);
      if (clock.now() >= end) return;
      grants[endpoint]!++;
      times.push(clock.now());
      await clock.sleep(latency());
    }
  };
  for (const e of Object.keys(grants)) for (let i = 0; i < perEndpoint; i++) void worker(e);
  await clock.run(end);
  return { grants, times };
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

  it('gives the global rate to the most urgent endpoint first, and the rest to the others', async () => {
    const clock = eventClock();
    const b = new RateBudget({ globalRate: 40, endpointRate: 20, headroom: 1, ...clock });
    b.setPriority((e) => (e === 'hi' ? 10 : 0));
    const { grants, times } = await contend(b, clock, 20);
    // `hi` runs at its own limit (20/s), the others share what the global limit leaves (20/s).
    expect(grants.hi! / 20).toBeGreaterThan(19);
    const others = grants.lo1! + grants.lo2! + grants.lo3!;
    expect(others / 20).toBeGreaterThan(18);
    expect(Math.min(grants.lo1!, grants.lo2!, grants.lo3!) / 20).toBeGreaterThan(4);
    expect(maxInWindow(times)).toBeLessThanOrEqual(41);
  });

  it('without priorities, competing endpoints share the global rate', async () => {
    const clock = eventClock();
    const b = new RateBudget({ globalRate: 40, endpointRate: 20, headroom: 1, ...clock });
    const { grants, times } = await contend(b, clock, 20);
    // What the priority changes: first come, first served, `hi` (started last) gets a third of what is
    // left after the first endpoint took its 20/s.
    expect(grants.hi! / 20).toBeLessThan(15);
    expect((grants.hi! + grants.lo1! + grants.lo2! + grants.lo3!) / 20).toBeGreaterThan(38);
    expect(maxInWindow(times)).toBeLessThanOrEqual(41);
  });

  it('costs no more wake-ups with priorities than without, even with hundreds of requests waiting', async () => {
    // A request that yields sleeps until the urgent one wakes, not in 1 ms steps; and above 500 req/s
    // (limits raised against a local server, ~1 000 requests in flight) nothing is reordered.
    for (const globalRate of [100, 2000]) {
      const sleeps: number[] = [];
      for (const prioritised of [false, true]) {
        const clock = eventClock();
        let count = 0;
        const counted = {
          now: clock.now,
          sleep: (ms: number) => {
            count++;
            return clock.sleep(ms);
          },
        };
        const b = new RateBudget({ globalRate, endpointRate: globalRate / 4, headroom: 0.95, ...counted });
        let asked = 0;
        if (prioritised)
          b.setPriority((e) => {
            asked++;
            return e === 'hi' ? 100 : 1;
          });
        const { grants } = await contend(b, clock, 2, 60);
        const total = Object.values(grants).reduce((n, g) => n + g, 0);
        expect(total / 2).toBeGreaterThan(globalRate * 0.9);
        sleeps.push(count / total);
        // Priorities are looked up per endpoint waiting (four here), not per request waiting (240).
        expect(asked / (count + total)).toBeLessThanOrEqual(4);
      }
      expect(sleeps[1]).toBeLessThan(sleeps[0]! * 1.5 + 1);
    }
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
