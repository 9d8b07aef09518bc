/**
 * Group commit for the DuckDB destination. Consecutive writes share one transaction, committed when
 * - a table has received ROW_GROUP_SIZE rows in it (a direct append is split at that row: the first
 *   part commits with the group, the rest opens the next one; duckdbMerge.ts RowGroupBudget);
 * - the group is `maxAgeMs` old (at the next write, or by a timer when writes pause);
 * - uncommitted and uncheckpointed data hold more than `maxBytes`;
 * - anything else is asked of the destination (flush, reads, run records, DDL, close).
 * Each write's rows still commit atomically with its state records; a write that has resolved is
 * durable at the latest by the next of those points (`Destination.flush`). The state records of the
 * group's writes are upserted once, the latest per stream, just before its COMMIT: an UPDATE of
 * `_stripe_elt_state` inside a group holding tens of MB of appended rows took 2–10 ms (1 ms alone), one
 * per write (load bench, 200k charge rows: 40 UPDATEs took 365 ms; once per group, 8 took 16–29 ms).
 *
 * Why: DuckDB writes a committed append to the WAL, uncompressed, then again, compressed, at the next
 * checkpoint; but a transaction that appends a full row group (ROW_GROUP_SIZE rows) to a table writes it
 * compressed straight into the file ("optimistic write", LocalStorage::Flush in DuckDB's
 * local_storage.cpp) and logs only where it went. Load bench, 200k charge rows in 5 000-row writes:
 * 31k rows/s committing each write (COMMIT 0.85 s and checkpoints 0.88 s per 100k rows) against 41k
 * rows/s in groups. It matters more as the table grows: at 500k rows, checkpoints of the growing
 * table took 23.7 s (14k rows/s) where groups kept 39k rows/s. Commits exactly at a row-group boundary,
 * because a group that commits more than a row group leaves a partial row group behind, which a later
 * checkpoint merges with its neighbours by rewriting them (7 s on close after 500k rows).
 *
 * A commit that our own memory-bounding checkpoint would follow checkpoints itself instead, and then
 * DuckDB skips writing its changes to the WAL (`auto_checkpoint_skip_wal_threshold`): the data is written
 * once, compressed (200k rows: 39–41k rows/s with the WAL written then checkpointed, 46k without). Not
 * for a group that filled a row group: that data is on disk already.
 *
 * A group that a write makes due commits in the background: the write returns once the COMMIT is sent,
 * and the next call of any kind waits for it (`settle`). So the caller builds its next rows on the Node
 * thread while DuckDB commits and checkpoints on its own (load bench, 200k charge rows with their
 * building: 16.4–17.1 s end to end against 18.0–19.3 s, alternating runs; the time spent inside `write`
 * 5.6–6.1 s against 7.5–7.8 s). A failed background COMMIT rolls back like any other (`lost`, below).
 * The next write, which would wait for it, first encodes its rows for their appends while it runs
 * (duckdbDestination.ts `encodeAhead`).
 *
 * The commit is not overlapped with the next group's appends. Tried (2026-12-05): the commit of one
 * group on one connection while the next group appends on a second. DuckDB's checkpoint excludes
 * writers for its whole duration: an appender's flush on the other connection, even into another table,
 * waited until the checkpointing commit finished (a 2,000-row flush took as long as the commit's
 * remaining ~50–85 ms; `flushSync` blocks the Node thread meanwhile). Load bench: 31.0k / 28.8k rows/s
 * against 30–34k on one connection. A plain COMMIT (WAL) would not hold that lock, but the checkpoint
 * that must follow costs as much again (above).
 *
 * If a statement fails, the whole group rolls back, with the writes of it that had already resolved.
 * Their state records were rolled back with their rows, so the database stays consistent, but the
 * caller believes them saved: every later write and flush then fails (`lost`, not retryable) and the
 * next sync resumes from the last commit.
 */
import { EltError } from '../../errors.js';
import type { StateRecord } from '../../state/syncState.js';
import { upsertState } from '../sql/stateTable.js';
import { type BlockCache, memoryUsage } from './blockCache.js';
import { wrapDuckDbError } from './duckdbErrors.js';
import type { DuckDbExecutor } from './duckdbExecutor.js';
import type { RowGroupBudget } from './duckdbMerge.js';
import { ROW_GROUP_SIZE } from './instanceCache.js';

/** Bytes of table data DuckDB holds in memory: uncommitted, or committed and not yet checkpointed. */
async function heldInMemory(exec: DuckDbExecutor): Promise<number> {
  return (await memoryUsage(exec)).unwritten;
}

export interface CommitGroupOptions {
  /** The longest a resolved write waits for its commit (0: every write commits on its own). */
  maxAgeMs: number;
  /** Commit once DuckDB holds more table data in memory than this. */
  maxBytes: number;
  /** Checkpoint after a commit once DuckDB still holds more than this (0: never). */
  checkpointBytes: number;
  /** Runs `fn` when the connection is free (the destination's serial queue), for the idle timer. */
  exclusive: (fn: () => Promise<void>) => Promise<void>;
  /** Schema of `_stripe_elt_state`. */
  schema: string;
  /** Trimmed after every commit (blockCache.ts): what the commit and its checkpoint loaded. */
  cache?: BlockCache;
  /**
   * Detaches and attaches the database again, dropping the row-group metadata DuckDB accumulates
   * (instanceCache.ts `reattach`); called after every REATTACH_EVERY-th checkpoint of a commit.
   */
  reattach?: () => Promise<unknown>;
}

