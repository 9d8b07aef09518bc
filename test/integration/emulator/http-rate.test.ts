/**
 * Proves the per-endpoint rate limit holds for a real HTTP client: hammering one endpoint with several
 * requests in flight for about two seconds yields ~25 OK per second and 429s carrying
 * `Stripe-Rate-Limited-Reason: endpoint-rate`. Rates are measured on the emulator's own admission times
 * (recorded where the limiter decides), so a slow or loaded machine changes how many requests are made,
 * not what is asserted.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Emulator } from '../../../src/emulator/emulator.js';
import { listen } from '../../../src/emulator/http/server.js';
import type { RateDecision } from '../../../src/emulator/rateLimiter.js';
import { TEST_KEY, widgetEmulator } from '../../support/emulatorWidgets.js';

let emu: Emulator;
let base: string;
let close: () => Promise<void>;
const admitted: number[] = [];

beforeAll(async () => {
  emu = widgetEmulator();
  const http = await listen(emu);
  base = http.url;
  close = http.close;
  const res = await fetch(`${base}/_emulator/rate`, {
    method: 'POST',
    body: JSON.stringify({ profile: 'live' }),
  });
  expect(await res.json()).toMatchObject({ profile: 'live', global: 100, endpoint: 25 });
  // Record the limiter's own clock for every admitted request.
  const check = emu.rateLimiter.check.bind(emu.rateLimiter);
  emu.rateLimiter.check = (account: string, endpoint: string, nowMs = Date.now()): RateDecision => {
    const d = check(account, endpoint, nowMs);
    if (!d.limited && endpoint === 'GET /v1/widgets') admitted.push(nowMs);
    return d;
  };
});
afterAll(() => close());

it('one endpoint hammered for ~2 s admits ~25 requests per second and 429s the rest', async () => {
  const HAMMER_MS = 2300;
  const IN_FLIGHT = 6;
  let ok = 0;
  let limited = 0;
  const reasons = new Set<string | null>();
  const codes = new Set<string>();
  const stopAt = Date.now() + HAMMER_MS;
  const worker = async () => {
    while (Date.now() < stopAt) {
      const res = await fetch(`${base}/v1/widgets?limit=1`, {
        headers: { authorization: `Bearer ${TEST_KEY}` },
      });
      const body = (await res.json()) as { error?: { code: string } };
      if (res.status === 200) ok++;
      else {
        expect(res.status).toBe(429);
        limited++;
        reasons.add(res.headers.get('stripe-rate-limited-reason'));
        codes.add(body.error!.code);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

  expect(limited).toBeGreaterThan(0);
  expect([...reasons]).toEqual(['endpoint-rate']);
  expect([...codes]).toEqual(['rate_limit']);
  expect(ok).toBe(admitted.length);

  // Never more than 25 admissions in any one-second window of the emulator's clock.
  let maxInWindow = 0;
  for (let i = 0, j = 0; i < admitted.length; i++) {
    while (admitted[j]! <= admitted[i]! - 1000) j++;
    maxInWindow = Math.max(maxInWindow, i - j + 1);
  }
  expect(maxInWindow).toBe(25);

  // Sustained rate, over whole seconds from the first admission (a sliding window repeats the first
  // second's pattern, so a partial last second would understate it).
  const t0 = admitted[0]!;
  const seconds = Math.floor((admitted.at(-1)! - t0) / 1000);
  expect(seconds).toBeGreaterThanOrEqual(1);
  const perSecond = admitted.filter((t) => t < t0 + seconds * 1000).length / seconds;
  expect(perSecond).toBeGreaterThanOrEqual(20);
  expect(perSecond).toBeLessThanOrEqual(32);

  const stats = (await (await fetch(`${base}/_emulator/stats`)).json()) as {
    endpoints: Record<string, Record<string, number>>;
  };
  expect(stats.endpoints['GET /v1/widgets']).toEqual({ '200': ok, '429': limited });
});
