/**
 * Incremental sync from `/v1/events` (ARCHITECTURE.md §5.3). Events are read oldest first by paging
 * backwards from the last applied event with `ending_before` (stripe-node's autoPagination does the same
 * for reverse iteration), plus a re-read of a short overlap before the cursor, deduplicated by event id.
 * Each page is routed by `data.object.object` to its stream (a table built from the catalogue, no switch
 * on event types), upserted with the event's `created` as version, soft-deleted on the stream's delete
 * event, re-fetched when the event was rendered at another API version, and the changed parents' child
 * lists are refreshed. An anchor older than Stripe's 30-day retention means a gap: the caller
 * re-backfills.
 */

import type { StreamDefinition } from '../catalog/streamDefinition.js';
import { EVENTS_STATE_STREAM, type EventsState } from '../state/syncState.js';
import { PINNED_API_VERSION } from '../stripe/client.js';
import { StripeApiError, StripePermissionError } from '../stripe/errors.js';
import type { Item } from './batchWriter.js';
import { fetchChildren, perParentChildren } from './children.js';
import { type Emission, emitParents } from './emit.js';
import { failpoint } from './failpoints.js';
import type { AnyState, StateUpdate } from './stateStore.js';
import type { AccountScope, SyncContext } from './syncContext.js';

type Obj = Record<string, unknown>;
interface StripeEvent {
  id: string;
  type: string;
  created: number;
  api_version: string | null;
  account?: string;
  data: { object: Obj };
}

export const EVENT_RETENTION_SECONDS = 30 * 86400;
/** Re-read this much before the cursor: events of the same second may be listed late. */
export const OVERLAP_SECONDS = 60;

export class EventsGapError extends Error {
  constructor(readonly cursor: number | null) {
    super('the events cursor is older than Stripe keeps events (30 days)');
  }
}

export interface EventsPassResult {
  applied: number;
}

function update(account: string, fn: (s: EventsState) => void): StateUpdate {
  return { account, stream: EVENTS_STATE_STREAM, apply: (s: AnyState) => fn(s as EventsState) };
}

/** Set the starting point for incremental sync: the newest event now (call before a first backfill). */
export async function anchorEvents(ctx: SyncContext, account: AccountScope): Promise<void> {
  const { body, serverTime } = await ctx.client.getTimed<{ data: StripeEvent[] }>(
    '/v1/events',
    { limit: 1 },
    { account: account.header, signal: ctx.signal, counters: ctx.counters(account.id, 'events') },
  );
  const newest = body.data[0];
  failpoint('anchor.afterList');
  // Events up to the anchor are covered by the backfill that starts after it. The first incremental
  // pass re-reads an overlap before its cursor: mark every event of that overlap as seen, or an older
  // event of the anchor's second would be applied over the newer state the backfill listed.
  const seen: string[] = [];
  if (newest) {
    let after: string | undefined;
    for (;;) {
      const page = await ctx.client.list<StripeEvent>(
        '/v1/events',
        {
          limit: 100,
          created: { gte: newest.created - OVERLAP_SECONDS, lte: newest.created },
          ...(after ? { starting_after: after } : {}),
        },
        { account: account.header, signal: ctx.signal, counters: ctx.counters(account.id, 'events') },
      );
      seen.push(...page.data.map((e) => e.id));
      if (!page.has_more || page.data.length === 0) break;
      after = page.data[page.data.length - 1]!.id;
    }
  }
  await ctx.writer.update([
    update(account.id, (s) => {
      s.cursor = newest ? newest.created : serverTime;
      s.lastEventId = newest?.id ?? null;
      s.recentIds = newest ? [...new Set([newest.id, ...seen])] : [];
    }),
  ]);
}

