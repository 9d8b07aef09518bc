/**
 * Proves fault rules set on the control plane (`POST /_emulator/faults` with JSON): injected status codes
 * in Stripe's error shape, 429 `lock_timeout` WITHOUT `Stripe-Rate-Limited-Reason` (but with
 * `Stripe-Should-Retry: true`, as Stripe sends), 5xx with `Stripe-Should-Retry`, path and method matching,
 * and the `probability`, `after` and `count` semantics; transport faults (reset, hang, truncate) are
 * handed to the HTTP layer — a truncated response still ran its request. The HTTP side is proved in
 * test/integration/emulator/http-faults.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../src/emulator/emulator.js';
import { Faults } from '../../../src/emulator/faults.js';
import { send, TEST_KEY, widgetEmulator } from '../../support/emulatorWidgets.js';

let emu: Emulator;
beforeEach(() => {
  emu = widgetEmulator();
});

const setFaults = async (rules: unknown[]) => {
  const res = await send(emu, 'POST', '/_emulator/faults', JSON.stringify({ rules }));
  expect(res.status, res.body).toBe(200);
  return res.json;
};

describe('HTTP-level faults', () => {
  it('injects a status code in Stripe’s error shape', async () => {
    await setFaults([{ path: '^/v1/widgets$', action: 'status', status: 402, code: 'card_declined' }]);
    const res = await send(emu, 'GET', '/v1/widgets');
    expect(res.status).toBe(402);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', code: 'card_declined' });
    expect(res.headers['request-id']).toMatch(/^req_/);
    expect((await send(emu, 'GET', '/v1/gadgets')).status).toBe(200);
  });

  it('injects 429 lock_timeout without the rate-limiter header', async () => {
    await setFaults([{ action: 'lock_timeout' }]);
    const res = await send(emu, 'POST', '/v1/widgets', 'name=x');
    expect(res.status).toBe(429);
    expect(res.json.error.code).toBe('lock_timeout');
    expect(res.headers['stripe-rate-limited-reason']).toBeUndefined();
    expect(res.headers['stripe-should-retry']).toBe('true');
    // The request did not run.
    await setFaults([]);
    expect((await send(emu, 'GET', '/v1/widgets')).json.data).toEqual([]);
  });

  it('injects 5xx with Stripe-Should-Retry when the rule says so', async () => {
    await setFaults([
      { path: 'gadgets', action: 'server_error', status: 503, shouldRetry: true },
      { path: 'widgets', action: 'server_error', shouldRetry: false },
      { path: 'parts', action: 'status', status: 502 },
    ]);
    const g = await send(emu, 'GET', '/v1/gadgets');
    expect([g.status, g.headers['stripe-should-retry'], g.json.error.type]).toEqual([
      503,
      'true',
      'api_error',
    ]);
    const w = await send(emu, 'GET', '/v1/widgets');
    expect([w.status, w.headers['stripe-should-retry']]).toEqual([500, 'false']);
    const p = await send(emu, 'GET', '/v1/parts?widget=x');
    expect([p.status, p.headers['stripe-should-retry']]).toEqual([502, undefined]);
  });

  it('matches on method', async () => {
    await setFaults([{ method: 'POST', action: 'status', status: 500 }]);
    expect((await send(emu, 'GET', '/v1/widgets')).status).toBe(200);
    expect((await send(emu, 'POST', '/v1/widgets', '')).status).toBe(500);
  });

  it('rejects an invalid rule with 400 and keeps the previous rules', async () => {
    await setFaults([{ action: 'status', status: 503 }]);
    for (const rule of [
      { action: 'explode' },
      { action: 'reset', path: '(' },
      { action: 'status', probability: 2 },
    ]) {
      const bad = await send(emu, 'POST', '/_emulator/faults', JSON.stringify({ rules: [rule] }));
      expect(bad.status, JSON.stringify(rule)).toBe(400);
      expect(bad.json.error.type).toBe('invalid_request_error');
    }
    expect((await send(emu, 'GET', '/_emulator/faults')).json.rules).toHaveLength(1);
    expect((await send(emu, 'DELETE', '/_emulator/faults')).json.rules).toEqual([]);
    expect((await send(emu, 'GET', '/v1/widgets')).status).toBe(200);
  });
});

describe('rule semantics', () => {
  it('after N: the first N matching requests pass, then the rule fires', async () => {
    await setFaults([{ action: 'status', status: 500, after: 3 }]);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await send(emu, 'GET', '/v1/widgets')).status);
    expect(statuses).toEqual([200, 200, 200, 500, 500, 500]);
  });

  it('count: the rule fires that many times, then requests pass', async () => {
    await setFaults([{ action: 'status', status: 500, count: 2 }]);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(emu, 'GET', '/v1/widgets')).status);
    expect(statuses).toEqual([500, 500, 200, 200, 200]);
    const [rule] = (await send(emu, 'GET', '/_emulator/faults')).json.rules;
    expect(rule).toMatchObject({ seen: 5, fired: 2 });
  });

  it('after and count together: a window of failures', async () => {
    await setFaults([{ action: 'status', status: 500, after: 1, count: 2 }]);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(emu, 'GET', '/v1/widgets')).status);
    expect(statuses).toEqual([200, 500, 500, 200, 200]);
  });

  it('probability: fires on about that share of requests (0 never, 1 always)', () => {
    let r = 0;
    const draws = [0.1, 0.6, 0.29, 0.3, 0.99];
    const faults = new Faults(() => draws[r++ % draws.length]!);
    faults.set([{ action: 'status', status: 500, probability: 0.3 }]);
    const fired = draws.map(() => faults.match('GET', '/v1/x') !== undefined);
    expect(fired).toEqual([true, false, true, false, false]);

    const seeded = widgetEmulator().faults;
    seeded.set([{ action: 'status', status: 500, probability: 0.25 }]);
    let n = 0;
    for (let i = 0; i < 4000; i++) if (seeded.match('GET', '/v1/x')) n++;
    expect(n).toBeGreaterThan(800);
    expect(n).toBeLessThan(1200);
    seeded.set([
      { action: 'status', probability: 0 },
      { path: 'never', action: 'reset' },
    ]);
    for (let i = 0; i < 100; i++) expect(seeded.match('GET', '/v1/x')).toBeUndefined();
  });

  it('rules are tried in order; the first that fires wins', async () => {
    await setFaults([
      { action: 'status', status: 503, count: 1 },
      { action: 'status', status: 500 },
    ]);
    expect((await send(emu, 'GET', '/v1/widgets')).status).toBe(503);
    expect((await send(emu, 'GET', '/v1/widgets')).status).toBe(500);
  });
});

describe('transport faults (acted out by the HTTP server)', () => {
  const raw = (method: string, path: string, body = '') =>
    emu.handle({ method, path, query: '', body, headers: { authorization: `Bearer ${TEST_KEY}` } });

  it('reset and hang do not run the request', async () => {
    await setFaults([
      { method: 'POST', action: 'reset', count: 1 },
      { method: 'POST', action: 'hang', hangMs: 50, count: 1 },
    ]);
    const reset = await raw('POST', '/v1/widgets', 'name=a');
    expect(reset.transportFault?.action).toBe('reset');
    const hang = await raw('POST', '/v1/widgets', 'name=b');
    expect(hang.transportFault).toMatchObject({ action: 'hang', hangMs: 50 });
    expect((await send(emu, 'GET', '/v1/widgets')).json.data).toEqual([]);
  });

  it('truncate runs the request (its effects happen) and hands over the full body', async () => {
    await setFaults([{ method: 'POST', action: 'truncate', count: 1 }]);
    const res = await raw('POST', '/v1/widgets', 'name=a');
    expect(res.transportFault?.action).toBe('truncate');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).name).toBe('a');
    expect((await send(emu, 'GET', '/v1/widgets')).json.data).toHaveLength(1);
  });

  it('counts transport faults as status 0 in the stats', async () => {
    await setFaults([{ action: 'reset', count: 1 }]);
    await raw('GET', '/v1/widgets');
    expect((await send(emu, 'GET', '/_emulator/stats')).json.endpoints['GET /v1/widgets']).toEqual({
      '0': 1,
    });
  });
});
