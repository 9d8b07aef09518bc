/**
 * DuckDB destination (issue #3), the default (`duckdb:./stripe.duckdb`): tables in the file's `main`
 * schema, batches loaded with the appender, straight into the table when every key is new, else into
 * temp staging and one merge per table (duckdbMerge.ts); consecutive writes share one transaction until
 * a commit point, which also upserts their state records into `_stripe_elt_state` (commitGroups.ts). One
 * instance per file per process (instanceCache.ts) and one connection per destination, used by one
 * operation at a time.
 *
 * AbortSignal: an abort during an operation interrupts the running statement
 * (duckdb_interrupt via DuckDBConnection.interrupt) and the transaction is rolled back.
 */
// First: it configures DuckDB's allocator before the native library loads.
import './allocatorConf.js';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Row } from '../../schema/rowBuilder.js';
import type { TableSpec } from '../../schema/tableSpec.js';
import type { StateRecord } from '../../state/syncState.js';
import type { Batch, Destination, DestinationCapabilities, RunRecord, WriteStats } from '../destination.js';
import { countRows, dropTable, existingColumns, selectRows } from '../sql/catalogQueries.js';
import { addColumnSql, createTableSql, missingColumns } from '../sql/ddl.js';
import { checkTableSpec } from '../sql/identifiers.js';
import { applyMigrations, loadMigrations } from '../sql/migrations.js';
import { readRunRecords, upsertRun } from '../sql/runsTable.js';
import { deleteState, readStateRecords } from '../sql/stateTable.js';
import { writeBatches } from '../sql/writeBatches.js';
import { BlockCache } from './blockCache.js';
import { type CommitGroupOptions, CommitGroups } from './commitGroups.js';
import { DUCKDB_MAX_IDENTIFIER, duckdbDialect } from './duckdbDialect.js';
import { wrapDuckDbError } from './duckdbErrors.js';
import { DuckDbExecutor, Serial } from './duckdbExecutor.js';
import { DuckDbBatchLoader, type Prepared, releasePrepared, splitAt, type TableKeys } from './duckdbMerge.js';
import { acquireInstance, type InstanceLease, MEMORY, ROW_GROUP_SIZE } from './instanceCache.js';

const SCHEMA = 'main';

export interface DuckDbOptions {
  /**
   * DuckDB settings for the instance (duckdb.org/docs/stable/configuration/overview), e.g. `threads`,
   * `memory_limit`. They apply when this process first opens the file.
   */
  settings?: Record<string, string>;
  /**
   * Append batches whose keys are all new straight into the stream table (duckdbMerge.ts): 24k instead
   * of 18k charge rows/s in the load bench (5 000-row batches, one thread). On by default. (It was off
   * for a while because a crash test lost rows after a SIGKILL; the cause turned out to be the engine's
   * window-split checkpoint, fixed in backfill.ts, and the test passes on both paths.)
   */
  directAppend?: boolean;
  /**
   * Checkpoint after a commit once the data written since the last checkpoint holds more than this in
   * memory (0: only DuckDB's own WAL-size trigger). See DEFAULT_CHECKPOINT_MEMORY.
   */
  checkpointMemoryBytes?: number;
  /**
   * Group commit (commitGroups.ts): the longest a resolved write waits for its commit, in ms. 0 commits
   * every write on its own. Default DEFAULT_GROUP_COMMIT_MS.
   */
  groupCommitMs?: number;
  /** Group commit: commit once uncommitted plus uncheckpointed data holds more memory than this. */
  groupMemoryBytes?: number;
  /**
   * Cached blocks of the database file kept after a commit (blockCache.ts); 0 keeps them until the
   * memory limit evicts them. Default DEFAULT_BLOCK_CACHE.
   */
  blockCacheBytes?: number;
}

/** Group commit (commitGroups.ts): a resolved write is durable within this many ms. */
export const DEFAULT_GROUP_COMMIT_MS = 10_000;
/**
 * Group commit: commit once uncommitted and uncheckpointed table data hold this much. It bounds what a
 * rate-bound backfill keeps in DuckDB, where writes trickle into forty tables and no group comes near a
 * full row group; bulk loads commit at each full row group before reaching it (a RowGroupBudget split,
 * commitGroups.ts), so the load bench is the same at 48 and 96 MB (200k charge rows: 19.4k / 18.6k
 * against 20.7k / 18.2k rows/s, alternating runs on one boot). Live `large` runs, first 100 s (four
 * accounts, the most demanding phase): with 96 / 64 MB DuckDB held up to 160–211 MB and the process
 * peaked at 505–537 MB; with 48 / 32 MB up to 110–127 MB and 437–468 MB. DuckDB's memory outside its
 * buffer pool (query state, allocator pages) moves with it: ~70 MB more is freed at each checkpoint.
 */
