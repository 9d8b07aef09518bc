/**
 * Test-only resources for the emulator core's tests, so they do not depend on the real Stripe resources:
 * `gadgets` (top level, embeds its `widgets`, retrievable after deletion, a hidden `_internal` field and
 * an includable `specs`), `widgets` (top level and the child list `/v1/gadgets/:parent/widgets`, default
 * list filters hiding archived and green widgets, a nested expandable reference) and `parts` (a list with
 * a required parameter), plus the real `events` resource. `probe` counts how often the widgets' first
 * default list filter runs, to prove a page costs O(limit).
 */
import { invalidRequest } from '../../src/emulator/apiError.js';
import { handleControl } from '../../src/emulator/control.js';
import { Emulator, type EmulatorOptions } from '../../src/emulator/emulator.js';
import type { FormParams } from '../../src/emulator/formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../src/emulator/resource.js';
import { events } from '../../src/emulator/resources/events.js';
import { metadata, oneOf, str } from '../../src/emulator/resources/params.js';

export const TEST_KEY = 'sk_test_emulator_0000000000000000';

/** Invocations of the widgets' default list filter (reset it before measuring). */
export const probe = { calls: 0 };

const COLORS = ['red', 'green', 'blue'] as const;

export const gadgets: ResourceDef = {
  name: 'gadgets',
  object: 'gadget',
  idPrefix: 'gad',
  path: '/v1/gadgets',
  operations: { list: true, retrieve: true, create: true, update: true, del: true },
  createdFilter: true,
  retrieveDeleted: true,
  filterFields: ['name'],
  hiddenFields: ['_internal'],
  includableFields: ['specs'],
  expandable: { favorite_part: ['parts'] },
  embeds: [{ field: 'widgets', child: 'widgets', parentField: 'gadget', url: '/v1/gadgets/:id/widgets' }],
  events: { created: 'gadget.created', updated: 'gadget.updated', deleted: 'gadget.deleted' },
  permission: 'gadgets',
  create(ctx, params) {
    const obj: StripeObject = {
      id: ctx.newId('gad', 14),
      object: 'gadget',
      created: ctx.now,
      favorite_part: str(params, 'favorite_part') ?? null,
      livemode: ctx.livemode,
      metadata: metadata(params),
      name: str(params, 'name') ?? null,
      specs: { weight_grams: 120 },
      _internal: 'not for clients',
    };
    return ctx.insert('gadgets', obj);
  },
  update(_ctx, current, params) {
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    if (params.name !== undefined) next.name = str(params, 'name');
    if (params.favorite_part !== undefined) next.favorite_part = str(params, 'favorite_part');
    return next;
  },
};

export const widgets: ResourceDef = {
  name: 'widgets',
  object: 'widget',
  idPrefix: 'wid',
  path: '/v1/widgets',
  parent: {
    resource: 'gadgets',
    field: 'gadget',
    path: '/v1/gadgets/:parent/widgets',
    operations: { list: true, retrieve: true },
  },
  operations: { list: true, retrieve: true, create: true, update: true, del: true },
  createdFilter: true,
  filterFields: ['color', 'status'],
  indexedFields: ['gadget'],
  listParams: {
    gadget: {},
    color: { enum: COLORS },
    status: {
      enum: ['active', 'archived', 'all'],
      test: (v) => (v === 'all' ? undefined : (f) => f.status === v),
    },
  },
  // Two independent defaults, like subscriptions (canceled hidden unless `status`; test-clock ones hidden
  // unless `test_clock`): archived widgets unless `status`, green ones unless `color`.
  defaultListFilter: [
    {
      overriddenBy: ['status'],
      test: (f) => {
        probe.calls++;
        return f.status !== 'archived';
      },
    },
    { overriddenBy: ['color'], test: (f) => f.color !== 'green' },
  ],
  expandable: { gadget: ['gadgets'], 'detail.maker': ['gadgets'] },
  events: { created: 'widget.created', updated: 'widget.updated', deleted: 'widget.deleted' },
  permission: 'widgets',
  create(ctx, params) {
    const gadget = str(params, 'gadget');
    if (gadget !== undefined) ctx.require('gadgets', gadget, 'gadget');
    const maker = str(params, 'maker');
    return ctx.insert('widgets', {
      id: ctx.newId('wid'),
      object: 'widget',
      color: oneOf(params, 'color', COLORS) ?? 'red',
      created: ctx.now,
      detail: { maker: maker ?? null, note: 'nested hash' },
      gadget: gadget ?? null,
      livemode: ctx.livemode,
      metadata: metadata(params),
      name: str(params, 'name') ?? null,
      status: 'active',
    });
  },
  update(_ctx, current, params) {
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    const color = oneOf(params, 'color', COLORS);
    if (color) next.color = color;
    const status = oneOf(params, 'status', ['active', 'archived']);
    if (status) next.status = status;
    if (params.name !== undefined) next.name = str(params, 'name');
    return next;
  },
};

