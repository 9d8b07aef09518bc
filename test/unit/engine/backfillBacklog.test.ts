/**
 * A backfill whose parents each cost child requests (customers → balance transactions, tax ids, payment
 * methods) must not page the parent list far ahead of those children: the queue of child fetches (each
 * holding its parent) is bounded, whatever the number of parents, and every child is still fetched once.
 */
import { describe, expect, it } from 'vitest';
import { catalog } from '../../../src/catalog/registry.js';
import { BackfillUnit } from '../../../src/engine/backfill.js';
import { Scheduler } from '../../../src/engine/scheduler.js';
import type { StreamState } from '../../../src/state/syncState.js';
import { backfillContext } from '../../support/backfillContext.js';

const PARENTS = 4_000;
const TOP = 1_000_000;
const CHILD_STREAMS = ['customer_balance_transactions', 'customer_tax_ids', 'payment_methods'];

describe('backfill with per-parent children', () => {
  it('keeps the child backlog bounded and fetches every child list once', async () => {
    let scheduler!: Scheduler;
    let maxQueued = 0;
    const childCalls = new Map<string, number>();
    const parentsWritten = new Set<string>();
    const client = {
      async getTimed(_path: string, params: Record<string, unknown>) {
        // Newest first: index i was created at TOP - i; honour the window's created range (splits).
        const { gte, lt } = params.created as { gte: number; lt: number };
        const after = params.starting_after as string | undefined;
        const start = Math.max(after ? Number(after.slice(4)) + 1 : 0, TOP - lt + 1);
        const end = Math.min(PARENTS, TOP - gte + 1);
        const n = Math.max(0, Math.min(100, end - start));
        const data = Array.from({ length: n }, (_, i) => ({
          id: `cus_${start + i}`,
          object: 'customer',
          created: TOP - (start + i),
        }));
        await new Promise((r) => setImmediate(r));
        return { body: { data, has_more: start + n < end }, serverTime: 2_000_000 };
      },
      async list(path: string) {
        childCalls.set(path, (childCalls.get(path) ?? 0) + 1);
        maxQueued = Math.max(maxQueued, scheduler.snapshot().queued);
        // Child endpoints are the slow side (25 req/s each on Stripe): several turns per call.
        for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
        return { data: [], has_more: false };
      },
    };
    const writer = {
      async add(table: string, items: { obj: { id: string } }[]) {
        if (table === 'customers') for (const it of items) parentsWritten.add(it.obj.id);
      },
      async update() {},
    };
    const ctx = backfillContext({ client, writer, enabled: ['customers', ...CHILD_STREAMS] });
    const state = {
      backfill: {
        startedAt: 0,
        until: 1_000_001,
        windows: [{ id: 0, gte: 0, lt: 1_000_001, cursor: null, cursorCreated: null, done: false, pass: 0 }],
        nextWindowId: 1,
        done: false,
        sweepOnDone: false,
      },
    } as unknown as StreamState;
    const unit = new BackfillUnit(
      ctx,
      { id: 'acct_1', isPlatform: true, created: 0 },
      {
        stateStream: 'customers',
        list: catalog.get('customers'),
        consumers: new Set(['customers', ...CHILD_STREAMS]),
      },
      state,
    );
    scheduler = new Scheduler({
      concurrency: 48,
      perEndpoint: 13,
      classify: () => 'fatal',
      onIdle: () => unit.split(),
    });
    scheduler.push(...unit.start());
    await scheduler.run();
    await unit.settled();

    expect(parentsWritten.size).toBe(PARENTS);
    const perParent = [...childCalls.values()];
    expect(childCalls.size).toBe(PARENTS * CHILD_STREAMS.length);
    expect(perParent.every((n) => n === 1)).toBe(true);
    // Unbounded, the queue would hold ~PARENTS × 3 = 12,000 child fetches; a few pages' worth is the bound.
    expect(maxQueued).toBeLessThan(1_500);
  });
});
