/**
 * One account's sync: anchor events (first run), plan or resume backfills (first run, --full-refresh,
 * a reconciliation that is due, an events gap), run them on the account's scheduler, then the events
 * pass and the created-cursor passes. Failures of one stream do not stop the others; a rejected key or
 * a destination failure stops everything.
 */
import type { StreamDefinition } from '../catalog/streamDefinition.js';
import { EltError } from '../errors.js';
import type { StreamState } from '../state/syncState.js';
import { StripeAuthError, StripePermissionError } from '../stripe/errors.js';
import { STRIPE_EPOCH, serverTime } from './accounts.js';
import { BackfillUnit } from './backfill.js';
import { runCreatedPass } from './createdPass.js';
import { anchorEvents, EventsGapError, runEventsPass } from './eventsPass.js';
import { Scheduler, type Task } from './scheduler.js';
import type { AnyState, StateUpdate } from './stateStore.js';
import { listedStreams } from './streamSelection.js';
import type { AccountScope, SyncContext } from './syncContext.js';
import { planWindows } from './windows.js';

export type StreamOutcome =
  | { status: 'succeeded' }
  | { status: 'no_permission'; error: string }
  | { status: 'failed'; error: string };

export interface AccountSyncOptions {
  fullRefresh: boolean;
  concurrency: number;
  perEndpoint: number;
  /** Our clock (unix s) for `_synced_at` comparisons. */
  now: () => number;
  warn: (message: string) => void;
}