/**
 * Checkpoints between reattaches. A reattach costs ~25 ms and the reads that reload what the next
 * statements need; checkpoints come every few seconds on a rate-bound backfill.
 */
const REATTACH_EVERY = 3;

interface Group {
  startedAt: number;
  /** Writes in the group that have resolved: lost if it rolls back. */
  acked: number;
  /** Rows appended per table in the group. */
  appended: Map<string, number>;
  /** State records of the group's writes, in order: upserted (the latest per stream) before its COMMIT. */
  state: StateRecord[];
}

/**
 * Unwritten memory a run of ADD COLUMNs may add before a checkpoint writes it out (`alterations`).
 *
 * Why: DuckDB fills a new column of every existing row group with NULLs in memory (a block of values and
 * one of validity per row group) until the next checkpoint writes it, compressed to nearly nothing. Our
 * tables hold many small row groups (a checkpoint starts a new one per table, and vacuum is off:
 * duckdbDestination.ts), and `customers` gains many metadata columns at once when a new account's keys
 * appear: on the `large` backfill, 14.7k customers in 29 row groups took ~3.7 MB per added column, and a
 * flush adding 69 columns left 150 MB unwritten; the commit and checkpoint after it raised the process
 * from ~400 to 530 MB. Replayed on a copy of that file (69 columns): one checkpoint at the end peaked
 * 317 MB above the start, one every 8 columns 174 MB, every 4 123 MB (1.1 s), every 2 78 MB (1.65 s),
 * after each 56 MB (2.9 s). A column added to a small table costs ~128 kB and waits for the next one.
 */
const ALTER_STEP = 2 * 2 ** 20;

/** The open group of one connection. Every method runs while the caller holds the connection. */
export class CommitGroups {
  private group: Group | null = null;
  /** A commit sent by `resolved` and still running (see `commit`). */
  private pending: Promise<void> | null = null;
  /**
   * What failed after such a commit's COMMIT succeeded (its checkpoint, say): nothing is lost, but the
   * next call reports it once, as the write that made the group due would have.
   */
  private failure: EltError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private threshold: string | undefined;
  private checkpoints = 0;
  /** Set when a group rolled back after some of its writes had resolved, or a reattach failed. */
  lost: EltError | undefined;

  constructor(
    private readonly exec: DuckDbExecutor,
    private readonly opts: CommitGroupOptions,
  ) {}

  /** Whether a commit left running by a write (`commit(…, true)`) may still be running. */
  get committing(): boolean {
    return this.pending !== null;
  }

  /** Joins the open group, or opens one. */
  async open(): Promise<void> {
    await this.settle();
    if (this.lost) throw this.lost;
    if (this.group) return;
    await this.exec.query('BEGIN TRANSACTION');
    this.group = { startedAt: performance.now(), acked: 0, appended: new Map(), state: [] };
  }

  /** A write's state records: they commit with the open group (call before `resolved`). */
  defer(state: readonly StateRecord[]): void {
    if (state.length > 0) this.group?.state.push(...state);
  }

  /** What the loader needs to split an append at the row-group boundary. */
  budget(): RowGroupBudget {
    return {
      room: (table) => ROW_GROUP_SIZE - (this.group?.appended.get(table) ?? 0),
      appended: (table, rows) => {
        const g = this.group;
        if (g) g.appended.set(table, (g.appended.get(table) ?? 0) + rows);
      },
      commit: async () => {
        await this.commit();
        await this.open();
      },
    };
  }

