/**
 * Proves what a real HTTP client sees from injected faults: a connection reset (ECONNRESET), a hang past
 * the client's timeout (300 ms), a truncated body (premature close; the JSON never completes), and
 * status faults with their headers (429 lock_timeout without `Stripe-Rate-Limited-Reason`, 503 with
 * `Stripe-Should-Retry`). After each fault the server keeps serving.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../src/emulator/emulator.js';
import { listen } from '../../../src/emulator/http/server.js';
import { TEST_KEY, widgetEmulator } from '../../support/emulatorWidgets.js';

let emu: Emulator;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  emu = widgetEmulator();
  const http = await listen(emu);
  base = http.url;
  close = http.close;
});
afterAll(() => close());
beforeEach(() => emu.faults.clear());

const setFaults = async (rules: unknown[]) => {
  const res = await fetch(`${base}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ rules }) });
  expect(res.status).toBe(200);
};

interface Outcome {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  error?: NodeJS.ErrnoException;
}

/** One request over a fresh connection (no agent reuse), reporting a response or the socket error. */
function get(path: string, timeoutMs = 5000): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(`${base}${path}`, {
      headers: { authorization: `Bearer ${TEST_KEY}` },
      agent: false,
      timeout: timeoutMs,
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })),
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error }));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      res.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ status: res.statusCode, headers: res.headers, body, error }),
      );
    });
    req.end();
  });
}

const healthy = async () => expect((await get('/v1/widgets')).status).toBe(200);

describe('transport faults', () => {
  it('reset: the client sees ECONNRESET', async () => {
    await setFaults([{ path: '^/v1/widgets$', action: 'reset', count: 1 }]);
    const out = await get('/v1/widgets');
    expect(out.status).toBeUndefined();
    expect(out.error?.code).toBe('ECONNRESET');
    await healthy();
  });

  it('hang: a client with a 300 ms timeout gives up before any response', async () => {
    await setFaults([{ path: '^/v1/widgets$', action: 'hang', hangMs: 2000, count: 1 }]);
    const out = await get('/v1/widgets', 300);
    expect(out.status).toBeUndefined();
    expect(out.error?.code).toBe('CLIENT_TIMEOUT');
    await healthy();
  });

  it('hang: the server drops the connection after hangMs for a patient client', async () => {
    await setFaults([{ path: '^/v1/widgets$', action: 'hang', hangMs: 50, count: 1 }]);
    const out = await get('/v1/widgets', 5000);
    expect(out.status).toBeUndefined();
    expect(out.error?.code).toBe('ECONNRESET'); // "socket hang up"
  });

  it('truncate: the body stops short of its Content-Length and does not parse', async () => {
    await setFaults([{ path: '^/v1/widgets$', action: 'truncate', count: 1 }]);
    const out = await get('/v1/widgets');
    expect(out.status).toBe(200);
    expect(out.error?.message ?? out.error?.code).toMatch(/aborted|ECONNRESET/);
    expect(out.body!.length).toBeLessThan(Number(out.headers!['content-length']));
    expect(() => JSON.parse(out.body!)).toThrow();

    await setFaults([{ path: '^/v1/widgets$', action: 'truncate', count: 1 }]);
    const viaFetch = await fetch(`${base}/v1/widgets`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    await expect(viaFetch.json()).rejects.toThrow();
    await healthy();
  });
});

describe('status faults over HTTP', () => {
  it('429 lock_timeout carries no rate-limiter header', async () => {
    await setFaults([{ action: 'lock_timeout', count: 1 }]);
    const out = await get('/v1/widgets');
    expect(out.status).toBe(429);
    expect(out.headers!['stripe-rate-limited-reason']).toBeUndefined();
    expect(out.headers!['stripe-should-retry']).toBe('true');
    expect(JSON.parse(out.body!).error.code).toBe('lock_timeout');
  });

  it('503 carries Stripe-Should-Retry and a request id', async () => {
    await setFaults([{ action: 'server_error', status: 503, shouldRetry: true, count: 1 }]);
    const out = await get('/v1/widgets');
    expect(out.status).toBe(503);
    expect(out.headers!['stripe-should-retry']).toBe('true');
    expect(out.headers!['request-id']).toMatch(/^req_/);
    expect(JSON.parse(out.body!).error.type).toBe('api_error');
  });
});