const DEFAULT_GROUP_MEMORY = 48 * 2 ** 20;

/**
 * Cached file blocks kept after a commit (blockCache.ts). Enough for the key columns that the next
 * writes' probes and child replacements scan on most tables; the rest is re-read from the OS cache.
 */
const DEFAULT_BLOCK_CACHE = 32 * 2 ** 20;

/**
 * Rows written since the last checkpoint stay in memory, uncompressed, until the next checkpoint (DuckDB's
 * `IN_MEMORY_TABLE` and `OVERFLOW_STRINGS` in duckdb_memory()), and cannot be evicted. How much memory a
 * megabyte of WAL holds depends on the tables: a sync appends to forty tables of up to a hundred
 * mostly empty columns, and each column of each table takes at least a block; on the `medium` seed
 * 6 MB of WAL held 226 MB. So the WAL size (checkpoint_threshold) is a poor bound, and the destination
 * also checkpoints when this memory passes DEFAULT_CHECKPOINT_MEMORY. A single-table load with a
 * high threshold then still checkpoints rarely (a checkpoint rewrites each table's open row group, so
 * frequent ones are costly: 100k charge rows loaded at ~12k rows/s with a 16 MB threshold against ~25k).
 * 32 MB with the 48 MB group cap (measurements at DEFAULT_GROUP_MEMORY).
 */
const DEFAULT_CHECKPOINT_MEMORY = 32 * 2 ** 20;

/**
 * - `checkpoint_threshold`: WAL size that triggers an automatic checkpoint. DuckDB's default (16 MB)
 *   checkpoints every few batches during a backfill, and each checkpoint rewrites the table's last, partly
 *   filled row group; with 256 MB, 100k charge rows loaded in 7.1 s instead of 15.5 s (and a 70 MB file
 *   instead of 132 MB), at the cost of a larger WAL to replay after a crash. Memory is bounded by
 *   the destination's own checkpoints instead (DEFAULT_CHECKPOINT_MEMORY, commitGroups.ts).
 * - `threads`: one. A batch (5 000 rows) is far below a row group (instanceCache.ts), DuckDB's unit of
 *   parallel work, so its statements run on one thread anyway, and the idle workers only cost CPU that
 *   the Node thread building the next rows needs: 200k charge rows took 14.0 CPU-s in 22.3 s with one
 *   thread against 21.3 CPU-s in 36.0 s with DuckDB's default (one per core) on a 2-core machine.
 *   `settings` can raise it, e.g. for a sync whose merges scan very large tables.
 * - `default_block_size`: 64 kB blocks for a new file (duckdb.org/docs/stable/sql/statements/attach,
 *   BLOCK_SIZE) instead of 256 kB. Data not yet checkpointed takes at least a block per column of
 *   every table written, and a sync writes forty tables of up to a hundred columns: with 256 kB a
 *   `medium` sync (limits off) peaked at 730–750 MB resident, with 64 kB at 548–675 MB, with 16 kB at
 *   609–652 MB (the spread is run to run). But a block also bounds a compressed column segment, and
 *   each segment is analysed and compressed on its own: with 16 kB the load bench (200k charge rows)
 *   ran at 44–50k rows/s against 50–57k with 64 kB (52k with 256 kB). A file keeps the block size it
 *   was created with.
 * - `allocator_background_threads`: jemalloc's own thread purges freed pages of idle arenas. DuckDB's
 *   worker threads do that when they idle (TaskScheduler::ExecuteForever → Allocator::ThreadFlush), but
 *   with `threads=1` there are none, and jemalloc otherwise purges only while it allocates: during a
 *   rate-bound sync DuckDB idles between writes and kept ~110 MB of freed pages resident (jemalloc
 *   stats mid-run on `large`: 19 MB allocated, 132 MB resident). With the thread: 11–36 MB above
 *   what is allocated.
 * - `max_vacuum_tasks`: none. Since DuckDB 1.4 rows appended to a table after a checkpoint go into a
 *   new row group (github.com/duckdb/duckdb/pull/18829), and each checkpoint then merges the small
 *   trailing row groups of every table it touches ("vacuum"), reading them back and rebuilding them in
 *   memory, whole row groups of wide JSON columns at a time: on a rate-bound `large` backfill those
 *   checkpoints took 1.5–3.5 s every ~12 s and raised DuckDB's memory from ~100 to ~500 MB each time
 *   (OVERFLOW_STRINGS up to 340 MB), the process to 730–820 MB. Without vacuum they took 0.4–0.75 s;
 *   a one-account run peaked at ~420 MB, the four-account bench at ~500 MB. The cost is more, smaller
 *   row groups in tables that grow slowly (one per checkpoint that touched them); bulk loads still
 *   write full row groups (the load bench is unchanged), and stream tables never lose rows (soft
 *   deletes are updates; `reset` drops the table), the other thing vacuum reclaims.
 */