export async function syncAccount(
  ctx: SyncContext,
  account: AccountScope,
  opts: AccountSyncOptions,
): Promise<Map<string, StreamOutcome>> {
  const outcomes = new Map<string, StreamOutcome>();
  const enabled = [...ctx.enabled].filter((n) => {
    const s = ctx.catalog.get(n);
    return !s.reference && (account.isPlatform || !s.platformOnly);
  });
  const serverNow = await serverTime(ctx.client, account, ctx.signal);

  // Incremental starts where the first backfill starts, so nothing that changes during it is missed.
  let eventsUsable = true;
  if (ctx.state.events(account.id).cursor === null) {
    try {
      await anchorEvents(ctx, account);
    } catch (err) {
      if (!(err instanceof StripePermissionError)) throw err;
      eventsUsable = false;
      opts.warn(
        `account ${account.id}: the key cannot read events; event-driven streams are re-listed in full every run`,
      );
    }
  }

  const fail = (streams: Iterable<string>, err: unknown) => {
    const error = err instanceof Error ? err.message : String(err);
    for (const s of streams) {
      outcomes.set(
        s,
        err instanceof StripePermissionError
          ? { status: 'no_permission', error: 'no permission' }
          : { status: 'failed', error },
      );
    }
  };

  const runBackfills = async (plan: (list: StreamDefinition) => 'resume' | 'new' | 'new-sweep') => {
    const units: { unit: BackfillUnit; consumers: Set<string> }[] = [];
    for (const name of listedStreams(ctx.catalog, new Set(enabled))) {
      const list = ctx.catalog.get(name);
      if (!account.isPlatform && list.platformOnly) continue;
      const u = await prepareUnit(ctx, account, list, enabled, plan(list), serverNow, opts, (stream, err) => {
        ctx.log.error({ err: (err as Error).message, stream }, 'stream failed');
        fail([stream], err);
      });
      if (u) units.push(u);
    }
    if (units.length === 0) return;
    const groups = new Map(units.map((u) => [u.unit.group, u.consumers]));
    const scheduler = new Scheduler({
      concurrency: opts.concurrency,
      perEndpoint: opts.perEndpoint,
      signal: ctx.signal,
      admit: (rows, signal) => ctx.writer.reserve(rows, signal),
      classify: (err) =>
        err instanceof StripeAuthError || !(err instanceof EltError) || isDestinationError(err)
          ? 'fatal'
          : 'group',
      onGroupFailed: (group, err) => {
        ctx.log.error({ err: (err as Error).message, group }, 'stream failed');
        fail(groups.get(group) ?? [], err);
      },
      onIdle: () => {
        for (const { unit } of units) {
          if (scheduler.groupFailed(unit.group)) continue;
          const more = unit.split();
          if (more.length > 0) return more;
        }
        return [];
      },
    });
    for (const { unit } of units) scheduler.push(...unit.start());
    // The endpoints with the most queued work go first for the account's global rate (rateBudget.ts).
    const budget = ctx.client.budget(account.header);
    budget.setPriority((endpoint) => scheduler.backlog(endpoint));
    // Every 5 s at debug level: queue, slots per endpoint, writer buffer and write times, request budget.
    const trace = setInterval(() => {
      ctx.log.debug(
        {
          account: account.id,
          scheduler: scheduler.snapshot(),
          writer: ctx.writer.snapshot(),
          budget: ctx.client.budget(account.header).rates(),
          memoryMb: memoryMb(),
        },
        'backfill pipeline',
      );
    }, 5000);
    trace.unref();
    try {
      await scheduler.run();
    } finally {
      clearInterval(trace);
      budget.setPriority(undefined);
    }
    await Promise.all(
      units.filter(({ unit }) => !scheduler.groupFailed(unit.group)).map(({ unit }) => unit.settled()),
    );
  };

  await runBackfills((list) => {
    if (opts.fullRefresh) return 'new-sweep';
    if (!eventsUsable && list.incremental === 'events') return 'new-sweep';
    const st = ctx.state.stream(account.id, list.name);
    const reconcile =
      list.reconcileHours &&
      list.reconcileHours > 0 &&
      st.backfill?.done &&
      (st.lastReconcileAt ?? 0) < opts.now() - list.reconcileHours * 3600;
    return reconcile ? 'new-sweep' : 'resume';
  });

  // The events pass and created passes start from durable state (anchor, backfill completion).
  await ctx.writer.flush();
  if (eventsUsable) {
    try {
      await runEventsPass(ctx, account, serverNow);
    } catch (err) {
      if (err instanceof EventsGapError) {
        opts.warn(
          `account ${account.id}: the events cursor is older than Stripe's 30-day retention; event-driven streams were re-backfilled and rows no longer listed were marked deleted`,
        );
        await anchorEvents(ctx, account);
        await runBackfills((list) =>
          list.incremental === 'events' || list.incremental === 'full' ? 'new-sweep' : 'resume',
        );
        await ctx.writer.flush();
        await runEventsPass(ctx, account, serverNow);
      } else if (err instanceof StripePermissionError) {
        opts.warn(
          `account ${account.id}: the key cannot read events; changes will be picked up by re-listing`,
        );
      } else throw err;
    }
  }

  await ctx.writer.flush();
  for (const name of enabled) {
    const s = ctx.catalog.get(name);
    if (s.incremental !== 'created' || !s.list || outcomes.has(name)) continue;
    const st = ctx.state.stream(account.id, name);
    if (!st.backfill?.done) continue;
    try {
      await runCreatedPass(ctx, account, s);
    } catch (err) {
      if (err instanceof StripeAuthError || !(err instanceof EltError) || isDestinationError(err)) throw err;
      fail([name], err);
    }
  }

  const finished = opts.now();
  const updates: StateUpdate[] = [];
  for (const name of enabled) {
    const o = outcomes.get(name) ?? { status: 'succeeded' as const };
    outcomes.set(name, o);
    updates.push({
      account: account.id,
      stream: name,
      apply: (s: AnyState) => {
        const st = s as StreamState;
        if (o.status === 'succeeded') {
          st.lastSuccessAt = finished;
          st.lastError = null;
        } else st.lastError = o.error;
      },
    });
  }
  await ctx.writer.update(updates);
  return outcomes;
}

function isDestinationError(err: unknown): boolean {
  return err instanceof EltError && err.sqlState !== undefined;
}