export const parts: ResourceDef = {
  name: 'parts',
  object: 'part',
  idPrefix: 'prt',
  path: '/v1/parts',
  operations: { list: true, retrieve: true, create: true },
  createdFilter: false,
  indexedFields: ['widget'],
  listParams: { widget: { required: true } },
  expandable: { widget: ['widgets'] },
  permission: 'parts',
  create(ctx, params) {
    const widget = str(params, 'widget', { required: true });
    ctx.require('widgets', widget, 'widget');
    return ctx.insert('parts', { id: ctx.newId('prt'), object: 'part', created: ctx.now, widget });
  },
  validateList(params: FormParams) {
    if (params.widget === '') throw invalidRequest('widget must not be empty', 'widget');
  },
};

/** A custom singleton route, as `/v1/balance` is for the real resources. */
const pingRoute = {
  method: 'GET' as const,
  path: '/v1/ping',
  permission: 'ping',
  handle(ctx: MutationContext): StripeObject {
    return { id: 'ping', object: 'ping', account: ctx.account };
  },
};

/** A route whose handler has a bug, to prove an internal error becomes Stripe's 500. */
const brokenRoute = {
  method: 'GET' as const,
  path: '/v1/broken',
  permission: 'ping',
  handle(): StripeObject {
    throw new TypeError('a bug in a resource hook');
  },
};

/** An emulator serving only the test resources (and events), with the control plane. */
export function widgetEmulator(options: EmulatorOptions = {}): Emulator {
  const emu = new Emulator([events, gadgets, widgets, parts], [pingRoute, brokenRoute], {
    seed: 7,
    ...options,
  });
  emu.setControlHandler(handleControl);
  return emu;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests index into arbitrary Stripe JSON
  json: any;
}

/**
 * One request through the emulator's request pipeline (no HTTP), with wire-format strings:
 * `send(emu, 'GET', '/v1/widgets?limit=3')`, `send(emu, 'POST', '/v1/widgets', 'name=a')`.
 */
export async function send(
  emu: Emulator,
  method: string,
  url: string,
  body = '',
  headers: Record<string, string | undefined> = {},
): Promise<Reply> {
  const q = url.indexOf('?');
  const res = await emu.handle({
    method,
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    body,
    headers: { authorization: `Bearer ${TEST_KEY}`, ...headers },
  });
  return {
    status: res.status,
    headers: res.headers,
    body: res.body,
    json: res.body ? JSON.parse(res.body) : undefined,
  };
}

/** Create `n` widgets silently (no events) directly in the store, all with `created` = `at`. */
export function bulkWidgets(
  emu: Emulator,
  n: number,
  at: number,
  extra: (i: number) => Record<string, unknown> = () => ({}),
): string[] {
  const ctx = emu.context();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `wid_${String(i).padStart(8, '0')}`;
    ctx.insert(
      'widgets',
      { id, object: 'widget', created: at, status: 'active', color: 'red', gadget: null, ...extra(i) },
      { emit: false },
    );
    ids.push(id);
  }
  return ids;
}
