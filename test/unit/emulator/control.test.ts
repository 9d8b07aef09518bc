/**
 * Proves the control plane under `/_emulator/`: reset (data, idempotency keys, rate windows and stats
 * forgotten; same seed → same ids), clock get/advance, request statistics per endpoint and status, the
 * ground-truth dump (live and deleted objects per account and resource, `?account=` / `?resource=`),
 * adding keys, and latency settings (base + per object + jitter) as the delay function computes them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../src/emulator/emulator.js';
import { Latency } from '../../../src/emulator/latency.js';
import { send, widgetEmulator } from '../../support/emulatorWidgets.js';

let emu: Emulator;
beforeEach(() => {
  emu = widgetEmulator();
});

const json = (v: unknown) => JSON.stringify(v);

describe('reset', () => {
  it('forgets data, idempotency keys, rate windows and stats; keeps the platform account', async () => {
    await send(emu, 'POST', '/_emulator/rate', json({ profile: 'live', endpoint: 1 }));
    const first = await send(emu, 'POST', '/v1/widgets', 'name=a', { 'idempotency-key': 'k' });
    expect((await send(emu, 'POST', '/v1/widgets', 'name=b')).status).toBe(429);

    const res = await send(emu, 'POST', '/_emulator/reset', '');
    expect(res.status).toBe(200);
    expect(res.json.platform_account).toBe(emu.platformAccount);
    expect((await send(emu, 'GET', '/_emulator/stats')).json.total).toBe(0);
    const list = await send(emu, 'GET', '/v1/widgets');
    expect(list.status).toBe(200); // the rate window was cleared with the data
    expect(list.json.data).toEqual([]);
    const again = await send(emu, 'POST', '/v1/gadgets', 'name=a', { 'idempotency-key': 'k' });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(first.json.id).toMatch(/^wid_/);
  });

  it('regenerates the same ids from the same seed, whatever reads happened in between', async () => {
    await send(emu, 'POST', '/_emulator/reset', json({ seed: 42 }));
    const a = (await send(emu, 'POST', '/v1/widgets', '')).json.id;
    await send(emu, 'POST', '/_emulator/reset', json({ seed: 42 }));
    for (let i = 0; i < 5; i++) await send(emu, 'GET', '/v1/widgets'); // reads draw request ids
    const b = (await send(emu, 'POST', '/v1/widgets', '')).json.id;
    expect(b).toBe(a);
  });
});

describe('clock', () => {
  it('reports and advances the emulator time', async () => {
    emu.clock.freeze(1_700_000_000);
    expect((await send(emu, 'GET', '/_emulator/clock')).json).toEqual({ now: 1_700_000_000 });
    expect((await send(emu, 'POST', '/_emulator/clock', json({ advance: 3600 }))).json).toEqual({
      now: 1_700_003_600,
    });
    const created = await send(emu, 'POST', '/v1/widgets', '');
    expect(created.json.created).toBe(1_700_003_600);
    expect((await send(emu, 'POST', '/_emulator/clock', json({ advance: -1 }))).status).toBe(400);
  });

  it('moves a running clock forward too', async () => {
    const before = (await send(emu, 'GET', '/_emulator/clock')).json.now;
    const after = (await send(emu, 'POST', '/_emulator/clock', 'advance=86400')).json.now;
    expect(after - before).toBeGreaterThanOrEqual(86_400);
    expect(after - before).toBeLessThan(86_400 + 60);
  });
});

describe('stats', () => {
  it('counts requests per endpoint and status', async () => {
    await send(emu, 'GET', '/v1/widgets');
    await send(emu, 'GET', '/v1/widgets');
    await send(emu, 'GET', '/v1/widgets/wid_nope');
    await send(emu, 'GET', '/v1/nowhere');
    await send(emu, 'GET', '/v1/widgets', '', { authorization: undefined });
    const stats = (await send(emu, 'GET', '/_emulator/stats')).json;
    expect(stats.endpoints).toEqual({
      'GET (unmatched)': { '404': 1 },
      'GET /v1/widgets': { '200': 2, '401': 1 },
      'GET /v1/widgets/:id': { '404': 1 },
    });
    expect(stats.byStatus).toEqual({ '200': 2, '401': 1, '404': 2 });
    expect(stats.total).toBe(5);
    expect((await send(emu, 'POST', '/_emulator/stats/reset', '')).json.total).toBe(0);
  });

  it('also counts per account (rate limits are per account)', async () => {
    const connected = 'acct_statsConnected001';
    emu.context().registerConnectedAccount(connected);
    await send(emu, 'GET', '/v1/widgets');
    await send(emu, 'GET', '/v1/widgets', '', { 'stripe-account': connected });
    await send(emu, 'GET', '/v1/widgets', '', { 'Stripe-Account': connected });
    const stats = (await send(emu, 'GET', '/_emulator/stats')).json;
    expect(stats.accounts).toEqual({
      [connected]: { 'GET /v1/widgets': { '200': 2 } },
      self: { 'GET /v1/widgets': { '200': 1 } },
    });
    expect(stats.endpoints).toEqual({ 'GET /v1/widgets': { '200': 3 } });
  });
});

describe('ground truth', () => {
  const CONNECTED = 'acct_groundTruth00001';
  beforeEach(async () => {
    emu.context().registerConnectedAccount(CONNECTED);
    const g = (await send(emu, 'POST', '/v1/gadgets', 'name=g')).json.id;
    await send(emu, 'POST', '/v1/widgets', `gadget=${g}&name=kept`);
    const gone = (await send(emu, 'POST', '/v1/widgets', 'name=gone')).json.id;
    await send(emu, 'DELETE', `/v1/widgets/${gone}`);
    await send(emu, 'POST', '/v1/widgets', 'name=theirs', { 'stripe-account': CONNECTED });
  });

  it('lists live and deleted objects per account and resource', async () => {
    const truth = (await send(emu, 'GET', '/_emulator/ground-truth')).json;
    const platform = truth.accounts[emu.platformAccount];
    expect(platform.widgets.live.map((w: { name: string }) => w.name)).toEqual(['kept']);
    expect(platform.widgets.deleted).toEqual([expect.objectContaining({ name: 'gone', deleted: true })]);
    expect(platform.gadgets.live[0].widgets.data).toHaveLength(1); // rendered as the API returns it
    expect(platform.events.live.map((e: { type: string }) => e.type)).toEqual([
      'gadget.created',
      'widget.created',
      'widget.created',
      'widget.deleted',
    ]);
    expect(truth.accounts[CONNECTED].widgets.live.map((w: { name: string }) => w.name)).toEqual(['theirs']);
  });

  it('narrows to ?account= and ?resource=', async () => {
    const truth = (await send(emu, 'GET', `/_emulator/ground-truth?account=${CONNECTED}&resource=widgets`))
      .json;
    expect(Object.keys(truth.accounts)).toEqual([CONNECTED]);
    expect(Object.keys(truth.accounts[CONNECTED])).toEqual(['widgets']);
  });
});

describe('keys', () => {
  it('adds a working key and answers with it redacted', async () => {
    const key = 'sk_live_addedOnTheControlPlane';
    const res = await send(emu, 'POST', '/_emulator/keys', json({ key }));
    expect(res.json).toMatchObject({ mode: 'live', restricted: false, account: emu.platformAccount });
    expect(res.body).not.toContain(key);
    expect((await send(emu, 'GET', '/v1/widgets', '', { authorization: `Bearer ${key}` })).status).toBe(200);
  });

  it('rejects a malformed key or an unknown account with 400', async () => {
    expect((await send(emu, 'POST', '/_emulator/keys', json({ key: 'pk_test_publishable' }))).status).toBe(
      400,
    );
    const res = await send(emu, 'POST', '/_emulator/keys', json({ key: 'sk_test_x', account: 'acct_nope' }));
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe('account');
  });
});

describe('latency', () => {
  it('computes base + per object + jitter', () => {
    const draws = [0, 0.5, 0.999];
    let i = 0;
    const latency = new Latency({ baseMs: 60, perObjectMs: 2, jitterMs: 40 }, () => draws[i++]!);
    expect(latency.delayMs(0)).toBe(60);
    expect(latency.delayMs(100)).toBe(60 + 200 + 20);
    expect(latency.delayMs(10)).toBeCloseTo(60 + 20 + 39.96);
    expect(new Latency().delayMs(100)).toBe(0);
  });

  it('is set on the control plane (JSON or form) and drives the emulator’s delay', async () => {
    const set = await send(
      emu,
      'POST',
      '/_emulator/latency',
      json({ baseMs: 50, perObjectMs: 3, jitterMs: 10 }),
    );
    expect(set.json).toEqual({ baseMs: 50, perObjectMs: 3, jitterMs: 10 });
    for (let k = 0; k < 20; k++) {
      const d = emu.latency.delayMs(100);
      expect(d).toBeGreaterThanOrEqual(350);
      expect(d).toBeLessThan(360);
    }
    await send(emu, 'POST', '/_emulator/latency', 'baseMs=5');
    expect((await send(emu, 'GET', '/_emulator/latency')).json).toEqual({
      baseMs: 5,
      perObjectMs: 0,
      jitterMs: 0,
    });
    expect((await send(emu, 'POST', '/_emulator/latency', json({ baseMs: -1 }))).status).toBe(400);
  });

  it('counts the objects a list response carries (the per-object term)', async () => {
    for (let k = 0; k < 12; k++) await send(emu, 'POST', '/v1/widgets', '');
    const headers = { authorization: 'Bearer sk_test_emulator_0000000000000000' };
    const page = await emu.handle({ method: 'GET', path: '/v1/widgets', query: 'limit=7', headers });
    expect(page.objects).toBe(7);
    const one = await emu.handle({ method: 'GET', path: '/v1/widgets', query: 'limit=1', headers });
    expect(one.objects).toBe(1);
  });
});

describe('routing', () => {
  it('answers unknown control paths with 404', async () => {
    expect((await send(emu, 'GET', '/_emulator/nothing')).status).toBe(404);
  });

  it('describes the emulator at /_emulator', async () => {
    const info = (await send(emu, 'GET', '/_emulator')).json;
    expect(info).toMatchObject({ platform_account: emu.platformAccount, rate: { profile: 'off' } });
  });
});
