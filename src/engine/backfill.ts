/**
 * Historical backfill of one list (ARCHITECTURE.md §5.2): the stream's `created` range is cut into
 * windows paged newest-first with `limit=100` + `starting_after`, several at once; each page's rows and
 * the window's new cursor are committed together, in page order, so a crash resumes exactly where the
 * last commit left off. Children come from the embedded lists (completed when `has_more`) or, for
 * children that are not embedded, from one request per parent.
 */

import type { StreamDefinition } from '../catalog/streamDefinition.js';
import type { StreamState, WindowState } from '../state/syncState.js';
import { StripeApiError, StripeAuthError } from '../stripe/errors.js';
import type { Item } from './batchWriter.js';
import { endpointForChild, fetchChildren, perParentChildren } from './children.js';
import { emitParents } from './emit.js';
import { failpoint } from './failpoints.js';
import type { Task } from './scheduler.js';
import type { AnyState, StateUpdate } from './stateStore.js';
import type { AccountScope, SyncContext } from './syncContext.js';
import { splitPoint } from './windows.js';

type Obj = Record<string, unknown>;

/**
 * Per-parent child fetches a unit may have queued before its windows stop paging ahead: a few pages'
 * worth, enough to keep every child endpoint's slots busy while the next parent page is fetched.
 */
const MAX_PENDING_CHILD_TASKS = 400;

/**
 * Objects per list page we request (Stripe's maximum), and so the rows a page task reserves in the
 * writer before it is sent (Scheduler `admit`). Per-parent child fetches reserve nothing: they bring a
 * few rows each, MAX_PENDING_CHILD_TASKS bounds them, and on a large account their endpoints are what
 * the run waits for, so they must not queue behind a page's admission (with them admitted too, two
 * `large` benchmarks reached 87.7% and 88.8% of the rate ceiling; with pages only, 89.7%).
 */
const PAGE_LIMIT = 100;

export interface BackfillUnitOptions {
  /** Stream whose state holds the windows (the listed stream, or a late-enabled child). */
  stateStream: string;
  /** The stream whose list endpoint is paged. */
  list: StreamDefinition;
  /** Streams fed by this unit: the listed stream and/or some of its children. */
  consumers: ReadonlySet<string>;
  /** Called once every page of the backfill is queued to the writer; its updates follow them. */
  onDone?: (failedConsumers: ReadonlySet<string>) => void | Promise<void>;
  /**
   * A per-parent child stream failed (no permission, or a non-retryable error): it is reported and left
   * out of the rest of this backfill, while the parent and the other children go on.
   */
  onConsumerFailed?: (stream: string, error: unknown) => void;
}

interface WindowRuntime {
  state: WindowState;
  /** Page results waiting for their per-parent children, committed strictly in page order. */
  chain: Promise<void>;
  queued: boolean;
}

export class BackfillUnit {
  private readonly windows = new Map<number, WindowRuntime>();
  private nextId: number;
  private remaining: number;
  private doneChain: Promise<void> = Promise.resolve();
  readonly group: string;

  constructor(
    private readonly ctx: SyncContext,
    private readonly account: AccountScope,
    private readonly opts: BackfillUnitOptions,
    state: StreamState,
  ) {
    const bf = state.backfill!;
    this.nextId = bf.nextWindowId;
    for (const w of bf.windows)
      if (!w.done) this.windows.set(w.id, { state: { ...w }, chain: Promise.resolve(), queued: false });
    this.remaining = this.windows.size;
    this.group = `${account.id}/${opts.stateStream}`;
    // Windows partition the range (splits keep that), so the total never changes afterwards.
    this.span = bf.windows.reduce((n, w) => n + Math.max(0, w.lt - w.gte), 0);
  }

  private readonly span: number;

  /**
   * How much of the `created` range is read, in seconds: the only size estimate Stripe allows (lists
   * carry no totals since 2025-03-31.basil). Windows page newest first, so an open window is read
   * from its cursor's `created` up to its end.
   */
  coverage(): { covered: number; total: number } {
    let unread = 0;
    for (const { state: w } of this.windows.values())
      unread += Math.max(0, (w.cursorCreated ?? w.lt) - w.gte);
    return { covered: Math.max(0, this.span - unread), total: this.span };
  }

  get endpoint(): string {
    return `GET ${this.opts.list.list!.path}`;
  }

  /** Tasks for every open window (each window pages sequentially). */
  start(): Task[] {
    if (this.remaining === 0) {
      this.finish();
      return [];
    }
    return [...this.windows.values()].map((w) => this.pageTask(w));
  }

