/**
 * Proves the rate limiter's arithmetic with an injected clock (no waiting): one endpoint is capped at
 * 25/s (`endpoint-rate`), two endpoints together reach 50/s, four or more hit the global cap — 100/s on
 * the live profile, 25/s on test (`global-rate`) — limits are per account (a connected account has its
 * own budget), capacity returns as the one-second window slides, and the `off` profile never limits.
 * Also that the pipeline turns a rejection into Stripe's 429 with `Stripe-Rate-Limited-Reason`.
 */
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/emulator/rateLimiter.js';
import { send, widgetEmulator } from '../../support/emulatorWidgets.js';

/** Sends `n` requests spread evenly over [t, t + spanMs) and counts the admitted ones and the reasons. */
function burst(rl: RateLimiter, account: string, endpoints: string[], n: number, t: number, spanMs = 0) {
  let ok = 0;
  const reasons: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const endpoint = endpoints[i % endpoints.length]!;
    const d = rl.check(account, endpoint, t + Math.floor((i * spanMs) / n));
    if (d.limited) reasons[d.reason] = (reasons[d.reason] ?? 0) + 1;
    else ok++;
  }
  return { ok, reasons };
}

const endpoints = (k: number) => Array.from({ length: k }, (_, i) => `GET /v1/thing${i}`);

describe('RateLimiter', () => {
  it('caps one endpoint at 25 per second with endpoint-rate', () => {
    const rl = new RateLimiter('live');
    const r = burst(rl, 'acct_a', endpoints(1), 200, 10_000, 999);
    expect(r.ok).toBe(25);
    expect(r.reasons).toEqual({ 'endpoint-rate': 175 });
  });

  it('lets two endpoints together reach 50 per second (live)', () => {
    const rl = new RateLimiter('live');
    const r = burst(rl, 'acct_a', endpoints(2), 400, 10_000, 999);
    expect(r.ok).toBe(50);
    expect(r.reasons).toEqual({ 'endpoint-rate': 350 });
  });

  it('caps four or more endpoints at the global 100 per second on live, with global-rate', () => {
    const rl = new RateLimiter('live');
    const r = burst(rl, 'acct_a', endpoints(8), 800, 10_000, 999);
    expect(r.ok).toBe(100);
    expect(r.reasons['global-rate']).toBeGreaterThan(0);
  });

  it('caps all endpoints together at 25 per second on the test profile', () => {
    const rl = new RateLimiter('test');
    const r = burst(rl, 'acct_a', endpoints(4), 400, 10_000, 999);
    expect(r.ok).toBe(25);
    expect(r.reasons['global-rate']).toBeGreaterThan(0);
    expect(new RateLimiter('test').describe()).toMatchObject({ profile: 'test', global: 25, endpoint: 25 });
  });

  it('keeps a separate budget per account', () => {
    const rl = new RateLimiter('live');
    expect(burst(rl, 'acct_platform', endpoints(1), 100, 10_000).ok).toBe(25);
    expect(burst(rl, 'acct_connected', endpoints(1), 100, 10_000).ok).toBe(25);
    expect(burst(rl, 'acct_platform', endpoints(1), 10, 10_500).ok).toBe(0);
  });

  it('admits again as the one-second window slides past earlier requests', () => {
    const rl = new RateLimiter('live');
    expect(burst(rl, 'a', endpoints(1), 25, 0).ok).toBe(25); // all at t=0
    expect(rl.check('a', 'GET /v1/thing0', 999).limited).toBe(true);
    expect(rl.check('a', 'GET /v1/thing0', 1000).limited).toBe(false);
    // Sustained: 10 seconds of 100 evenly spaced requests per second admit 25 per second.
    const rl2 = new RateLimiter('live');
    expect(burst(rl2, 'a', endpoints(1), 1000, 0, 10_000).ok).toBe(250);
  });

  it('rejected requests do not use up the budget', () => {
    const rl = new RateLimiter('live');
    expect(burst(rl, 'a', endpoints(1), 25, 0).ok).toBe(25);
    expect(burst(rl, 'a', endpoints(1), 100, 500, 500).ok).toBe(0); // all rejected, within (0, 1000)
    // The window (0, 1000] holds no admitted request any more: a full budget, whatever was rejected.
    expect(burst(rl, 'a', endpoints(1), 30, 1000).ok).toBe(25);
  });

  it('never limits on the off profile, and honours overrides', () => {
    expect(burst(new RateLimiter('off'), 'a', endpoints(1), 10_000, 0).ok).toBe(10_000);
    const custom = new RateLimiter('live', { endpoint: 5 });
    expect(burst(custom, 'a', endpoints(1), 50, 0).ok).toBe(5);
  });
});

describe('rate limits on the API', () => {
  it('answers over-limit requests with 429, code rate_limit and Stripe-Rate-Limited-Reason', async () => {
    const emu = widgetEmulator();
    const set = await send(emu, 'POST', '/_emulator/rate', JSON.stringify({ profile: 'live', endpoint: 3 }));
    expect(set.json).toEqual({ profile: 'live', global: 100, endpoint: 3 });
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof send>> | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await send(emu, 'GET', '/v1/widgets');
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    // Within one second of wall time the first 3 pass; a slow machine might let the window slide once.
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses).toContain(429);
    expect(limited!.headers['stripe-rate-limited-reason']).toBe('endpoint-rate');
    expect(limited!.json.error).toMatchObject({ type: 'invalid_request_error', code: 'rate_limit' });
    // Another endpoint has its own budget.
    expect((await send(emu, 'GET', '/v1/gadgets')).status).toBe(200);
  });

  it('gives a connected account its own budget', async () => {
    const emu = widgetEmulator();
    emu.context().registerConnectedAccount('acct_ownBudget000001');
    await send(emu, 'POST', '/_emulator/rate', JSON.stringify({ profile: 'live', endpoint: 2 }));
    const platform = [];
    for (let i = 0; i < 3; i++) platform.push((await send(emu, 'GET', '/v1/widgets')).status);
    const connected = [];
    for (let i = 0; i < 3; i++) {
      connected.push(
        (await send(emu, 'GET', '/v1/widgets', '', { 'stripe-account': 'acct_ownBudget000001' })).status,
      );
    }
    expect(platform).toEqual([200, 200, 429]);
    expect(connected).toEqual([200, 200, 429]);
  });
});
