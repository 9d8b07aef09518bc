/**
 * The destination contract. A destination turns batches of rows into warehouse tables through its bulk
 * path (COPY, appender, load jobs, PUT+COPY) into a staging table and one set-based merge, and stores the
 * sync state next to the data. The engine knows nothing else about a warehouse: differences are
 * capabilities and dialect objects (ARCHITECTURE.md §3), never `if (kind === …)` in the engine.
 */
import type { Row } from '../schema/rowBuilder.js';
import type { TableSpec } from '../schema/tableSpec.js';
import type { StateRecord } from '../state/syncState.js';

export interface DestinationCapabilities {
  /** 'postgres', 'duckdb', … */
  name: string;
  /** Whether rows and state commit atomically. When false, writes are idempotent and state follows data. */
  transactional: boolean;
  /** Longest identifier in bytes (Postgres 63). */
  maxIdentifierLength: number;
}

/**
 * Rows for one table. Every row carries all system columns; merge rules:
 * - upsert by primary key, and only when the incoming `_version` ≥ the stored one (an older snapshot
 *   never overwrites a newer one); duplicates inside a batch keep the highest `_version`, last wins on ties;
 * - `_synced_at` means "last seen in Stripe": on conflict it is ALWAYS raised to the incoming value, even
 *   when the version guard keeps the stored values (sweeps and child replacement rely on it);
 * - a row with `_deleted = true` is a soft delete (it still carries the last known values).
 * All rows of one `write` call carry the same `_synced_at`.
 */
export interface Batch {
  table: TableSpec;
  rows: Row[];
  /**
   * Complete child sets: for each listed parent id (of `account`), child rows of that parent that this
   * write did not touch (their `_synced_at` is older than `syncedAt`) and whose `_version` ≤ `version`
   * are marked `_deleted` with `_version = version` — the parent no longer lists them. Applied after all
   * rows of the same `write` call are merged. `column` is the parent-key column.
   */
  replaceChildren?: {
    column: string;
    parentIds: string[];
    account: string;
    version: number;
    syncedAt: number;
  };
  /**
   * After a full re-list: rows of `account` whose `_synced_at` is older than `before` and not yet
   * deleted are marked `_deleted` (Stripe no longer lists them).
   */
  sweep?: { account: string; before: number; version: number };
}

/** Rows written with `_deleted = true` count as `deleted` only, never as inserted or updated. */
export interface WriteStats {
  inserted: number;
  updated: number;
  deleted: number;
  /** The same counts per batch, aligned with the `batches` argument of `write` (for run records). */
  perBatch?: { inserted: number; updated: number; deleted: number }[];
}

export interface RunRecord {
  runId: string;
  account: string;
  stream: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** 'running' | 'succeeded' | 'failed' | 'no_permission' | 'skipped' */
  status: string;
  mode: string;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  apiRequests: number;
  rateLimitedRetries: number;
  error: string | null;
}

export interface Destination {
  readonly capabilities: DestinationCapabilities;
  /** Create our own tables (state, runs) and run pending migrations. Idempotent. */
  init(signal?: AbortSignal): Promise<void>;
  /** Create tables that do not exist and add missing columns (ADD COLUMN only; nothing is dropped). */
  ensureTables(tables: readonly TableSpec[], signal?: AbortSignal): Promise<void>;
  /**
   * Merge the batches and save `state` — atomically where `transactional`. Idempotent: writing the same
   * batches again changes nothing. Resolves when the data is durable, or (a destination that groups
   * commits, DuckDB) when it is part of a transaction that will commit it with its state: durable by
   * `flush`, by any other call, or within a bounded time. If such a transaction fails, writes that had
   * resolved are lost with their state, and every later `write` and `flush` fails.
   */
  write(batches: readonly Batch[], state: readonly StateRecord[], signal?: AbortSignal): Promise<WriteStats>;
  /** Resolves when every write that has resolved is durable. */
  flush(signal?: AbortSignal): Promise<void>;
  readState(signal?: AbortSignal): Promise<StateRecord[]>;
  /** Delete state records (reset of streams). */
  clearState(keys: readonly { account: string; stream: string }[], signal?: AbortSignal): Promise<void>;
  /** Insert or update one run record (a run and stream). */
  recordRun(run: RunRecord, signal?: AbortSignal): Promise<void>;
  /** Recent run records, newest first. */
  readRuns(limit: number, signal?: AbortSignal): Promise<RunRecord[]>;
  /** Row counts per (account, table) of live and deleted rows, for `status`. */
  tableCounts(
    tables: readonly string[],
    signal?: AbortSignal,
  ): Promise<{ table: string; account: string; live: number; deleted: number }[]>;
  /**
   * Every row of a table in the neutral values of rowBuilder.ts (decimals in canonical form, JSON as
   * text), ordered by primary key; optionally one account's. For verification and tests: it reads the
   * whole table into memory.
   */
  readRows?(table: TableSpec, opts?: { account?: string; signal?: AbortSignal }): Promise<Row[]>;
  /** Drop a stream's table (reset). */
  dropTable(table: string, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