export async function runEventsPass(
  ctx: SyncContext,
  account: AccountScope,
  now: number,
): Promise<EventsPassResult> {
  const state = ctx.state.events(account.id);
  if (state.cursor === null) throw new EventsGapError(null);
  if (state.cursor < now - EVENT_RETENTION_SECONDS) throw new EventsGapError(state.cursor);
  const opts = { account: account.header, signal: ctx.signal, counters: ctx.counters(account.id, 'events') };
  const seen = new Set(state.recentIds);
  let cursor = state.cursor;
  let lastId = state.lastEventId;
  let recent = [...state.recentIds];
  let applied = 0;

  const apply = async (events: StripeEvent[], advanceAnchor: boolean) => {
    const fresh = events.filter((e) => !seen.has(e.id));
    for (const e of fresh) seen.add(e.id);
    failpoint('events.afterList');
    if (fresh.length > 0) await applyEvents(ctx, account, fresh);
    failpoint('events.afterApply');
    applied += fresh.length;
    for (const e of events) cursor = Math.max(cursor, e.created);
    const newest = events[events.length - 1];
    // The overlap re-read may hold events older than the anchor: only forward pages move it.
    if (newest && advanceAnchor) lastId = newest.id;
    recent = [...new Set([...recent, ...events.map((e) => e.id)])].slice(-5000);
    const snapshot = { cursor, lastId, recent };
    await ctx.writer.update([
      update(account.id, (s) => {
        s.cursor = snapshot.cursor;
        s.lastEventId = snapshot.lastId;
        s.recentIds = snapshot.recent;
      }),
    ]);
  };

  // 1. The overlap: events at or just before the cursor that may have been listed after we passed.
  const overlap: StripeEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await ctx.client.list<StripeEvent>(
      '/v1/events',
      {
        limit: 100,
        created: { gte: state.cursor - OVERLAP_SECONDS, lte: state.cursor },
        ...(after ? { starting_after: after } : {}),
      },
      opts,
    );
    overlap.push(...page.data);
    if (!page.has_more || page.data.length === 0) break;
    after = page.data[page.data.length - 1]!.id;
  }
  await apply(overlap.reverse(), false);

  // 2. Forward from the anchor, oldest first.
  if (lastId === null) {
    // No anchor event (the account had none when we started): read everything since the cursor.
    const all: StripeEvent[] = [];
    let sa: string | undefined;
    for (;;) {
      const page = await ctx.client.list<StripeEvent>(
        '/v1/events',
        { limit: 100, created: { gt: state.cursor }, ...(sa ? { starting_after: sa } : {}) },
        opts,
      );
      all.push(...page.data);
      if (!page.has_more || page.data.length === 0) break;
      sa = page.data[page.data.length - 1]!.id;
    }
    await apply(all.reverse(), true);
    return { applied };
  }
  for (;;) {
    let page: { data: StripeEvent[]; has_more: boolean };
    try {
      page = await ctx.client.list<StripeEvent>('/v1/events', { limit: 100, ending_before: lastId }, opts);
    } catch (err) {
      // The anchor event aged out of retention: we cannot know what happened since.
      if (err instanceof StripeApiError && err.status === 400 && err.code === 'resource_missing')
        throw new EventsGapError(cursor);
      throw err;
    }
    if (page.data.length === 0) break;
    await apply([...page.data].reverse(), true);
    if (!page.has_more) break;
  }
  return { applied };
}

/** Route, collapse per object, re-fetch where needed, and emit one page of events. */
async function applyEvents(ctx: SyncContext, account: AccountScope, events: StripeEvent[]): Promise<void> {
  if (ctx.enabled.has('events')) {
    await ctx.writer.add(
      'events',
      events.map((e) => ({
        obj: e as unknown as Obj,
        account: account.id,
        version: e.created,
        deleted: false,
      })),
    );
  }
  // Newest event per object wins (events are in ascending order).
  const latest = new Map<string, { stream: StreamDefinition; event: StripeEvent }>();
  for (const e of events) {
    const obj = e.data?.object;
    if (!obj || typeof obj.object !== 'string' || typeof obj.id !== 'string') continue;
    const stream = ctx.catalog.streamForObject(obj.object);
    // Objects we do not keep (discounts, persons, …): skipping them is deliberate.
    if (!stream || !needed(ctx, stream)) continue;
    latest.set(`${stream.name}\u0000${obj.id}`, { stream, event: e });
  }
  const byStream = new Map<string, { stream: StreamDefinition; emissions: Emission[] }>();
  for (const { stream, event } of latest.values()) {
    const emission = await toEmission(ctx, account, stream, event);
    let b = byStream.get(stream.name);
    if (!b) {
      b = { stream, emissions: [] };
      byStream.set(stream.name, b);
    }
    b.emissions.push(emission);
  }
  await refreshRelated(ctx, account, byStream);
  for (const { stream, emissions } of byStream.values()) {
    if (stream.parent) {
      // A child object with its own events (tax ids, payment methods, fee refunds).
      const items: Item[] = emissions.map((em) => ({
        obj: em.obj,
        account: account.id,
        version: em.version,
        deleted: em.deleted,
        parentId:
          typeof em.obj[stream.parent!.key] === 'string' ? (em.obj[stream.parent!.key] as string) : undefined,
      }));
      if (ctx.enabled.has(stream.name)) await ctx.writer.add(stream.name, items);
      continue;
    }
    await emitParents(ctx, account, stream, emissions, []);
    await refreshPerParentChildren(ctx, account, stream, emissions);
  }
}

function needed(ctx: SyncContext, stream: StreamDefinition): boolean {
  return (
    ctx.enabled.has(stream.name) || ctx.catalog.children(stream.name).some((c) => ctx.enabled.has(c.name))
  );
}

async function toEmission(
  ctx: SyncContext,
  account: AccountScope,
  stream: StreamDefinition,
  e: StripeEvent,
): Promise<Emission> {
  const obj = e.data.object;
  const deleted = stream.deletedEvent === e.type;
  if (deleted || e.api_version === PINNED_API_VERSION) return { obj, version: e.created, deleted };
  // Event payloads keep the API version they were created with (docs.stripe.com/api/events/object):
  // re-read the object at our pinned version so every row has one shape.
  const path = retrievePath(stream, obj);
  if (!path) return { obj, version: e.created, deleted: false };
  try {
    const { body, serverTime } = await ctx.client.getTimed<Obj>(
      path,
      {},
      {
        account: account.header,
        signal: ctx.signal,
        counters: ctx.counters(account.id, stream.name),
      },
    );
    const gone = (body as { deleted?: boolean }).deleted === true;
    return { obj: gone ? obj : body, version: Math.max(serverTime, e.created), deleted: gone };
  } catch (err) {
    if (err instanceof StripeApiError && err.status === 404)
      return { obj, version: e.created, deleted: true };
    throw err;
  }
}

