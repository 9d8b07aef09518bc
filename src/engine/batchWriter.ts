/**
 * Moves objects from the API side to the destination in bounded batches. Producers (window pagers, the
 * events pass) `add` items with the state updates they imply; a flush turns the buffered objects into
 * rows (evolving table shapes first), and commits rows + state in one destination write. Flushes are
 * serialized, and producers wait when the buffer is full, so memory is bounded by `maxBufferedRows`
 * whatever the account size.
 *
 * Backpressure in `add` alone bounds the buffer, not what waits to enter it: every request in flight
 * when the buffer fills still lands its page and holds it until there is room. So requests are also
 * admitted (`reserve`) before they are sent, against rows buffered plus rows promised to requests
 * already admitted (`maxPendingRows`).
 */

import type { Batch, Destination, WriteStats } from '../destinations/destination.js';
import type { Row } from '../schema/rowBuilder.js';
import { failpoint } from './failpoints.js';
import type { StateStore, StateUpdate } from './stateStore.js';
import type { TableModel } from './tableModel.js';

export interface Item {
  obj: Record<string, unknown>;
  account: string;
  version: number;
  deleted: boolean;
  parentId?: string;
  index?: number;
}

type ReplaceChildren = Omit<NonNullable<Batch['replaceChildren']>, 'syncedAt'>;

export interface TableWork {
  items: Item[];
  replaceChildren: ReplaceChildren[];
  sweeps: NonNullable<Batch['sweep']>[];
}

interface BufferedTable extends TableWork {
  /** replaceChildren entries by column/account/version, to merge parents into one statement. */
  replaceIndex: Map<string, ReplaceChildren>;
}

export interface WriterOptions {
  batchRows: number;
  maxBufferedRows: number;
  /**
   * Rows buffered plus rows reserved by admitted requests beyond which `reserve` waits (default
   * `maxBufferedRows`). What the extractor holds is at most this plus the batch being written.
   */
  maxPendingRows?: number;
  now: () => number;
  signal?: AbortSignal;
}

/** Counts per `${account}/${table}`, reported in run records. */
export type StreamStats = Map<string, { inserted: number; updated: number; deleted: number }>;

export class BatchWriter {
  private work = new Map<string, BufferedTable>();
  private updates: StateUpdate[] = [];
  private buffered = 0;
  private flushing: Promise<void> | undefined;
  private waiters: (() => void)[] = [];
  /** Rows promised to admitted requests that have not given their reservation back yet. */
  private reserved = 0;
  private admissions: Admission[] = [];
  private failure: unknown;
  readonly stats: StreamStats = new Map();
  /** Writes done and the time they took (ms), for debug logs. */
  private writes = { count: 0, ms: 0, maxMs: 0 };
  /** Optional observer of committed rows (progress bars). */
  onCommitted?: (table: string, rows: number) => void;

  constructor(
    private readonly destination: Destination,
    private readonly tables: ReadonlyMap<string, TableModel>,
    private readonly state: StateStore,
    private readonly opts: WriterOptions,
  ) {}

  private table(name: string): BufferedTable {
    let w = this.work.get(name);
    if (!w) {
      w = { items: [], replaceChildren: [], sweeps: [], replaceIndex: new Map() };
      this.work.set(name, w);
    }
    return w;
  }

  /** Queue items and state; resolves when there is room again (backpressure). */
  async add(
    table: string,
    items: Item[],
    updates: StateUpdate[] = [],
    extra: Partial<Omit<TableWork, 'items'>> = {},
  ): Promise<void> {
    this.throwIfFailed();
    const w = this.table(table);
    for (const it of items) w.items.push(it);
    for (const rc of extra.replaceChildren ?? []) {
      // One statement per (parent column, account, version) instead of one per parent: a backfill page
      // of 100 customers yields one child replacement per child stream, not 100 (each is a table scan).
      const key = `${rc.column}\u0000${rc.account}\u0000${rc.version}`;
      const same = w.replaceIndex.get(key);
      if (same) same.parentIds.push(...rc.parentIds);
      else {
        const copy = { ...rc, parentIds: [...rc.parentIds] };
        w.replaceIndex.set(key, copy);
        w.replaceChildren.push(copy);
      }
    }
    if (extra.sweeps) w.sweeps.push(...extra.sweeps);
    this.updates.push(...updates);
    this.buffered += items.length;
    if (this.buffered >= this.opts.batchRows) this.kick();
    while (this.buffered >= this.opts.maxBufferedRows && !this.failure) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.throwIfFailed();
  }

