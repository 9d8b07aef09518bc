/**
 * Proves the pinned `stripe` SDK (the client the extractor uses) talks to the emulator unchanged: lists
 * with `types[]` as the SDK encodes them, auto-pagination, errors mapped to the SDK's error classes with
 * status, code, param and request id (404 → StripeInvalidRequestError; lock_timeout and rate limits →
 * StripeRateLimitError with their headers), and idempotent replays of SDK requests.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Emulator } from '../../../src/emulator/emulator.js';
import { listen } from '../../../src/emulator/http/server.js';
import { TEST_KEY, widgetEmulator } from '../../support/emulatorWidgets.js';

let emu: Emulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  emu = widgetEmulator();
  const http = await listen(emu);
  close = http.close;
  stripe = new Stripe(TEST_KEY, {
    host: '127.0.0.1',
    port: http.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
});
afterAll(() => close());
beforeEach(() => {
  emu.reset();
  emu.faults.clear();
  emu.rateLimiter.configure('off');
});

it('lists with types[] and auto-paginates through every page', async () => {
  for (let i = 0; i < 5; i++) await emu.call('POST', '/v1/widgets', { name: `w${i}` });
  await emu.call('POST', '/v1/gadgets', { name: 'g' });
  const page = await stripe.events.list({ limit: 2, types: ['widget.created'] });
  expect(page.data.map((e) => e.type)).toEqual(['widget.created', 'widget.created']);
  expect(page.has_more).toBe(true);
  expect(page.lastResponse.requestId).toMatch(/^req_/);
  const ids: string[] = [];
  for await (const e of stripe.events.list({ limit: 2, types: ['widget.created'] })) ids.push(e.id);
  expect(ids).toHaveLength(5);
  expect(new Set(ids).size).toBe(5);
});

it('maps a 404 to StripeInvalidRequestError with code, param and request id', async () => {
  const err = await stripe.events.retrieve('evt_missing').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(err).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
  expect((err as Stripe.errors.StripeError).requestId).toMatch(/^req_/);
});

it('maps lock_timeout and rate-limit 429s to StripeRateLimitError, told apart by their headers', async () => {
  emu.faults.set([{ action: 'lock_timeout', count: 1 }]);
  const lock = (await stripe.events.list().catch((e: unknown) => e)) as Stripe.errors.StripeError;
  expect(lock).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
  expect(lock.code).toBe('lock_timeout');
  expect(lock.headers?.['stripe-rate-limited-reason']).toBeUndefined();

  emu.rateLimiter.configure('live', { endpoint: 1 });
  await stripe.events.list();
  const limited = (await stripe.events.list().catch((e: unknown) => e)) as Stripe.errors.StripeError;
  expect(limited).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
  expect(limited.code).toBe('rate_limit');
  expect(limited.headers?.['stripe-rate-limited-reason']).toBe('endpoint-rate');
});

it('replays an SDK request sent again with the same idempotency key', async () => {
  const params = { name: 'x', metadata: { note: 'a b&c' } };
  const first = (await stripe.rawRequest('POST', '/v1/widgets', params, {
    idempotencyKey: 'sdk-1',
  })) as unknown as {
    id: string;
    metadata: Record<string, string>;
  };
  const again = (await stripe.rawRequest('POST', '/v1/widgets', params, {
    idempotencyKey: 'sdk-1',
  })) as unknown as {
    id: string;
    lastResponse: { headers: Record<string, string> };
  };
  expect(first.metadata).toEqual({ note: 'a b&c' });
  expect(again.id).toBe(first.id);
  expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
});