  /** Split the open window with the most unexplored range, if any is worth splitting. */
  split(): Task[] {
    // A unit held back by its child backlog gains nothing from more windows (they would park too).
    if (this.parked.length > 0) return [];
    let best: WindowRuntime | undefined;
    let bestPoint: number | undefined;
    for (const w of this.windows.values()) {
      const p = splitPoint(w.state);
      if (p !== undefined && (!best || p - w.state.gte > bestPoint! - best.state.gte)) {
        best = w;
        bestPoint = p;
      }
    }
    if (!best || bestPoint === undefined || !this.opts.list.list!.createdFilter) return [];
    const old = best.state;
    const id = this.nextId++;
    const fresh: WindowState = {
      id,
      gte: old.gte,
      lt: bestPoint,
      cursor: null,
      cursorCreated: null,
      done: false,
      pass: old.pass,
    };
    old.gte = bestPoint;
    const rt: WindowRuntime = { state: fresh, chain: Promise.resolve(), queued: false };
    this.windows.set(id, rt);
    this.remaining++;
    failpoint('backfill.split');
    const oldId = old.id;
    const mid = bestPoint;
    // Copied now: the update is applied when the writer commits, and by then the new window's live state
    // may already carry a cursor or `done` whose rows (and per-parent children) are not committed yet.
    // Committing that would make a resume skip them for good (crash test, writer.afterWrite:3).
    const planned: WindowState = { ...fresh };
    void this.ctx.writer.update([
      this.update((bf) => {
        const w = bf.windows.find((x) => x.id === oldId);
        if (w) w.gte = mid;
        bf.windows.push({ ...planned });
        bf.nextWindowId = Math.max(bf.nextWindowId, id + 1);
      }),
    ]);
    return [this.pageTask(rt)];
  }

  private update(fn: (bf: NonNullable<StreamState['backfill']>) => void): StateUpdate {
    return {
      account: this.account.id,
      stream: this.opts.stateStream,
      apply: (s: AnyState) => {
        const st = s as StreamState;
        if (st.backfill) fn(st.backfill);
      },
    };
  }

  private pageTask(w: WindowRuntime): Task {
    w.queued = true;
    return { endpoint: this.endpoint, group: this.group, rows: PAGE_LIMIT, run: () => this.page(w) };
  }