function retrievePath(stream: StreamDefinition, obj: Obj): string | undefined {
  const id = encodeURIComponent(obj.id as string);
  if (stream.list) return `${stream.list.path}/${id}`;
  const p = stream.parent;
  const parentId = p ? obj[p.key] : undefined;
  if (!p || typeof parentId !== 'string' || p.params) return undefined;
  return `${p.path.replace('{id}', encodeURIComponent(parentId))}/${id}`;
}

/**
 * Requests in flight per child endpoint while re-reading changed parents' children: the scheduler's
 * per-endpoint cap (25 req/s × ~0.5 s). One at a time ran at the latency, ~12 req/s (2,000 changed
 * customers took 178 s where the limits allow 80 s).
 */
const CHILD_REFRESH_CONCURRENCY = 13;

/** Children read one request per parent, with no events of their own: re-read for changed parents. */
async function refreshPerParentChildren(
  ctx: SyncContext,
  account: AccountScope,
  stream: StreamDefinition,
  emissions: Emission[],
): Promise<void> {
  // One read per parent, stamped with its newest event's version (emissions are oldest first).
  const latest = new Map<string, Emission>();
  for (const em of emissions) {
    const id = em.obj.id as string;
    if (em.deleted) latest.delete(id);
    else {
      latest.delete(id);
      latest.set(id, em);
    }
  }
  for (const child of perParentChildren(ctx, stream)) {
    if (child.incremental === 'events') continue;
    let forbidden = false;
    await forEachLimit([...latest.values()], CHILD_REFRESH_CONCURRENCY, async (em) => {
      if (forbidden) return;
      const parentId = em.obj.id as string;
      let objs: Obj[];
      try {
        objs = await fetchChildren(ctx, account, child, parentId);
      } catch (err) {
        // A key without this child's permission: the child stream is reported by its backfill; the
        // parent's changes still apply.
        if (err instanceof StripePermissionError) {
          forbidden = true;
          return;
        }
        throw err;
      }
      await ctx.writer.add(
        child.name,
        objs.map((o) => ({ obj: o, account: account.id, version: em.version, deleted: false, parentId })),
        [],
        {
          replaceChildren: [
            { column: child.parent!.key, parentIds: [parentId], account: account.id, version: em.version },
          ],
        },
      );
    });
  }
}

/** Runs `fn` over `items` with at most `limit` at once; the first failure is thrown once all settle. */
async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

/** Values at a dotted path, traversing arrays: `lines.data.parent.x` over `{lines: {data: [...]}}`. */
export function valuesAt(obj: unknown, path: string): unknown[] {
  let current: unknown[] = [obj];
  for (const seg of path.split('.')) {
    const next: unknown[] = [];
    for (const v of current) {
      const items = Array.isArray(v) ? v : [v];
      for (const it of items) if (it && typeof it === 'object' && seg in it) next.push((it as Obj)[seg]);
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/**
 * Re-read objects that changed without an event of their own but are named in this page's payloads
 * (catalogue `refreshFrom`), adding them to the page's emissions.
 */
async function refreshRelated(
  ctx: SyncContext,
  account: AccountScope,
  byStream: Map<string, { stream: StreamDefinition; emissions: Emission[] }>,
): Promise<void> {
  for (const target of ctx.catalog.streams) {
    if (!target.refreshFrom || !target.list || !ctx.enabled.has(target.name)) continue;
    const ids = new Set<string>();
    for (const rf of target.refreshFrom) {
      for (const em of byStream.get(rf.stream)?.emissions ?? []) {
        if (em.deleted) continue;
        for (const v of valuesAt(em.obj, rf.path)) if (typeof v === 'string') ids.add(v);
      }
    }
    // Re-read even objects this page has an event for: that event's snapshot may predate the change.
    const fresh: Emission[] = [];
    for (const id of ids) {
      try {
        const { body, serverTime } = await ctx.client.getTimed<Obj>(
          `${target.list.path}/${encodeURIComponent(id)}`,
          {},
          {
            account: account.header,
            signal: ctx.signal,
            counters: ctx.counters(account.id, target.name),
          },
        );
        fresh.push({
          obj: body,
          version: serverTime,
          deleted: (body as { deleted?: boolean }).deleted === true,
        });
      } catch (err) {
        if (!(err instanceof StripeApiError && err.status === 404)) throw err;
      }
    }
    if (fresh.length === 0) continue;
    const entry = byStream.get(target.name) ?? { stream: target, emissions: [] };
    const refreshed = new Set(fresh.map((e) => e.obj.id));
    entry.emissions = [...entry.emissions.filter((e) => !refreshed.has(e.obj.id)), ...fresh];
    byStream.set(target.name, entry);
  }
}