/** Build (and persist the plan of) the backfill unit for one listed stream, if it has work to do. */
async function prepareUnit(
  ctx: SyncContext,
  account: AccountScope,
  list: StreamDefinition,
  enabled: readonly string[],
  mode: 'resume' | 'new' | 'new-sweep',
  serverNow: number,
  opts: AccountSyncOptions,
  onConsumerFailed: (stream: string, err: unknown) => void,
): Promise<{ unit: BackfillUnit; consumers: Set<string> } | undefined> {
  const children = ctx.catalog.children(list.name).filter((c) => enabled.includes(c.name));
  const selfEnabled = enabled.includes(list.name);
  let st = ctx.state.stream(account.id, list.name);
  let consumers = new Set<string>();
  let stateStream = list.name;
  const needsNew = mode !== 'resume' || !st.backfill;
  if (needsNew) {
    consumers = new Set([...(selfEnabled ? [list.name] : []), ...children.map((c) => c.name)]);
  } else if (!st.backfill!.done) {
    consumers = new Set([
      ...(selfEnabled ? [list.name] : []),
      ...children.filter((c) => !ctx.state.stream(account.id, c.name).backfill?.done).map((c) => c.name),
    ]);
  } else {
    // The list is done; a child enabled later gets its own pass over the parent's list.
    const late = children.find((c) => !ctx.state.stream(account.id, c.name).backfill);
    if (!late) return undefined;
    stateStream = late.name;
    consumers = new Set([late.name]);
    st = ctx.state.stream(account.id, late.name);
  }
  if (consumers.size === 0) return undefined;
  if (needsNew || stateStream !== list.name) {
    const spec = list.list!;
    const plan = planWindows({
      from: Math.max(STRIPE_EPOCH, account.created - 86400),
      until: serverNow + 1,
      count: ctx.settings.windowsPerStream,
      passes: spec.passes?.length ?? 1,
      createdFilter: spec.createdFilter,
    });
    const sweepOnDone = mode === 'new-sweep' && !list.partialList;
    const backfill = {
      startedAt: opts.now(),
      until: serverNow + 1,
      windows: plan.windows,
      nextWindowId: plan.nextWindowId,
      done: false,
      sweepOnDone,
    };
    st = { ...st, backfill };
    await ctx.writer.update([
      {
        account: account.id,
        stream: stateStream,
        apply: (s: AnyState) => {
          (s as StreamState).backfill = structuredClone(backfill);
        },
      },
    ]);
  }
  const bf = st.backfill!;
  const members = [...consumers];
  const unit: BackfillUnit = new BackfillUnit(
    ctx,
    account,
    {
      stateStream,
      list,
      consumers,
      onConsumerFailed,
      onDone: async (failed) => {
        const done = members.filter((m) => !failed.has(m));
        const sweeps = bf.sweepOnDone ? done.filter((m) => !ctx.catalog.get(m).partialList) : [];
        const version = serverNow;
        for (const m of sweeps)
          await ctx.writer.add(m, [], [], {
            sweeps: [{ account: account.id, before: bf.startedAt, version }],
          });
        await ctx.writer.update(
          [...new Set([stateStream, ...done])].map((m) => ({
            account: account.id,
            stream: m,
            apply: (s: AnyState) => {
              const x = s as StreamState;
              x.backfill = { ...(x.backfill ?? bf), done: true, windows: [] };
              x.lastReconcileAt = bf.startedAt;
              if (ctx.catalog.get(m).incremental === 'created') x.createdCursor = bf.until;
            },
          })),
        );
      },
    },
    st,
  );
  ctx.progress?.track(account.id, unit);
  return { unit, consumers };
}

export type { Task };

/** Resident set and JS heap (MB): the embedded destination's memory is the difference. */
function memoryMb(): { rss: number; heap: number; external: number } {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 2 ** 20);
  return { rss: mb(m.rss), heap: mb(m.heapUsed), external: mb(m.external + m.arrayBuffers) };
}