  /**
   * Admission control: wait until `rows` more fit under `maxPendingRows` (counting rows buffered and rows
   * reserved by requests admitted before), then reserve them. Call the returned function once the
   * request's rows are added, or it failed (idempotent). Requests are admitted first come, first served;
   * one request is always admitted when none holds a reservation and the buffer has room, so an estimate
   * above the limit cannot block forever. Rejects when the writer failed or `signal` aborts.
   *
   * Why before the request and not after: in the `large` benchmark four accounts at 95 req/s each
   * (their own rate limits) outran the writer in the first minute; the buffer filled and every
   * in-flight page (up to 4 accounts × 50 slots × 100 objects) waited in `add`: 150–200 MB of JS heap
   * in use in the first seconds of three live runs, against at most 111 MB with admission.
   */
  async reserve(rows: number, signal?: AbortSignal): Promise<() => void> {
    this.throwIfFailed();
    signal?.throwIfAborted();
    if (this.admissions.length === 0 && this.fits(rows)) return this.grant(rows);
    return new Promise<() => void>((resolve, reject) => {
      const onAbort = () => {
        this.admissions = this.admissions.filter((x) => x !== entry);
        reject(signal?.reason);
        this.admit();
      };
      const entry: Admission = {
        rows,
        resolve: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.admissions.push(entry);
    });
  }

  private fits(rows: number): boolean {
    const limit = this.opts.maxPendingRows ?? this.opts.maxBufferedRows;
    return (
      this.buffered + this.reserved + rows <= limit ||
      (this.reserved === 0 && this.buffered < this.opts.maxBufferedRows)
    );
  }

  private grant(rows: number): () => void {
    this.reserved += rows;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.reserved -= rows;
      this.admit();
    };
  }

  /** Admit waiting requests in order while they fit (after rows left the buffer or a reservation ended). */
  private admit(): void {
    if (this.failure) {
      const all = this.admissions;
      this.admissions = [];
      for (const a of all) a.reject(this.failure);
      return;
    }
    while (this.admissions.length > 0 && this.fits(this.admissions[0]!.rows)) {
      const a = this.admissions.shift()!;
      a.resolve(this.grant(a.rows));
    }
  }

  /** Buffer fill, producers waiting for room, and write timings so far: for periodic debug logs. */
  snapshot(): {
    buffered: number;
    reserved: number;
    admitting: number;
    waiting: number;
    writing: boolean;
    writes: number;
    writeMs: number;
    maxWriteMs: number;
  } {
    return {
      buffered: this.buffered,
      reserved: this.reserved,
      admitting: this.admissions.length,
      waiting: this.waiters.length,
      writing: this.flushing !== undefined,
      writes: this.writes.count,
      writeMs: Math.round(this.writes.ms),
      maxWriteMs: Math.round(this.writes.maxMs),
    };
  }

  /** State-only change (a window that turned out empty, a cursor move). */
  async update(updates: StateUpdate[]): Promise<void> {
    await this.add('', [], updates);
  }

