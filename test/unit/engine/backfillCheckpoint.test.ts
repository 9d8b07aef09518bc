/**
 * Checkpoint safety of a backfill that splits windows while their pages and per-parent child fetches are
 * in flight: whatever instant the writer commits at (a crash may follow any commit), the committed
 * windows must still partition the range, and every parent they claim as read (a done window, or above
 * an open window's cursor) must have its child rows committed too — otherwise a resume skips it for good.
 *
 * The writer here commits everything queued so far at pseudo-random instants, as the real BatchWriter
 * does when its buffer fills, and checks both properties at each commit.
 */
import { describe, expect, it } from 'vitest';
import { catalog } from '../../../src/catalog/registry.js';
import { BackfillUnit } from '../../../src/engine/backfill.js';
import { Scheduler } from '../../../src/engine/scheduler.js';
import type { AnyState, StateUpdate } from '../../../src/engine/stateStore.js';
import type { StreamState, WindowState } from '../../../src/state/syncState.js';
import { backfillContext } from '../../support/backfillContext.js';

const PARENTS = 600;
/** Parent i is created at TOP - i * STEP: sparse enough that windows keep splitting. */
const TOP = 2_000_000;
const STEP = 2_400;
const UNTIL = TOP + 1;

/** Deterministic pseudo-random numbers (mulberry32), so a failure replays. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const createdOf = (i: number) => TOP - i * STEP;

async function run(seed: number): Promise<string[]> {
  const rnd = prng(seed);
  const problems: string[] = [];
  let splits = 0;
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  };

  let committed: StreamState = {
    backfill: {
      startedAt: 0,
      until: UNTIL,
      windows: [{ id: 0, gte: 0, lt: UNTIL, cursor: null, cursorCreated: null, done: false, pass: 0 }],
      nextWindowId: 1,
      done: false,
      sweepOnDone: false,
    },
  } as unknown as StreamState;
  const committedChildren = new Set<string>();
  let queuedChildren: string[] = [];
  let queuedUpdates: StateUpdate[] = [];

  const commit = () => {
    const next = structuredClone(committed);
    for (const u of queuedUpdates) u.apply(next as AnyState);
    for (const p of queuedChildren) committedChildren.add(p);
    queuedUpdates = [];
    queuedChildren = [];
    committed = next;
    problems.push(...violations(next.backfill!.windows, committedChildren));
  };
  const maybeCommit = () => {
    if (rnd() < 0.05) commit();
  };

  const client = {
    async getTimed(_path: string, params: Record<string, unknown>) {
      const { gte, lt } = params.created as { gte: number; lt: number };
      const after = params.starting_after as string | undefined;
      const data: { id: string; object: string; created: number }[] = [];
      let i = after ? Number(after.slice(4)) + 1 : 0;
      for (; i < PARENTS && data.length < 5; i++) {
        const c = createdOf(i);
        if (c >= lt) continue;
        if (c < gte) break;
        data.push({ id: `cus_${i}`, object: 'customer', created: c });
      }
      const hasMore = i < PARENTS && createdOf(i) >= gte;
      await turns(1 + Math.floor(rnd() * 4));
      maybeCommit();
      return { body: { data, has_more: hasMore }, serverTime: 3_000_000 };
    },
    async list(path: string) {
      // Child endpoints are slow (25 req/s on Stripe): the parent pages and splits run ahead.
      await turns(2 + Math.floor(rnd() * 20));
      maybeCommit();
      void path;
      return { data: [], has_more: false };
    },
  };
  const writer = {
    async add(
      table: string,
      _items: unknown[],
      updates: StateUpdate[] = [],
      extra: { replaceChildren?: { parentIds: string[] }[] } = {},
    ) {
      if (table === 'payment_methods')
        for (const rc of extra.replaceChildren ?? []) queuedChildren.push(...rc.parentIds);
      queuedUpdates.push(...updates);
      maybeCommit();
    },
    async update(updates: StateUpdate[]) {
      queuedUpdates.push(...updates);
      maybeCommit();
    },
  };
  const ctx = backfillContext({ client, writer, enabled: ['customers', 'payment_methods'] });
  const unit = new BackfillUnit(
    ctx,
    { id: 'acct_1', isPlatform: true, created: 0 },
    {
      stateStream: 'customers',
      list: catalog.get('customers'),
      consumers: new Set(['customers', 'payment_methods']),
    },
    structuredClone(committed),
  );
  const scheduler = new Scheduler({
    concurrency: 16,
    perEndpoint: 16,
    classify: () => 'fatal',
    onIdle: () => {
      const more = unit.split();
      splits += more.length;
      return more;
    },
  });
  scheduler.push(...unit.start());
  await scheduler.run();
  await unit.settled();
  commit();
  const missing = Array.from({ length: PARENTS }, (_, i) => `cus_${i}`).filter(
    (p) => !committedChildren.has(p),
  );
  if (missing.length > 0) problems.push(`children never fetched for ${missing.length} parents`);
  // The test is about splits racing with pages: without them it proves nothing.
  if (splits < 10) problems.push(`only ${splits} window splits`);
  return problems;
}

/** What a resume from `windows` would get wrong, given the parents whose children are committed. */
function violations(windows: readonly WindowState[], children: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const sorted = [...windows].sort((a, b) => a.gte - b.gte);
  let edge = 0;
  for (const w of sorted) {
    if (w.gte > edge) out.push(`gap [${edge}, ${w.gte}) in the committed windows`);
    edge = Math.max(edge, w.lt);
  }
  if (edge < UNTIL) out.push(`gap [${edge}, ${UNTIL}) in the committed windows`);
  for (let i = 0; i < PARENTS; i++) {
    const c = createdOf(i);
    const id = `cus_${i}`;
    // Windows page newest first: a window has read what lies at or above its cursor, or all of it once done.
    const w = windows.find((x) => c >= x.gte && c < x.lt);
    const read = w !== undefined && (w.done || (w.cursorCreated !== null && c >= w.cursorCreated));
    if (read && !children.has(id)) out.push(`${id} is checkpointed as read but its children are not`);
  }
  return out;
}

describe('backfill checkpoints under window splits', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'never commits a window past a parent whose children are not committed (seed %i)',
    async (seed) => {
      const problems = await run(seed);
      expect(problems.slice(0, 5)).toEqual([]);
    },
  );
});
