/**
 * Proves every mutation emits Stripe's event (docs.stripe.com/api/events): `data.object` is a frozen
 * snapshot as rendered by the API, `previous_attributes` holds only the changed top-level keys with their
 * OLD values, `api_version` is the account's (changeable on the control plane), `account` appears only on
 * connected accounts' events, `request` carries the request id and idempotency key; and that `/v1/events`
 * filters by `type` (with `*`), `types[]` (≤ 20, not with `type`) and `created`, and forgets events
 * older than 30 days on the emulator clock.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../src/emulator/emulator.js';
import { PINNED_API_VERSION } from '../../../src/emulator/emulator.js';
import { send, widgetEmulator } from '../../support/emulatorWidgets.js';

const T0 = 1_700_000_000;
const DAY = 86_400;
let emu: Emulator;

beforeEach(() => {
  emu = widgetEmulator();
  emu.clock.freeze(T0);
});

// biome-ignore lint/suspicious/noExplicitAny: events are arbitrary Stripe JSON
const events = async (query = '', headers: Record<string, string> = {}): Promise<any[]> => {
  const res = await send(emu, 'GET', `/v1/events?limit=100${query}`, '', headers);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.data;
};

describe('emitted events', () => {
  it('insert emits <object>.created with the object as the API returned it', async () => {
    const created = await send(emu, 'POST', '/v1/widgets', 'name=a&metadata[k]=v');
    const [event] = await events();
    expect(event).toMatchObject({
      object: 'event',
      type: 'widget.created',
      created: T0,
      livemode: false,
      pending_webhooks: 0,
      api_version: PINNED_API_VERSION,
    });
    expect(event.id).toMatch(/^evt_/);
    expect(event.data.object).toEqual(created.json);
    expect(event.data.previous_attributes).toBeUndefined();
    expect('account' in event).toBe(false);
  });

  it('update emits <object>.updated with only the changed keys and their old values', async () => {
    const id = (await send(emu, 'POST', '/v1/widgets', 'name=old&color=red&metadata[keep]=1')).json.id;
    emu.clock.advance(5);
    const updated = await send(emu, 'POST', `/v1/widgets/${id}`, 'name=new&color=red&metadata[added]=2');
    const [event] = await events('&type=widget.updated');
    expect(event.created).toBe(T0 + 5);
    expect(event.data.object).toEqual(updated.json);
    expect(event.data.previous_attributes).toEqual({ name: 'old', metadata: { keep: '1' } });
  });

  it('an update that changes nothing emits nothing', async () => {
    const id = (await send(emu, 'POST', '/v1/widgets', 'name=same')).json.id;
    await send(emu, 'POST', `/v1/widgets/${id}`, 'name=same');
    expect((await events()).map((e) => e.type)).toEqual(['widget.created']);
  });

  it('delete emits <object>.deleted carrying the object as it was', async () => {
    const created = await send(emu, 'POST', '/v1/widgets', 'name=gone');
    await send(emu, 'DELETE', `/v1/widgets/${created.json.id}`);
    const [event] = await events('&type=widget.deleted');
    expect(event.data.object).toEqual(created.json);
  });

  it('keeps each snapshot frozen at its time, and renders embedded lists in it', async () => {
    const gadget = (await send(emu, 'POST', '/v1/gadgets', 'name=v1')).json.id;
    await send(emu, 'POST', '/v1/widgets', `gadget=${gadget}`);
    await send(emu, 'POST', `/v1/gadgets/${gadget}`, 'name=v2');
    const [updated, , created] = await events();
    expect(created.data.object).toMatchObject({ name: 'v1', widgets: { object: 'list', data: [] } });
    expect(updated.data.object.name).toBe('v2');
    expect(updated.data.object.widgets.data).toHaveLength(1);
    expect(updated.data.previous_attributes).toEqual({ name: 'v1' });
  });

  it('records the request id and idempotency key; automatic changes have request.id null', async () => {
    const res = await send(emu, 'POST', '/v1/widgets', 'name=a', { 'idempotency-key': 'idem-1' });
    emu.context().insert('widgets', { id: 'wid_auto', object: 'widget', created: T0, status: 'active' });
    const [auto, viaApi] = await events();
    expect(viaApi.request).toEqual({ id: res.headers['request-id'], idempotency_key: 'idem-1' });
    expect(auto.request).toEqual({ id: null, idempotency_key: null });
  });

  it('uses the account’s API version, changeable on the control plane', async () => {
    await send(emu, 'POST', '/v1/widgets', 'name=before');
    const set = await send(
      emu,
      'POST',
      `/_emulator/accounts/${emu.platformAccount}/api_version`,
      JSON.stringify({ api_version: '2024-06-20' }),
    );
    expect(set.json).toEqual({ id: emu.platformAccount, api_version: '2024-06-20' });
    await send(emu, 'POST', '/v1/widgets', 'name=after', { 'stripe-version': '2025-01-27.acacia' });
    const [after, before] = await events();
    // The request's Stripe-Version does not matter: events render at the account's version.
    expect(after.api_version).toBe('2024-06-20');
    expect(before.api_version).toBe(PINNED_API_VERSION);
    const bad = await send(
      emu,
      'POST',
      `/_emulator/accounts/${emu.platformAccount}/api_version`,
      'api_version=someday',
    );
    expect(bad.status).toBe(400);
    const unknown = await send(
      emu,
      'POST',
      '/_emulator/accounts/acct_nope/api_version',
      'api_version=2024-06-20',
    );
    expect(unknown.status).toBe(404);
  });

  it('sets `account` only on connected accounts’ events, which only they can list', async () => {
    const connected = 'acct_connectedEvents01';
    emu.context().registerConnectedAccount(connected);
    await send(emu, 'POST', '/v1/widgets', 'name=platform');
    await send(emu, 'POST', '/v1/widgets', 'name=connected', { 'stripe-account': connected });
    const [platformEvent, ...restPlatform] = await events();
    const [connectedEvent, ...restConnected] = await events('', { 'stripe-account': connected });
    expect(restPlatform).toEqual([]);
    expect(restConnected).toEqual([]);
    expect('account' in platformEvent).toBe(false);
    expect(platformEvent.data.object.name).toBe('platform');
    expect(connectedEvent.account).toBe(connected);
    expect(connectedEvent.data.object.name).toBe('connected');
  });
});

describe('/v1/events filters', () => {
  beforeEach(async () => {
    const w = (await send(emu, 'POST', '/v1/widgets', 'name=a')).json.id; // widget.created @T0
    emu.clock.advance(10);
    await send(emu, 'POST', `/v1/widgets/${w}`, 'name=b'); // widget.updated @T0+10
    emu.clock.advance(10);
    await send(emu, 'POST', '/v1/gadgets', 'name=g'); // gadget.created @T0+20
    emu.clock.advance(10);
    await send(emu, 'DELETE', `/v1/widgets/${w}`); // widget.deleted @T0+30
  });
  const types = async (q: string) => (await events(q)).map((e) => e.type);

  it('filters by exact type and by a * wildcard', async () => {
    expect(await types('&type=gadget.created')).toEqual(['gadget.created']);
    expect(await types('&type=widget.*')).toEqual(['widget.deleted', 'widget.updated', 'widget.created']);
    expect(await types('&type=*.created')).toEqual(['gadget.created', 'widget.created']);
  });

  it('filters by types[]', async () => {
    expect(await types('&types[]=widget.created&types[]=gadget.created')).toEqual([
      'gadget.created',
      'widget.created',
    ]);
  });

  it('rejects more than 20 types[], and type together with types[]', async () => {
    const many = Array.from({ length: 21 }, (_, i) => `types[]=t.${i}`).join('&');
    const tooMany = await send(emu, 'GET', `/v1/events?${many}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.param).toBe('types');
    const twenty = Array.from({ length: 20 }, (_, i) => `types[]=t.${i}`).join('&');
    expect((await send(emu, 'GET', `/v1/events?${twenty}`)).status).toBe(200);
    const both = await send(emu, 'GET', '/v1/events?type=widget.created&types[]=gadget.created');
    expect(both.status).toBe(400);
  });

  it('filters by created', async () => {
    expect(await types(`&created[gte]=${T0 + 10}&created[lt]=${T0 + 30}`)).toEqual([
      'gadget.created',
      'widget.updated',
    ]);
  });

  it('validates delivery_success as a boolean', async () => {
    expect((await send(emu, 'GET', '/v1/events?delivery_success=maybe')).status).toBe(400);
    expect(await types('&delivery_success=true')).toHaveLength(4);
  });
});

describe('30-day retention on the emulator clock', () => {
  it('stops listing and retrieving events once they are older than 30 days', async () => {
    await send(emu, 'POST', '/v1/widgets', 'name=old');
    const [old] = await events();
    const clock = await send(emu, 'POST', '/_emulator/clock', JSON.stringify({ advance: 30 * DAY }));
    expect(clock.json.now).toBe(T0 + 30 * DAY);
    await send(emu, 'POST', '/v1/widgets', 'name=new');
    // Exactly 30 days old: still there.
    expect((await events()).map((e) => e.id)).toContain(old.id);
    expect((await send(emu, 'GET', `/v1/events/${old.id}`)).status).toBe(200);

    await send(emu, 'POST', '/_emulator/clock', 'advance=1');
    const listed = await events();
    expect(listed.map((e) => e.data.object.name)).toEqual(['new']);
    expect((await events(`&created[gte]=${T0 - DAY}`)).map((e) => e.data.object.name)).toEqual(['new']);
    const gone = await send(emu, 'GET', `/v1/events/${old.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('resource_missing');
    const asCursor = await send(emu, 'GET', `/v1/events?ending_before=${old.id}`);
    expect(asCursor.status).toBe(400);
    expect(asCursor.json.error).toMatchObject({ code: 'resource_missing', param: 'ending_before' });
  });
});
