/**
 * Proves list endpoints follow Stripe's pagination contract (docs.stripe.com/api/pagination): newest
 * first, `limit` 1–100 (default 10; out of range → 400), exclusive `starting_after` / `ending_before`
 * (not both; an unknown id → 400 resource_missing on that param), `has_more`, `url`, `created` as an exact
 * value or a gt/gte/lt/lte range, default filters that a parameter overrides, and required list params.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../src/emulator/emulator.js';
import { send, widgetEmulator } from '../../support/emulatorWidgets.js';

const T0 = 1_700_000_000;
let emu: Emulator;
/** Widget ids by creation, oldest first: ids[i] was created at T0 + 10 * i. */
let ids: string[];

const listIds = async (url: string) => {
  const res = await send(emu, 'GET', url);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.data.map((o: { id: string }) => o.id) as string[];
};

beforeEach(async () => {
  emu = widgetEmulator();
  emu.clock.freeze(T0);
  ids = [];
  for (let i = 0; i < 25; i++) {
    ids.push((await send(emu, 'POST', '/v1/widgets', `name=w${i}`)).json.id);
    emu.clock.advance(10);
  }
});

const newestFirst = () => [...ids].reverse();

describe('order, limit, has_more, url', () => {
  it('returns the newest 10 by default, with has_more and the list url', async () => {
    const res = await send(emu, 'GET', '/v1/widgets');
    expect(res.json.object).toBe('list');
    expect(res.json.url).toBe('/v1/widgets');
    expect(res.json.has_more).toBe(true);
    expect(res.json.data.map((w: { id: string }) => w.id)).toEqual(newestFirst().slice(0, 10));
  });

  it('orders objects created in the same second by creation order, newest first', async () => {
    const same: string[] = [];
    for (let i = 0; i < 3; i++) same.push((await send(emu, 'POST', '/v1/widgets', 'name=same')).json.id);
    expect(await listIds('/v1/widgets?limit=3')).toEqual([...same].reverse());
  });

  it('says has_more=false on the last page', async () => {
    const res = await send(emu, 'GET', '/v1/widgets?limit=100');
    expect(res.json.data).toHaveLength(25);
    expect(res.json.has_more).toBe(false);
  });

  it.each([
    ['0', 'greater than or equal to 1'],
    ['101', 'less than or equal to 100'],
    ['-5', 'greater than or equal to 1'],
    ['ten', 'Invalid integer'],
  ])('rejects limit=%s with 400 on param limit', async (limit, message) => {
    const res = await send(emu, 'GET', `/v1/widgets?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', param: 'limit' });
    expect(res.json.error.message).toContain(message);
  });

  it('accepts limit=1 and limit=100', async () => {
    expect(await listIds('/v1/widgets?limit=1')).toEqual(newestFirst().slice(0, 1));
    expect(await listIds('/v1/widgets?limit=100')).toHaveLength(25);
  });
});

describe('cursors', () => {
  it('starting_after returns the next older objects, excluding the cursor', async () => {
    const cursor = newestFirst()[4]!;
    expect(await listIds(`/v1/widgets?limit=3&starting_after=${cursor}`)).toEqual(newestFirst().slice(5, 8));
  });

  it('ending_before returns the objects just newer than the cursor, newest first, excluding it', async () => {
    const cursor = newestFirst()[10]!;
    const res = await send(emu, 'GET', `/v1/widgets?limit=3&ending_before=${cursor}`);
    expect(res.json.data.map((w: { id: string }) => w.id)).toEqual(newestFirst().slice(7, 10));
    expect(res.json.has_more).toBe(true);
    const top = await send(emu, 'GET', `/v1/widgets?limit=3&ending_before=${newestFirst()[3]}`);
    expect(top.json.data.map((w: { id: string }) => w.id)).toEqual(newestFirst().slice(0, 3));
    expect(top.json.has_more).toBe(false);
  });

  it('rejects starting_after together with ending_before', async () => {
    const res = await send(emu, 'GET', `/v1/widgets?starting_after=${ids[1]}&ending_before=${ids[0]}`);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('only specify one of');
  });

  it.each(['starting_after', 'ending_before'])(
    'rejects an unknown %s id with 400 resource_missing',
    async (param) => {
      const res = await send(emu, 'GET', `/v1/widgets?${param}=wid_nope`);
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({
        code: 'resource_missing',
        param,
        message: "No such widget: 'wid_nope'",
      });
    },
  );
});

describe('created filter', () => {
  it('matches an exact created value', async () => {
    expect(await listIds(`/v1/widgets?created=${T0 + 30}`)).toEqual([ids[3]]);
  });

  it('applies gt/gte/lt/lte bounds, inclusive and exclusive', async () => {
    expect(await listIds(`/v1/widgets?created[gte]=${T0 + 30}&created[lte]=${T0 + 50}`)).toEqual([
      ids[5],
      ids[4],
      ids[3],
    ]);
    expect(await listIds(`/v1/widgets?created[gt]=${T0 + 30}&created[lt]=${T0 + 50}`)).toEqual([ids[4]]);
  });

  it('intersects bounds given together (gt and gte)', async () => {
    expect(await listIds(`/v1/widgets?created[gte]=${T0}&created[gt]=${T0 + 220}`)).toEqual([
      ids[24],
      ids[23],
    ]);
    expect(await listIds(`/v1/widgets?created[lte]=${T0 + 240}&created[lt]=${T0 + 10}`)).toEqual([ids[0]]);
  });

  it('combines a created range with a cursor', async () => {
    const url = `/v1/widgets?created[gte]=${T0 + 100}&limit=2&starting_after=${ids[15]}`;
    expect(await listIds(url)).toEqual([ids[14], ids[13]]);
  });

  it('rejects a non-integer or an unknown operator', async () => {
    expect((await send(emu, 'GET', '/v1/widgets?created=yesterday')).status).toBe(400);
    const op = await send(emu, 'GET', `/v1/widgets?created[after]=${T0}`);
    expect(op.status).toBe(400);
    expect(op.json.error.param).toBe('created[after]');
  });

  it('is unknown on lists without a created filter', async () => {
    const res = await send(emu, 'GET', `/v1/parts?widget=${ids[0]}&created=${T0}`);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('parameter_unknown');
  });
});

describe('filters', () => {
  it('hides archived widgets by default and shows them when `status` overrides the default', async () => {
    await send(emu, 'POST', `/v1/widgets/${ids[24]}`, 'status=archived');
    expect(await listIds('/v1/widgets?limit=2')).toEqual([ids[23], ids[22]]);
    expect(await listIds('/v1/widgets?limit=2&status=all')).toEqual([ids[24], ids[23]]);
    expect(await listIds('/v1/widgets?status=archived')).toEqual([ids[24]]);
  });

  it('applies several default filters, each lifted only by its own parameter', async () => {
    await send(emu, 'POST', `/v1/widgets/${ids[24]}`, 'status=archived');
    await send(emu, 'POST', `/v1/widgets/${ids[23]}`, 'color=green');
    expect(await listIds('/v1/widgets?limit=1')).toEqual([ids[22]]);
    expect(await listIds('/v1/widgets?limit=2&status=all')).toEqual([ids[24], ids[22]]);
    expect(await listIds('/v1/widgets?color=green')).toEqual([ids[23]]);
  });

  it('rejects a value outside the enum even when the parameter has a custom test', async () => {
    const res = await send(emu, 'GET', '/v1/widgets?status=bogus');
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe('status');
  });

  it('filters by an enum parameter and rejects values outside it', async () => {
    await send(emu, 'POST', `/v1/widgets/${ids[3]}`, 'color=blue');
    expect(await listIds('/v1/widgets?color=blue')).toEqual([ids[3]]);
    const bad = await send(emu, 'GET', '/v1/widgets?color=mauve');
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('color');
  });

  it('requires a required list parameter', async () => {
    const res = await send(emu, 'GET', '/v1/parts');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'parameter_missing', param: 'widget' });
    await send(emu, 'POST', '/v1/parts', `widget=${ids[0]}`);
    expect(await listIds(`/v1/parts?widget=${ids[0]}`)).toHaveLength(1);
    expect(await listIds(`/v1/parts?widget=${ids[1]}`)).toHaveLength(0);
  });

  it('does not treat inherited object properties as list parameters', async () => {
    const res = await send(emu, 'GET', '/v1/widgets?toString=1');
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('parameter_unknown');
  });
});