  /** Write everything buffered and wait until it is durable (Destination.flush). */
  async flush(): Promise<void> {
    for (;;) {
      if (this.flushing) await this.flushing;
      this.throwIfFailed();
      if (this.buffered === 0 && this.updates.length === 0 && ![...this.work.values()].some(hasWork)) break;
      this.kick();
    }
    await this.destination.flush(this.opts.signal);
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flushOnce()
      .catch((err: unknown) => {
        this.failure = err;
        this.admit();
      })
      .finally(() => {
        this.flushing = undefined;
        const w = this.waiters;
        this.waiters = [];
        for (const resolve of w) resolve();
        if (!this.failure && this.buffered >= this.opts.batchRows) this.kick();
      });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private async flushOnce(): Promise<void> {
    const work = this.work;
    const updates = this.updates;
    this.work = new Map();
    this.updates = [];
    this.buffered = 0;
    this.admit();
    const batches: Batch[] = [];
    /** `${account}/${table}` each batch's counts belong to. */
    const owners: string[] = [];
    const evolutions: StateUpdate[] = [];
    const syncedAt = this.opts.now();
    for (const [name, w] of work) {
      if (name === '' || !hasWork(w)) continue;
      const model = this.tables.get(name);
      if (!model) throw new Error(`no table model for ${name}`);
      const evo = model.evolve(w.items.map((i) => i.obj));
      if (evo) {
        await this.destination.ensureTables([model.spec], this.opts.signal);
        evolutions.push(evo.update);
      }
      const byAccount = new Map<string, Row[]>();
      for (const i of w.items) {
        const row = model.row(i.obj, {
          account: i.account,
          syncedAt,
          version: i.version,
          deleted: i.deleted,
          parentId: i.parentId,
          index: i.index,
        });
        const rows = byAccount.get(i.account) ?? [];
        rows.push(row);
        byAccount.set(i.account, rows);
      }
      for (const [account, rows] of byAccount) {
        batches.push({ table: model.spec, rows });
        owners.push(`${account}/${name}`);
      }
      // Child replacement and sweeps run after the rows of this write (same transaction).
      for (const rc of w.replaceChildren) {
        batches.push({ table: model.spec, rows: [], replaceChildren: { ...rc, syncedAt } });
        owners.push(`${rc.account}/${name}`);
      }
      for (const sw of w.sweeps) {
        batches.push({ table: model.spec, rows: [], sweep: sw });
        owners.push(`${sw.account}/${name}`);
      }
    }
    const staged = this.state.stage([...evolutions, ...updates]);
    failpoint('writer.beforeWrite');
    const t0 = performance.now();
    const stats = await this.destination.write(batches, staged.records, this.opts.signal);
    const ms = performance.now() - t0;
    this.writes.count++;
    this.writes.ms += ms;
    this.writes.maxMs = Math.max(this.writes.maxMs, ms);
    failpoint('writer.afterWrite');
    staged.commit();
    for (const [name, w] of work)
      if (name !== '' && w.items.length > 0) this.onCommitted?.(name, w.items.length);
    attribute(this.stats, owners, batches, stats);
  }
}

interface Admission {
  rows: number;
  resolve(release: () => void): void;
  reject(error: unknown): void;
}

function hasWork(w: TableWork): boolean {
  return w.items.length > 0 || w.replaceChildren.length > 0 || w.sweeps.length > 0;
}

/** Credit each batch's counts to its account and table (proportionally by rows if only totals came back). */
function attribute(stats: StreamStats, owners: string[], batches: Batch[], total: WriteStats): void {
  const rows = batches.reduce((n, b) => n + b.rows.length, 0) || 1;
  owners.forEach((owner, i) => {
    const s = stats.get(owner) ?? { inserted: 0, updated: 0, deleted: 0 };
    stats.set(owner, s);
    const exact = total.perBatch?.[i];
    if (exact) {
      s.inserted += exact.inserted;
      s.updated += exact.updated;
      s.deleted += exact.deleted;
    } else {
      const share = batches[i]!.rows.length / rows;
      s.inserted += Math.round(total.inserted * share);
      s.updated += Math.round(total.updated * share);
      s.deleted += Math.round(total.deleted * share);
    }
  });
}