const DEFAULT_SETTINGS: Record<string, string> = {
  checkpoint_threshold: '256MB',
  threads: '1',
  default_block_size: '65536',
  allocator_background_threads: 'true',
  max_vacuum_tasks: '0',
};

/**
 * `memory_limit` for a database file (not `:memory:`, which has no file to evict pages to): DuckDB's
 * default, 80% of RAM, lets its buffer pool keep every block it has read or written, and a sync touches
 * the whole file (checkpoints rewrite each table's open row group, key probes scan key columns), so
 * resident memory grew with the file: 1.6–1.9 GB peak on the `large` seed (1.25M rows) against a JS
 * heap of 30–150 MB. Capped, DuckDB evicts clean pages (they stay in the OS page cache, outside our
 * resident set) and spills to `<file>.tmp`. Data written since the last checkpoint is held in memory,
 * which is why commitGroups.ts checkpoints past a quarter of the limit: with the WAL-size checkpoint
 * alone, 256 MB failed ("failed to pin block") in an incremental merge.
 *
 * 512 MB: 128 MB took the `large` backfill (rate-bound) from ~900 MB peak resident to 485–563 MB (with
 * one jemalloc arena, allocatorConf.ts), but under it DuckDB ran out of memory in the ground-truth
 * tests' incremental merges on `medium` ("failed to pin block"; with the group cap at half the limit as
 * now, and with it at 256 MB also while committing and in the fault test).
 * DUCKDB_MEMORY_LIMIT (`settings.memory_limit`) overrides it; an out-of-memory failure names it.
 */
export const DEFAULT_FILE_MEMORY_LIMIT = '512MB';

