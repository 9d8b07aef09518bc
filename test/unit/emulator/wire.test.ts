/**
 * Proves the request pipeline speaks Stripe's wire protocol: errors as `{error:{type,code,message,param}}`
 * with Stripe's status codes, a `Request-Id` on every response, `Stripe-Version` echoed (invalid → 400),
 * unknown routes → 404, API keys by Bearer or Basic auth (missing/bad → 401), restricted keys → 403 outside
 * their read/write permissions, `Stripe-Account` scoping (connected accounts see only their own data;
 * other accounts → 403), and `Idempotency-Key` replays.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Emulator } from '../../../src/emulator/emulator.js';
import { PINNED_API_VERSION } from '../../../src/emulator/emulator.js';
import { send, TEST_KEY, widgetEmulator } from '../../support/emulatorWidgets.js';

let emu: Emulator;
beforeEach(() => {
  emu = widgetEmulator();
});

describe('errors and headers', () => {
  it('puts a unique Request-Id on successes and errors, and in the error body', async () => {
    const ok = await send(emu, 'GET', '/v1/widgets');
    const bad = await send(emu, 'GET', '/v1/widgets/wid_missing');
    expect(ok.headers['request-id']).toMatch(/^req_[A-Za-z0-9]{14}$/);
    expect(bad.headers['request-id']).toMatch(/^req_/);
    expect(bad.headers['request-id']).not.toBe(ok.headers['request-id']);
    expect(bad.json.error.request_log_url).toContain(bad.headers['request-id']);
  });

  it('answers a missing object with 404 resource_missing naming the param', async () => {
    const res = await send(emu, 'GET', '/v1/widgets/wid_missing');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      error: expect.objectContaining({
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'id',
        message: "No such widget: 'wid_missing'",
      }),
    });
  });

  it('answers an invalid parameter with 400 and the parameter name', async () => {
    const res = await send(emu, 'POST', '/v1/widgets', 'color=purple');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', param: 'color' });
    const unknown = await send(emu, 'GET', '/v1/widgets?colour=red');
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
  });

  it('answers an unknown route or method with 404 "Unrecognized request URL"', async () => {
    for (const [method, path] of [
      ['GET', '/v1/sprockets'],
      ['PUT', '/v1/widgets'],
      ['GET', '/v1/widgets/a/b/c'],
      ['GET', '/v1/widgets/%E0%A4%A'],
    ] as const) {
      const res = await send(emu, method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json.error.type).toBe('invalid_request_error');
      expect(res.json.error.message).toContain(`Unrecognized request URL (${method}: ${path})`);
      expect(res.headers['request-id']).toMatch(/^req_/);
    }
  });

  it('echoes Stripe-Version, defaults to the account version, and rejects an invalid one', async () => {
    const pinned = await send(emu, 'GET', '/v1/widgets', '', { 'stripe-version': '2024-06-20' });
    expect(pinned.headers['stripe-version']).toBe('2024-06-20');
    const dflt = await send(emu, 'GET', '/v1/widgets');
    expect(dflt.headers['stripe-version']).toBe(PINNED_API_VERSION);
    for (const bad of ['banana', '2024-13-01', '2024-02-30', '']) {
      const res = await send(emu, 'GET', '/v1/widgets', '', { 'stripe-version': bad });
      expect(res.status, bad).toBe(400);
      expect(res.json.error.message).toContain('Invalid Stripe API version');
    }
  });

  it('turns a bug in a hook into a 500 api_error (reported on stderr) and keeps serving', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const res = await send(emu, 'GET', '/v1/broken');
      expect(res.status).toBe(500);
      expect(res.json.error).toMatchObject({ type: 'api_error', message: 'An unknown error occurred' });
      expect(res.body).not.toContain('a bug in a resource hook');
      expect(String(stderr.mock.calls[0]?.[0])).toContain('a bug in a resource hook');
    } finally {
      stderr.mockRestore();
    }
    expect((await send(emu, 'GET', '/v1/ping')).json).toEqual({
      id: 'ping',
      object: 'ping',
      account: emu.platformAccount,
    });
  });

  it('answers a create naming a missing object with 400 resource_missing on that param', async () => {
    const res = await send(emu, 'POST', '/v1/parts', 'widget=wid_nope');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'resource_missing', param: 'widget' });
  });
});

describe('authentication', () => {
  it('accepts Bearer auth (any case of the scheme)', async () => {
    expect((await send(emu, 'GET', '/v1/widgets', '', { authorization: `Bearer ${TEST_KEY}` })).status).toBe(
      200,
    );
    expect((await send(emu, 'GET', '/v1/widgets', '', { authorization: `bearer ${TEST_KEY}` })).status).toBe(
      200,
    );
  });

  it('accepts Basic auth the way `curl -u sk_test_…:` sends it', async () => {
    const basic = Buffer.from(`${TEST_KEY}:`).toString('base64');
    expect((await send(emu, 'GET', '/v1/widgets', '', { authorization: `Basic ${basic}` })).status).toBe(200);
  });

  it('answers a missing key with 401', async () => {
    const res = await send(emu, 'GET', '/v1/widgets', '', { authorization: undefined });
    expect(res.status).toBe(401);
    expect(res.json.error.type).toBe('invalid_request_error');
    expect(res.json.error.message).toContain('You did not provide an API key');
  });

  it('answers an unknown key with 401 and never echoes the whole key', async () => {
    const key = 'sk_test_thisKeyDoesNotExist1234';
    const res = await send(emu, 'GET', '/v1/widgets', '', { authorization: `Bearer ${key}` });
    expect(res.status).toBe(401);
    expect(res.json.error.message).toContain('Invalid API Key provided');
    expect(res.body).not.toContain(key);
  });
});

describe('restricted keys', () => {
  const RK = 'rk_test_widgetsReadGadgetsAll';
  beforeEach(async () => {
    const add = await send(
      emu,
      'POST',
      '/_emulator/keys',
      JSON.stringify({ key: RK, permissions: ['widgets:read', 'gadgets'] }),
    );
    expect(add.status).toBe(200);
  });
  const as = (method: string, url: string, body = '') =>
    send(emu, method, url, body, { authorization: `Bearer ${RK}` });

  it('may read what it has read permission for, but not write it', async () => {
    expect((await as('GET', '/v1/widgets')).status).toBe(200);
    const write = await as('POST', '/v1/widgets', 'name=x');
    expect(write.status).toBe(403);
    expect(write.json.error.type).toBe('invalid_request_error');
    expect(write.json.error.message).toContain('rak_widgets_write');
  });

  it('may read and write a group granted without a suffix', async () => {
    expect((await as('POST', '/v1/gadgets', 'name=g')).status).toBe(200);
    expect((await as('GET', '/v1/gadgets')).status).toBe(200);
  });

  it('gets 403 on resources and custom routes outside its permissions', async () => {
    for (const url of ['/v1/events', '/v1/parts?widget=wid_x', '/v1/ping']) {
      const res = await as('GET', url);
      expect(res.status, url).toBe(403);
      expect(res.json.error.message).toContain('does not have the required permissions');
    }
  });
});

describe('Stripe-Account (Connect)', () => {
  const CONNECTED = 'acct_connected0000001';
  const OTHER = 'acct_connected0000002';
  beforeEach(() => {
    const ctx = emu.context();
    ctx.registerConnectedAccount(CONNECTED);
    ctx.registerConnectedAccount(OTHER);
  });

  it('scopes reads and writes to the connected account', async () => {
    const mine = await send(emu, 'POST', '/v1/widgets', 'name=connected', { 'stripe-account': CONNECTED });
    const platform = await send(emu, 'POST', '/v1/widgets', 'name=platform');
    expect(mine.headers['stripe-account']).toBe(CONNECTED);

    const connectedList = await send(emu, 'GET', '/v1/widgets', '', { 'stripe-account': CONNECTED });
    expect(connectedList.json.data.map((w: { id: string }) => w.id)).toEqual([mine.json.id]);
    const platformList = await send(emu, 'GET', '/v1/widgets');
    expect(platformList.json.data.map((w: { id: string }) => w.id)).toEqual([platform.json.id]);
    const otherList = await send(emu, 'GET', '/v1/widgets', '', { 'stripe-account': OTHER });
    expect(otherList.json.data).toEqual([]);

    const crossRead = await send(emu, 'GET', `/v1/widgets/${mine.json.id}`);
    expect(crossRead.status).toBe(404);
  });

  it('answers an unknown account with 403', async () => {
    const res = await send(emu, 'GET', '/v1/widgets', '', { 'stripe-account': 'acct_doesnotexist' });
    expect(res.status).toBe(403);
    expect(res.json.error.message).toContain("does not have access to account 'acct_doesnotexist'");
  });

  it('answers an account not connected to the key’s account with 403', async () => {
    const key = 'sk_test_connectedAccountOwnKey';
    await send(emu, 'POST', '/_emulator/keys', JSON.stringify({ key, account: CONNECTED }));
    const own = await send(emu, 'GET', '/v1/widgets', '', { authorization: `Bearer ${key}` });
    expect(own.status).toBe(200);
    for (const target of [OTHER, emu.platformAccount]) {
      const res = await send(emu, 'GET', '/v1/widgets', '', {
        authorization: `Bearer ${key}`,
        'stripe-account': target,
      });
      expect(res.status, target).toBe(403);
    }
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response with Idempotent-Replayed: true and does the work once', async () => {
    const first = await send(emu, 'POST', '/v1/widgets', 'name=once&metadata[a]=1', {
      'idempotency-key': 'k1',
    });
    const again = await send(emu, 'POST', '/v1/widgets', 'name=once&metadata[a]=1', {
      'idempotency-key': 'k1',
    });
    expect(first.status).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect((await send(emu, 'GET', '/v1/widgets')).json.data).toHaveLength(1);
    expect((await send(emu, 'GET', '/v1/events')).json.data).toHaveLength(1);
  });

  it('treats the same parameters in another order as the same request', async () => {
    const first = await send(emu, 'POST', '/v1/widgets', 'name=a&color=blue', { 'idempotency-key': 'k2' });
    const again = await send(emu, 'POST', '/v1/widgets', 'color=blue&name=a', { 'idempotency-key': 'k2' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json.id).toBe(first.json.id);
  });

  it('rejects the key with different parameters or on another endpoint: 400 idempotency_error', async () => {
    await send(emu, 'POST', '/v1/widgets', 'name=a', { 'idempotency-key': 'k3' });
    const other = await send(emu, 'POST', '/v1/widgets', 'name=b', { 'idempotency-key': 'k3' });
    expect(other.status).toBe(400);
    expect(other.json.error.type).toBe('idempotency_error');
    const elsewhere = await send(emu, 'POST', '/v1/gadgets', 'name=a', { 'idempotency-key': 'k3' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.json.error.type).toBe('idempotency_error');
  });

  it('records the key on the event the request caused', async () => {
    const created = await send(emu, 'POST', '/v1/widgets', 'name=a', { 'idempotency-key': 'k4' });
    const event = (await send(emu, 'GET', '/v1/events')).json.data[0];
    expect(event.request).toEqual({ id: created.headers['request-id'], idempotency_key: 'k4' });
  });
});
