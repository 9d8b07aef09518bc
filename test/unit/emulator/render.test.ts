/**
 * Proves how objects are rendered (docs.stripe.com/api/expanding_objects): `expand[]` on retrieve and on
 * lists (with the `data.` prefix), nested and in nested hashes, at most four levels (`data` counts on
 * lists), references to deleted objects expanding to `{id, object, deleted: true}`; and embedded child
 * lists truncated at 10 with `has_more` and a `url` that pages the rest, scoped to their parent; hidden
 * fields never returned and includable fields only when expanded.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../src/emulator/emulator.js';
import { send, widgetEmulator } from '../../support/emulatorWidgets.js';

let emu: Emulator;
let gadget: string;
let widget: string;
let part: string;

beforeEach(async () => {
  emu = widgetEmulator();
  gadget = (await send(emu, 'POST', '/v1/gadgets', 'name=g')).json.id;
  widget = (await send(emu, 'POST', '/v1/widgets', `gadget=${gadget}&maker=${gadget}`)).json.id;
  part = (await send(emu, 'POST', '/v1/parts', `widget=${widget}`)).json.id;
  await send(emu, 'POST', `/v1/gadgets/${gadget}`, `favorite_part=${part}`);
});

describe('expand[]', () => {
  it('leaves references as ids unless expanded', async () => {
    expect((await send(emu, 'GET', `/v1/widgets/${widget}`)).json.gadget).toBe(gadget);
  });

  it('expands a reference on retrieve', async () => {
    const res = await send(emu, 'GET', `/v1/widgets/${widget}?expand[]=gadget`);
    expect(res.json.gadget).toMatchObject({ id: gadget, object: 'gadget', name: 'g' });
  });

  it('expands on create and update responses too', async () => {
    const created = await send(emu, 'POST', '/v1/widgets', `gadget=${gadget}&expand[0]=gadget`);
    expect(created.json.gadget.object).toBe('gadget');
    const updated = await send(emu, 'POST', `/v1/widgets/${widget}`, 'name=n&expand[]=gadget');
    expect(updated.json.gadget.object).toBe('gadget');
  });

  it('expands list items through the data. prefix and rejects a path without it', async () => {
    const res = await send(emu, 'GET', '/v1/widgets?expand[]=data.gadget');
    expect(res.json.data[0].gadget.id).toBe(gadget);
    const bad = await send(emu, 'GET', '/v1/widgets?expand[]=gadget');
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('expand');
  });

  it('expands nested paths, up to four levels', async () => {
    const res = await send(emu, 'GET', `/v1/widgets/${widget}?expand[]=gadget.favorite_part.widget.gadget`);
    expect(res.status).toBe(200);
    expect(res.json.gadget.favorite_part.widget.gadget.id).toBe(gadget);
    expect(res.json.gadget.favorite_part.widget.id).toBe(widget);
  });

  it('rejects a fifth level, counting data. on lists', async () => {
    const five = await send(
      emu,
      'GET',
      `/v1/widgets/${widget}?expand[]=gadget.favorite_part.widget.gadget.favorite_part`,
    );
    expect(five.status).toBe(400);
    expect(five.json.error.message).toContain('more than 4 levels');
    const listFour = await send(emu, 'GET', '/v1/widgets?expand[]=data.gadget.favorite_part.widget');
    expect(listFour.status).toBe(200);
    expect(listFour.json.data[0].gadget.favorite_part.widget.id).toBe(widget);
    const listFive = await send(emu, 'GET', '/v1/widgets?expand[]=data.gadget.favorite_part.widget.gadget');
    expect(listFive.status).toBe(400);
  });

  it('expands a reference inside a nested hash, keeping the hash’s other fields', async () => {
    const res = await send(emu, 'GET', `/v1/widgets/${widget}?expand[]=detail.maker`);
    expect(res.json.detail).toMatchObject({ note: 'nested hash', maker: { id: gadget, object: 'gadget' } });
  });

  it('rejects fields that are not expandable (including inherited property names)', async () => {
    for (const path of ['name', 'constructor', 'detail.note']) {
      const res = await send(emu, 'GET', `/v1/widgets/${widget}?expand[]=${path}`);
      expect(res.status, path).toBe(400);
      expect(res.json.error.message).toContain('cannot be expanded');
    }
  });

  it('expands a reference to a deleted object to {id, object, deleted: true}', async () => {
    expect((await send(emu, 'DELETE', `/v1/gadgets/${gadget}`)).json).toEqual({
      id: gadget,
      object: 'gadget',
      deleted: true,
    });
    const res = await send(emu, 'GET', `/v1/widgets/${widget}?expand[]=gadget`);
    expect(res.json.gadget).toEqual({ id: gadget, object: 'gadget', deleted: true });
    // A resource with retrieveDeleted answers a retrieve of the deleted object the same way.
    expect((await send(emu, 'GET', `/v1/gadgets/${gadget}`)).json).toEqual({
      id: gadget,
      object: 'gadget',
      deleted: true,
    });
  });

  it('rejects parameters other than expand on retrieve', async () => {
    const res = await send(emu, 'GET', `/v1/widgets/${widget}?color=red`);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'parameter_unknown', param: 'color' });
  });
});

describe('hidden and includable fields', () => {
  it('never returns hidden fields; returns includable ones only when expanded', async () => {
    const plain = (await send(emu, 'GET', `/v1/gadgets/${gadget}`)).json;
    expect(plain).not.toHaveProperty('_internal');
    expect(plain).not.toHaveProperty('specs');
    const included = (await send(emu, 'GET', `/v1/gadgets/${gadget}?expand[]=specs`)).json;
    expect(included.specs).toEqual({ weight_grams: 120 });
    expect(included).not.toHaveProperty('_internal');
    const list = (await send(emu, 'GET', '/v1/gadgets?expand[]=data.specs')).json;
    expect(list.data[0].specs).toEqual({ weight_grams: 120 });
    expect((await send(emu, 'GET', '/v1/gadgets')).json.data[0]).not.toHaveProperty('specs');
  });

  it('keeps hidden fields out of event snapshots and the ground truth, live or deleted', async () => {
    const [event] = (await send(emu, 'GET', '/v1/events?type=gadget.created')).json.data;
    expect(event.data.object).not.toHaveProperty('_internal');
    await send(emu, 'DELETE', `/v1/gadgets/${gadget}`);
    const other = (await send(emu, 'POST', '/v1/gadgets', 'name=live')).json.id;
    const truth = (await send(emu, 'GET', '/_emulator/ground-truth?resource=gadgets')).json;
    const gadgets = truth.accounts[emu.platformAccount].gadgets;
    expect(gadgets.live.map((g: { id: string }) => g.id)).toEqual([other]);
    expect(gadgets.live[0]).not.toHaveProperty('_internal');
    expect(gadgets.deleted[0]).toMatchObject({ id: gadget, deleted: true });
    expect(gadgets.deleted[0]).not.toHaveProperty('_internal');
  });
});

describe('embedded child lists', () => {
  let all: string[];
  beforeEach(async () => {
    all = [widget];
    for (let i = 0; i < 11; i++)
      all.push((await send(emu, 'POST', '/v1/widgets', `gadget=${gadget}`)).json.id);
    await send(emu, 'POST', '/v1/widgets', 'name=orphan');
  });

  it('embeds the newest 10 children with has_more and the child url', async () => {
    const g = (await send(emu, 'GET', `/v1/gadgets/${gadget}`)).json;
    expect(g.widgets).toMatchObject({ object: 'list', has_more: true, url: `/v1/gadgets/${gadget}/widgets` });
    expect(g.widgets.data.map((w: { id: string }) => w.id)).toEqual([...all].reverse().slice(0, 10));
  });

  it('pages the rest at the embedded url, scoped to the parent', async () => {
    const g = (await send(emu, 'GET', `/v1/gadgets/${gadget}`)).json;
    const last = g.widgets.data.at(-1).id;
    const rest = await send(emu, 'GET', `${g.widgets.url}?limit=100&starting_after=${last}`);
    expect(rest.status).toBe(200);
    expect(rest.json.url).toBe(g.widgets.url);
    expect(rest.json.has_more).toBe(false);
    expect(rest.json.data.map((w: { id: string }) => w.id)).toEqual([...all].reverse().slice(10));
  });

  it('embeds in list responses too, and expands inside embedded lists', async () => {
    const res = await send(emu, 'GET', '/v1/gadgets?expand[]=data.widgets.data.gadget');
    expect(res.json.data[0].widgets.data).toHaveLength(10);
    expect(res.json.data[0].widgets.data[0].gadget).toMatchObject({ id: gadget, object: 'gadget' });
  });

  it('retrieves a child under its own parent only, and 404s for an unknown parent', async () => {
    expect((await send(emu, 'GET', `/v1/gadgets/${gadget}/widgets/${widget}`)).status).toBe(200);
    const other = (await send(emu, 'POST', '/v1/gadgets', 'name=other')).json.id;
    expect((await send(emu, 'GET', `/v1/gadgets/${other}/widgets/${widget}`)).status).toBe(404);
    const missing = await send(emu, 'GET', '/v1/gadgets/gad_missing/widgets');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('resource_missing');
  });
});