  /** A write of the group succeeded: commits the group if it is due, else makes sure a timer will. */
  async resolved(): Promise<void> {
    const g = this.group;
    if (!g) return;
    g.acked++;
    let due = this.opts.maxAgeMs <= 0 || performance.now() - g.startedAt >= this.opts.maxAgeMs;
    if (this.filledRowGroup(g)) due = true;
    let held: number | undefined;
    if (!due) {
      held = await heldInMemory(this.exec);
      due = held > this.opts.maxBytes;
    }
    if (due) return this.commit(held, true);
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        // A failure is kept in `lost` for the next write or flush.
        void this.opts.exclusive(() => this.commit()).catch(() => {});
      },
      Math.max(0, g.startedAt + this.opts.maxAgeMs - performance.now()),
    );
    this.timer.unref();
  }

  /**
   * Commits the open group, if any, then checkpoints if too much is still held in memory. `held`: what
   * heldInMemory returned just before, if the caller asked. `background`: returns once the COMMIT is
   * sent, so that the caller can build its next rows while DuckDB commits and checkpoints on its own
   * thread; every later call waits for it first (`settle`), and a failure is kept in `lost`.
   */
  async commit(held?: number, background = false): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.settle();
    const g = this.group;
    if (!g) return;
    const limit = this.opts.checkpointBytes;
    let checkpointing = false;
    try {
      if (g.state.length > 0) await upsertState(this.exec, this.opts.schema, g.state);
      checkpointing =
        limit > 0 && !this.filledRowGroup(g) && (held ?? (await heldInMemory(this.exec))) > limit;
      if (checkpointing) await this.lowerThreshold();
    } catch (err) {
      await this.abandon(err);
      throw err;
    }
    this.group = null;
    // Sends the COMMIT before it returns to us (an async function runs up to its first await).
    const done = this.finish(g, checkpointing);
    if (!background) return done;
    this.pending = done.catch((err: unknown) => {
      // A failed COMMIT is in `lost` (the group's writes had resolved).
      if (!this.lost) this.failure = wrapDuckDbError(err, 'after a commit');
    });
  }

  /**
   * Waits for a commit left running by `commit(…, true)`. A failed COMMIT is in `lost`; a failure after a
   * successful one is thrown here, once.
   */
  async settle(): Promise<void> {
    while (this.pending) {
      const p = this.pending;
      await p;
      if (this.pending === p) this.pending = null;
    }
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }

  /** The COMMIT of `g` (the group's transaction) and what follows: checkpoint, reattach, cache trim. */
  private async finish(g: Group, checkpointing: boolean): Promise<void> {
    const limit = this.opts.checkpointBytes;
    try {
      await this.exec.query('COMMIT');
    } catch (err) {
      await this.rollBack(g, err);
      throw err;
    } finally {
      if (checkpointing) await this.restoreThreshold();
    }
    // One read serves the checkpoint decision and, when no checkpoint follows, the cache trim.
    let usage = limit > 0 || this.opts.cache ? await memoryUsage(this.exec) : undefined;
    let checkpointed = checkpointing;
    if (limit > 0 && usage!.unwritten > limit) {
      await this.exec.query('CHECKPOINT');
      usage = undefined;
      checkpointed = true;
    }
    if (checkpointed && this.opts.reattach && ++this.checkpoints % REATTACH_EVERY === 0) {
      try {
        await this.opts.reattach();
      } catch (err) {
        // The file may be detached now: nothing more can be written through this connection.
        const cause = wrapDuckDbError(err, 'attaching the database file again');
        const message = `${cause.message}; everything committed is saved: run the sync again`;
        this.lost = new EltError(message, false, { cause });
        throw this.lost;
      }
      usage = undefined;
    }
    await this.opts.cache?.trim(usage);
  }

  /**
   * For a run of ADD COLUMNs outside any group: returns a function to call after each, which
   * checkpoints once they have added more than ALTER_STEP of unwritten memory (none when checkpoints
   * are off).
   */
  async alterations(): Promise<() => Promise<void>> {
    if (this.opts.checkpointBytes <= 0) return async () => {};
    let base = (await memoryUsage(this.exec)).unwritten;
    return async () => {
      if ((await memoryUsage(this.exec)).unwritten - base <= ALTER_STEP) return;
      await this.exec.query('CHECKPOINT');
      base = (await memoryUsage(this.exec)).unwritten;
    };
  }

  /** Rolls the open group back after `err`; remembers the loss if writes of it had resolved. */
  async abandon(err: unknown): Promise<void> {
    const g = this.group;
    this.group = null;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.rollBack(g, err);
  }

  /** Rolls back the open transaction after `err`; remembers the loss if writes of `g` had resolved. */
  private async rollBack(g: Group | null, err: unknown): Promise<void> {
    await this.exec.query('ROLLBACK').catch(() => {});
    if (g && g.acked > 0 && !this.lost) {
      const cause = wrapDuckDbError(err, 'committing');
      this.lost = new EltError(
        `duckdb: ${g.acked} earlier write(s) rolled back with a failed one (${cause.message}); nothing since the last commit was saved: run the sync again, it resumes from there`,
        false,
        { cause },
      );
    }
  }

  /** Stops the idle timer (the destination is closing). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private filledRowGroup(g: Group): boolean {
    for (const n of g.appended.values()) if (n >= ROW_GROUP_SIZE) return true;
    return false;
  }

  /**
   * Lowers the checkpoint threshold so that the next COMMIT checkpoints (restoreThreshold puts it back
   * after the COMMIT).
   */
  private async lowerThreshold(): Promise<void> {
    // Read once: DuckDB prints it rounded (256MB → "244.1 MiB", re-read as 244.0), so restoring what was
    // read each time would lower it a little every time.
    this.threshold ??= String(
      (await this.exec.query(`SELECT current_setting('checkpoint_threshold')`)).rows[0]![0],
    );
    await this.exec.query(`SET checkpoint_threshold = '1KB'`);
  }

  private async restoreThreshold(): Promise<void> {
    await this.exec.query(`SET checkpoint_threshold = '${this.threshold!.replace(/'/g, "''")}'`);
  }
}