const UNITS: Record<string, number> = { bytes: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/**
 * The instance's memory_limit in bytes (DuckDB prints it as e.g. "488.2 MiB"). The group and checkpoint
 * thresholds are kept to a half and a quarter of it, so that a smaller DUCKDB_MEMORY_LIMIT leaves room
 * for what a commit needs: DuckDB spills uncommitted appended rows past the limit to `<file>.tmp`, but
 * not what a commit holds for updates and deletes (with the group cap left at 256 MB under a 128 MB
 * limit, the ground-truth and fault tests failed with "Out of Memory Error" while committing).
 */
async function memoryLimitBytes(connection: DuckDBConnection): Promise<number> {
  const shown = String(
    (await connection.runAndReadAll(`SELECT current_setting('memory_limit')`)).getRows()[0]![0],
  );
  const m = /^([\d.]+)\s*([a-z]+)$/i.exec(shown.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit ? Number(m[1]) * unit : Number.POSITIVE_INFINITY;
}

/** What this process knows of each table's keys, per instance: every destination on a file shares it. */
const tableKeys = new WeakMap<DuckDBInstance, Map<string, TableKeys>>();

function tableKeysOf(instance: DuckDBInstance): Map<string, TableKeys> {
  let m = tableKeys.get(instance);
  if (!m) {
    m = new Map();
    tableKeys.set(instance, m);
  }
  return m;
}

export class DuckDbDestination implements Destination {
  readonly capabilities: DestinationCapabilities = {
    name: 'duckdb',
    transactional: true,
    maxIdentifierLength: DUCKDB_MAX_IDENTIFIER,
  };
  private readonly dialect = duckdbDialect;
  private readonly serial = new Serial();
  private closed = false;
  private readonly groups: CommitGroups;

  private constructor(
    readonly path: string,
    private readonly lease: InstanceLease,
    private readonly connection: DuckDBConnection,
    private readonly exec: DuckDbExecutor,
    private readonly loader: DuckDbBatchLoader,
    groups: Omit<CommitGroupOptions, 'exclusive' | 'schema'>,
  ) {
    this.groups = new CommitGroups(exec, {
      ...groups,
      schema: SCHEMA,
      exclusive: (fn) => this.serial.run(() => (this.closed ? Promise.resolve() : fn())),
    });
  }

  /** Opens (or shares) the instance for `path` (`:memory:` for a private in-memory database). */
  static async open(path: string, opts: DuckDbOptions = {}): Promise<DuckDbDestination> {
    let lease: InstanceLease;
    try {
      const fileDefaults: Record<string, string> =
        path === MEMORY ? {} : { memory_limit: DEFAULT_FILE_MEMORY_LIMIT };
      lease = await acquireInstance(path, { ...DEFAULT_SETTINGS, ...fileDefaults, ...opts.settings });
    } catch (err) {
      throw wrapDuckDbError(err, `opening ${path}`);
    }
    try {
      const connection = await lease.connect();
      const limit = await memoryLimitBytes(connection);
      const exec = new DuckDbExecutor(connection);
      return new DuckDbDestination(
        path,
        lease,
        connection,
        exec,
        new DuckDbBatchLoader(duckdbDialect, SCHEMA, opts.directAppend ?? true, tableKeysOf(lease.instance)),
        {
          maxAgeMs: opts.groupCommitMs ?? DEFAULT_GROUP_COMMIT_MS,
          maxBytes: opts.groupMemoryBytes ?? Math.min(DEFAULT_GROUP_MEMORY, limit / 2),
          checkpointBytes: opts.checkpointMemoryBytes ?? Math.min(DEFAULT_CHECKPOINT_MEMORY, limit / 4),
          cache: new BlockCache(
            exec,
            opts.blockCacheBytes ?? DEFAULT_BLOCK_CACHE,
            lease.settings.memory_limit,
          ),
          reattach: () => lease.reattach(connection),
        },
      );
    } catch (err) {
      lease.release();
      throw wrapDuckDbError(err, `connecting to ${path}`);
    }
  }

  /**
   * Runs `fn` alone on the connection, after committing the open group; errors wrapped; an abort
   * interrupts the running statement.
   */
  private op<T>(
    what: string,
    signal: AbortSignal | undefined,
    fn: (exec: DuckDbExecutor) => Promise<T>,
  ): Promise<T> {
    return this.serial.run(() =>
      this.guarded(what, signal, async (exec) => {
        await this.groups.commit();
        return fn(exec);
      }),
    );
  }

  private async guarded<T>(
    what: string,
    signal: AbortSignal | undefined,
    fn: (exec: DuckDbExecutor) => Promise<T>,
  ): Promise<T> {
    signal?.throwIfAborted();
    if (this.closed) throw wrapDuckDbError(new Error('the destination is closed'), what);
    const onAbort = () => this.connection.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn(this.exec);
    } catch (err) {
      throw wrapDuckDbError(signal?.aborted ? signal.reason : err, what);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private transaction<T>(
    what: string,
    signal: AbortSignal | undefined,
    fn: (exec: DuckDbExecutor) => Promise<T>,
  ): Promise<T> {
    return this.op(what, signal, async (exec) => {
      await exec.query('BEGIN TRANSACTION');
      try {
        const out = await fn(exec);
        signal?.throwIfAborted();
        await exec.query('COMMIT');
        return out;
      } catch (err) {
        await exec.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  async init(signal?: AbortSignal): Promise<void> {
    const migrations = await loadMigrations('duckdb');
    await this.transaction('running migrations', signal, (exec) => applyMigrations(exec, migrations));
  }

  async ensureTables(tables: readonly TableSpec[], signal?: AbortSignal): Promise<void> {
    for (const t of tables) checkTableSpec(this.dialect, t);
    return this.op('creating tables', signal, async (exec) => {
      const existing = await existingColumns(
        exec,
        SCHEMA,
        tables.map((t) => t.name),
      );
      /** Checkpoints what the ADD COLUMNs materialise (commitGroups.ts ALTER_STEP). */
      let altered: (() => Promise<void>) | undefined;
      for (const spec of tables) {
        const have = existing.get(spec.name);
        if (!have) {
          await exec.query(createTableSql(this.dialect, SCHEMA, spec, { keyed: false }));
          continue;
        }
        for (const col of missingColumns(this.dialect, spec, have)) {
          altered ??= await this.groups.alterations();
          await exec.query(addColumnSql(this.dialect, SCHEMA, spec.name, col));
          await altered();
        }
      }
    });
  }

  async write(
    batches: readonly Batch[],
    state: readonly StateRecord[],
    signal?: AbortSignal,
  ): Promise<WriteStats> {
    for (const b of batches) checkTableSpec(this.dialect, b.table);
    const ahead = this.encodeAhead(batches);
    return this.serial
      .run(() =>
        this.guarded('writing a batch', signal, async (exec) => {
          await this.groups.open();
          let stats: WriteStats;
          try {
            const budget = this.groups.budget();
            // The state records go with the group's commit (commitGroups.ts), not one UPDATE per write.
            stats = await writeBatches(
              exec,
              SCHEMA,
              batches,
              [],
              (b, i) => this.loader.load(this.connection, exec, b.table, b.rows, budget, ahead[i]),
              signal,
            );
            signal?.throwIfAborted();
            this.groups.defer(state);
          } catch (err) {
            await this.groups.abandon(err);
            throw this.groups.lost ?? err;
          }
          try {
            await this.groups.resolved();
          } catch (err) {
            throw this.groups.lost ?? err; // the group's commit failed, this write with it
          }
          return stats;
        }),
      )
      .finally(() => {
        for (const p of ahead) releasePrepared(p);
      });
  }

  /**
   * While the previous write's group commits in the background (commitGroups.ts), encodes this write's
   * batches for their direct appends (duckdbMerge.ts `prepare`), so that the Node thread does that work
   * while DuckDB commits, instead of after. Load bench, 200k charge rows in 5 000-row writes: the write
   * after each commit waited ~180 ms for it, ~45 ms of which its encoding now fills. Not otherwise: the
   * chunks of a whole write would be held at once (~6 MB per 2 048 charge rows) instead of one at a time,
   * for no gain. The room each batch will find before the row-group boundary is predicted per table as
   * the loader splits; a wrong guess (another call committed first) only costs encoding again.
   */
  private encodeAhead(batches: readonly Batch[]): (Prepared | undefined)[] {
    if (!this.groups.committing || this.closed) return [];
    const budget = this.groups.budget();
    const rooms = new Map<string, number>();
    return batches.map((b) => {
      const name = b.table.name;
      const room = rooms.get(name) ?? budget.room(name);
      const n = b.rows.length;
      const split = splitAt(room, n);
      rooms.set(name, split === null ? room - n : ROW_GROUP_SIZE - (n - split));
      return this.loader.prepare(b.table, b.rows, room);
    });
  }

  /** Commits the open group: every write that has resolved is durable after this. */
  flush(signal?: AbortSignal): Promise<void> {
    return this.serial.run(() =>
      this.guarded('committing', signal, async () => {
        if (this.groups.lost) throw this.groups.lost;
        await this.groups.commit();
        // A commit that a write left running (commitGroups.ts) may have failed meanwhile.
        if (this.groups.lost) throw this.groups.lost;
      }),
    );
  }

  readState(signal?: AbortSignal): Promise<StateRecord[]> {
    return this.op('reading state', signal, (exec) => readStateRecords(exec, SCHEMA));
  }

  clearState(keys: readonly { account: string; stream: string }[], signal?: AbortSignal): Promise<void> {
    return this.transaction('clearing state', signal, (exec) => deleteState(exec, SCHEMA, keys));
  }

  recordRun(run: RunRecord, signal?: AbortSignal): Promise<void> {
    return this.op('recording a run', signal, (exec) => upsertRun(exec, SCHEMA, run));
  }

  readRuns(limit: number, signal?: AbortSignal): Promise<RunRecord[]> {
    return this.op('reading runs', signal, (exec) => readRunRecords(exec, SCHEMA, limit));
  }

  tableCounts(tables: readonly string[], signal?: AbortSignal) {
    return this.op('counting rows', signal, (exec) => countRows(exec, SCHEMA, tables));
  }

  readRows(table: TableSpec, opts: { account?: string; signal?: AbortSignal } = {}): Promise<Row[]> {
    return this.op('reading rows', opts.signal, (exec) => selectRows(exec, SCHEMA, table, opts.account));
  }

  dropTable(table: string, signal?: AbortSignal): Promise<void> {
    return this.op('dropping a table', signal, (exec) => dropTable(exec, SCHEMA, table));
  }

  /**
   * Waits for the running operation, commits the open group, then closes the connection and releases
   * the shared instance (also when the commit fails, which is then thrown).
   */
  close(): Promise<void> {
    return this.serial.run(async () => {
      if (this.closed) return;
      let failure: unknown;
      const lostBefore = this.groups.lost;
      try {
        await this.groups.commit();
        // Not reported yet: a commit that the last write left running failed.
        if (!lostBefore && this.groups.lost) failure = this.groups.lost;
      } catch (err) {
        failure = wrapDuckDbError(err, 'committing on close');
      }
      this.groups.stop();
      this.closed = true;
      this.connection.closeSync();
      this.lease.release();
      if (failure) throw failure;
    });
  }
}
