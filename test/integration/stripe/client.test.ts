/**
 * The Stripe seam against the emulator over HTTP: retries what is worth retrying (429 lock_timeout,
 * 5xx, resets, truncated bodies), never retries what is not (400, 401, 5xx with Stripe-Should-Retry:
 * false), stops at once on a bad key, and stays within the rate limits it is given.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEST_KEY, type RunningEmulator, startEmulator } from '../../../src/emulator/index.js';
import { StripeClient } from '../../../src/stripe/client.js';
import { StripeApiError, StripeAuthError } from '../../../src/stripe/errors.js';

let emu: RunningEmulator;
const fastRetry = { retries: 4, minTimeoutMs: 5, maxTimeoutMs: 20, maxRetryTimeMs: 20_000 };

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.emulator.faults.clear();
  emu.emulator.rateLimiter.configure('off');
  emu.emulator.stats.reset();
});

const client = (opts: Partial<ConstructorParameters<typeof StripeClient>[0]> = {}) =>
  new StripeClient({
    apiKey: DEFAULT_TEST_KEY,
    apiBase: emu.url,
    retry: fastRetry,
    timeoutMs: 2000,
    ...opts,
  });

describe('StripeClient', () => {
  it('lists and reports the server clock', async () => {
    const { body, serverTime } = await client().getTimed<{ object: string; data: unknown[] }>('/v1/events', {
      limit: 3,
    });
    expect(body.object).toBe('list');
    expect(Math.abs(serverTime - emu.emulator.clock.now())).toBeLessThanOrEqual(2);
  });

  it('the server clock follows the emulator clock when it jumps', async () => {
    emu.emulator.clock.advance(31 * 86400);
    const { serverTime } = await client().getTimed('/v1/events', { limit: 1 });
    expect(serverTime).toBeGreaterThan(Date.now() / 1000 + 30 * 86400);
  });

  // stripe-node retries a closed connection once by itself, even with retries off (stripe/stripe-node#1040),
  // so two resets can cost us only one attempt of our own.
  it.each([
    ['lock_timeout', { action: 'lock_timeout' }, 3],
    ['500', { action: 'server_error', status: 500 }, 3],
    ['connection reset', { action: 'reset' }, 2],
    ['truncated body', { action: 'truncate' }, 3],
  ])('retries a %s and succeeds', async (_name, rule, attempts) => {
    emu.emulator.faults.set([{ path: '^/v1/events$', count: 2, ...rule }]);
    const counters = { requests: 0, rateLimited: 0, retries: 0 };
    const page = await client().list('/v1/events', { limit: 1 }, { counters });
    expect(page.data).toBeDefined();
    expect(counters.requests).toBe(attempts);
    expect(emu.emulator.stats.snapshot().total).toBe(3);
  });

  it('retries a request that hangs past the timeout', async () => {
    emu.emulator.faults.set([{ path: '^/v1/events$', count: 1, action: 'hang', hangMs: 3000 }]);
    const counters = { requests: 0, rateLimited: 0, retries: 0 };
    await client({ timeoutMs: 300 }).list('/v1/events', { limit: 1 }, { counters });
    expect(counters.requests).toBe(2);
  });

  it('does not retry a 5xx marked Stripe-Should-Retry: false, nor a 400', async () => {
    emu.emulator.faults.set([
      { path: '^/v1/events$', count: 5, action: 'server_error', status: 503, shouldRetry: false },
    ]);
    const counters = { requests: 0, rateLimited: 0, retries: 0 };
    await expect(client().list('/v1/events', { limit: 1 }, { counters })).rejects.toBeInstanceOf(
      StripeApiError,
    );
    expect(counters.requests).toBe(1);
    emu.emulator.faults.clear();
    const c2 = { requests: 0, rateLimited: 0, retries: 0 };
    await expect(client().list('/v1/events', { limit: 101 }, { counters: c2 })).rejects.toMatchObject({
      status: 400,
    });
    expect(c2.requests).toBe(1);
  });

  it('stops at once on a bad key, with a one-line message without the key', async () => {
    const started = Date.now();
    const err = await client({ apiKey: 'sk_test_not_a_real_key_42' })
      .list('/v1/events', {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StripeAuthError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((err as Error).message).not.toContain('not_a_real_key');
    expect((err as Error).message).not.toContain('\n');
  });

  it('stays within the rate limit under concurrency, using it', async () => {
    emu.emulator.rateLimiter.configure('test');
    const c = client({ globalRate: 25, endpointRate: 25 });
    const counters = { requests: 0, rateLimited: 0, retries: 0 };
    const started = Date.now();
    await Promise.all(Array.from({ length: 50 }, () => c.list('/v1/events', { limit: 1 }, { counters })));
    const seconds = (Date.now() - started) / 1000;
    expect(counters.rateLimited).toBeLessThanOrEqual(3);
    // 50 requests at ≤ 25/s (with a one-request burst) need at least ~1.9 s.
    expect(seconds).toBeGreaterThan(1.5);
  });
});
