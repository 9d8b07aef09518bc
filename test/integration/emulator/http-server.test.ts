/**
 * Proves the emulator over real HTTP: `startEmulator({port: 0})` binds 127.0.0.1 on an ephemeral port
 * and `close()` frees it (even with idle keep-alive connections open); responses are JSON with Stripe's
 * headers (`Request-Id`, `Stripe-Version`); a form body written by URLSearchParams (what stripe-node's
 * encoding amounts to) and Basic auth (curl -u) work end to end; control-plane JSON bodies work.
 */
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../../src/emulator/http/server.js';
import { startEmulator } from '../../../src/emulator/index.js';
import { TEST_KEY, widgetEmulator } from '../../support/emulatorWidgets.js';

const auth = { authorization: `Bearer ${TEST_KEY}` };
type StripeError = { error: { type: string; message: string } };

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('startEmulator', () => {
  it('binds 127.0.0.1 on an ephemeral port and close() frees it', async () => {
    const running = await startEmulator({ port: 0 });
    expect(running.port).toBeGreaterThan(0);
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
    const res = await fetch(`${running.url}/v1/events`, { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ object: 'list', data: [], has_more: false, url: '/v1/events' });
    expect(await canListen(running.port)).toBe(false);

    // An idle keep-alive connection must not keep the port busy after close().
    await new Promise<void>((resolve, reject) => {
      const req = request(`${running.url}/v1/events`, {
        headers: auth,
        agent: new Agent({ keepAlive: true }),
      });
      req.on('response', (r) => {
        r.resume();
        r.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    await running.close();
    expect(await canListen(running.port)).toBe(true);
    await expect(fetch(`${running.url}/v1/events`, { headers: auth })).rejects.toThrow();
  });
});

describe('wire format over HTTP', () => {
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const http = await listen(widgetEmulator());
    url = http.url;
    close = http.close;
  });
  afterAll(() => close());

  it('reads a form body and answers JSON with Request-Id and Stripe-Version', async () => {
    const body = new URLSearchParams({ name: 'a b&c', 'metadata[plan]': 'pro+', 'expand[]': 'gadget' });
    const res = await fetch(`${url}/v1/widgets`, {
      method: 'POST',
      headers: {
        ...auth,
        'content-type': 'application/x-www-form-urlencoded',
        'stripe-version': '2025-03-31.basil',
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(res.headers.get('stripe-version')).toBe('2025-03-31.basil');
    expect(await res.json()).toMatchObject({ object: 'widget', name: 'a b&c', metadata: { plan: 'pro+' } });
  });

  it('accepts Basic auth as curl -u sends it, and 401s without a key', async () => {
    const basic = `Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}`;
    expect((await fetch(`${url}/v1/widgets`, { headers: { authorization: basic } })).status).toBe(200);
    const none = await fetch(`${url}/v1/widgets`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as StripeError).error.type).toBe('invalid_request_error');
  });

  it('answers unknown routes with a JSON 404 in Stripe’s shape', async () => {
    const res = await fetch(`${url}/v1/nothing/here?x=1`, { headers: auth });
    expect(res.status).toBe(404);
    expect(((await res.json()) as StripeError).error.message).toContain(
      'Unrecognized request URL (GET: /v1/nothing/here)',
    );
  });

  it('takes JSON bodies on the control plane', async () => {
    const res = await fetch(`${url}/_emulator/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'rk_test_httpOnlyWidgetsRead', permissions: ['widgets:read'] }),
    });
    expect(res.status).toBe(200);
    const denied = await fetch(`${url}/v1/gadgets`, {
      headers: { authorization: 'Bearer rk_test_httpOnlyWidgetsRead' },
    });
    expect(denied.status).toBe(403);
  });
});