  private async page(w: WindowRuntime): Promise<Task[]> {
    w.queued = false;
    const { list } = this.opts;
    const spec = list.list!;
    const ws = w.state;
    const params: Record<string, unknown> = {
      limit: PAGE_LIMIT,
      ...spec.params,
      ...(spec.passes?.[ws.pass] ?? {}),
    };
    if (spec.createdFilter) params.created = { gte: ws.gte, lt: ws.lt };
    if (ws.cursor) params.starting_after = ws.cursor;
    let res: { body: { data: Obj[]; has_more: boolean }; serverTime: number };
    try {
      res = await this.ctx.client.getTimed(spec.path, params, {
        account: this.account.header,
        signal: this.ctx.signal,
        endpoint: this.endpoint,
        counters: this.ctx.counters(this.account.id, this.opts.stateStream),
      });
    } catch (err) {
      if (ws.cursor && isMissingCursor(err)) {
        // The cursor object was deleted meanwhile (Stripe: 400 resource_missing on starting_after).
        // Resume from the cursor's second instead; objects of that second are re-read (idempotent).
        this.ctx.log.warn(
          { stream: list.name, cursor: ws.cursor },
          'backfill cursor object no longer exists; resuming from its timestamp',
        );
        if (ws.cursorCreated !== null && spec.createdFilter) ws.lt = Math.min(ws.lt, ws.cursorCreated + 1);
        ws.cursor = null;
        ws.cursorCreated = null;
        const snapshot = { ...ws };
        await this.ctx.writer.update([this.update((bf) => replaceWindow(bf, snapshot))]);
        return [this.pageTask(w)];
      }
      throw err;
    }
    failpoint('backfill.afterPage');
    const objs = res.body.data;
    const last = objs[objs.length - 1];
    ws.cursor = last ? (last.id as string) : ws.cursor;
    ws.cursorCreated = last && typeof last.created === 'number' ? last.created : ws.cursorCreated;
    ws.done = !res.body.has_more || objs.length === 0;
    const snapshot = { ...ws };
    const emissions = objs.map((obj) => ({ obj, version: res.serverTime, deleted: false }));
    const perParent = perParentChildren(this.ctx, list).filter(
      (c) => this.opts.consumers.has(c.name) && !this.failed.has(c.name),
    );
    const childTasks: Task[] = [];
    const childDone: Promise<void>[] = [];
    for (const child of perParent) {
      for (const o of objs) {
        const { promise, resolve, reject } = deferred();
        childDone.push(promise);
        childTasks.push({
          endpoint: endpointForChild(child),
          group: this.group,
          run: async () => {
            try {
              if (!this.failed.has(child.name))
                await this.emitPerParent(child, o.id as string, res.serverTime);
              resolve();
            } catch (e) {
              if (!isStreamLevel(e)) {
                reject(e);
                throw e;
              }
              if (!this.failed.has(child.name)) {
                this.failed.add(child.name);
                this.opts.onConsumerFailed?.(child.name, e);
              }
              resolve();
            } finally {
              this.childTasks--;
            }
            return this.releaseParked();
          },
        });
      }
    }
    const pageUpdate = this.update((bf) => replaceWindow(bf, snapshot));
    // Rows of this page (and embedded children) go to the writer now; the cursor follows once the
    // per-parent children are queued too, and never before an earlier page's cursor.
    await emitParents(this.ctx, this.account, list, emissions, [], this.opts.consumers);
    failpoint('backfill.afterEmit');
    const prev = w.chain;
    w.chain = prev.then(() => Promise.all(childDone)).then(() => this.ctx.writer.update([pageUpdate]));
    // A failure here is reported by the failing task itself (scheduler group); never unhandled.
    w.chain.catch(() => {});
    if (ws.done) {
      this.remaining--;
      this.windows.delete(ws.id);
      const chain = w.chain;
      this.doneChain = this.doneChain.then(() => chain);
      if (this.remaining === 0) this.finish();
      this.childTasks += childTasks.length;
      return childTasks;
    }
    // Paging runs ahead of the per-parent children only so far: past the limit the window's next page is
    // parked and released by the child task that brings the backlog under it again. Without this a
    // large customer list queues millions of child fetches (each holding its parent) while the child
    // endpoints crawl at 25 req/s: memory grows with the account instead of with the buffers.
    this.childTasks += childTasks.length;
    if (this.childTasks > MAX_PENDING_CHILD_TASKS) {
      this.parked.push(this.pageTask(w));
      return childTasks;
    }
    return [...childTasks, this.pageTask(w)];
  }

  /** Per-parent child fetches queued or running for this unit. */
  private childTasks = 0;
  /** Next-page tasks waiting for the child backlog to shrink. */
  private parked: Task[] = [];

  private releaseParked(): Task[] | undefined {
    if (this.parked.length === 0 || this.childTasks > MAX_PENDING_CHILD_TASKS) return undefined;
    const out = this.parked;
    this.parked = [];
    return out;
  }

  private async emitPerParent(child: StreamDefinition, parentId: string, version: number): Promise<void> {
    const objs = await fetchChildren(this.ctx, this.account, child, parentId);
    failpoint('backfill.child');
    const items: Item[] = objs.map((o) => ({
      obj: o,
      account: this.account.id,
      version,
      deleted: false,
      parentId,
    }));
    await this.ctx.writer.add(child.name, items, [], {
      replaceChildren: [
        { column: child.parent!.key, parentIds: [parentId], account: this.account.id, version },
      ],
    });
  }

  private finished = false;
  private readonly failed = new Set<string>();

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const chain = this.doneChain;
    this.doneChain = chain.then(() => this.opts.onDone?.(this.failed));
  }

  /** Resolves when every window's pages (and their children) are queued to the writer. */
  async settled(): Promise<void> {
    await this.doneChain;
  }
}

function replaceWindow(bf: NonNullable<StreamState['backfill']>, w: WindowState): void {
  const i = bf.windows.findIndex((x) => x.id === w.id);
  if (i >= 0) bf.windows[i] = { ...w, gte: Math.max(bf.windows[i]!.gte, w.gte) };
}

function isMissingCursor(err: unknown): boolean {
  const e = (err as { cause?: unknown })?.cause ?? err;
  const s = err instanceof StripeApiError ? err : e instanceof StripeApiError ? e : undefined;
  return s !== undefined && s.status === 400 && s.code === 'resource_missing';
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((a, b) => {
    resolve = a;
    reject = b;
  });
  // A failed child task also fails the scheduler group; the page chain must not raise an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Errors that fail one stream but not the run: permissions and non-retryable API errors. */
function isStreamLevel(err: unknown): boolean {
  return err instanceof StripeApiError && !(err instanceof StripeAuthError);
}
