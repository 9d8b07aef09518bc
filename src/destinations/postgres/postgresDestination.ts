/**
 * PostgreSQL destination (issue #3): tables in one schema (`stripe` by default), batches loaded with
 * binary COPY, straight into the table when every key is new, else into TEMP staging and one merge per
 * table (copyStaging.ts), and the state records of the batch upserted into
 * `_stripe_elt_state` in the SAME transaction, so state can never get ahead of data. DDL runs outside
 * write transactions with a lock timeout, because `ALTER TABLE` waits behind any long analyst query
 * holding the table and would otherwise stall the sync indefinitely.
 *
 * Write transactions compress TOAST with lz4 where the server has it (PostgreSQL ≥ 14 built with lz4;
 * `SET LOCAL default_toast_compression`, so nothing outside our writes changes, and a column with its
 * own COMPRESSION keeps it). A charge row is ~2.5 kB, past the 2 kB TOAST threshold, so every row's
 * largest jsonb value gets compressed: with the default pglz that was 12% of the server's CPU. Measured
 * per 100 000 charge rows: server 3.8 → 3.2 CPU-s, table 211 → 205 MB. (Storing them uncompressed,
 * `toast_tuple_target = 8160`, saved 0.25 CPU-s more but made the table 28% bigger.)
 *
 * AbortSignal: checked before each statement, and an abort cancels the statement in flight
 * (pg_cancel_backend); the transaction is rolled back.
 */
import pg from 'pg';
import { redactSecrets } from '../../config/redact.js';
import { EltError } from '../../errors.js';
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
import { PgBatchLoader } from './copyStaging.js';
import { wrapPgError } from './pgErrors.js';
import { PgExecutor } from './pgExecutor.js';
import { POSTGRES_MAX_IDENTIFIER, postgresDialect } from './postgresDialect.js';

export interface PostgresOptions {
  /** Schema for the stream tables and our own tables. Default `stripe`. */
  schema?: string;
  /** Connections in the pool. Default 4. */
  poolSize?: number;
  /** `lock_timeout` for DDL (ms). Default 10 000. */
  ddlLockTimeoutMs?: number;
}

/** DDL failures a second attempt can resolve: lock timeout, and races with a concurrent CREATE/ADD. */
const DDL_RETRY_STATES = new Set(['55P03', '23505', '42P07', '42701']);

export class PostgresDestination implements Destination {
  readonly capabilities: DestinationCapabilities = {
    name: 'postgres',
    transactional: true,
    maxIdentifierLength: POSTGRES_MAX_IDENTIFIER,
  };
  readonly schema: string;
  private readonly dialect = postgresDialect;
  private readonly pool: pg.Pool;
  private readonly loader: PgBatchLoader;
  private readonly lockTimeoutMs: number;
  private closed = false;
  /** Whether the server offers lz4 TOAST compression; asked once (see the file comment). */
  private lz4: Promise<boolean> | undefined;

  constructor(url: string, opts: PostgresOptions = {}) {
    this.schema = opts.schema ?? 'stripe';
    this.dialect.quoteIdentifier(this.schema); // validate now rather than at first use
    this.lockTimeoutMs = opts.ddlLockTimeoutMs ?? 10_000;
    this.pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 4,
      application_name: 'stripe-elt',
    });
    // An idle client that loses its connection emits 'error' on the pool, which would crash the process
    // if unhandled (node-postgres.com/apis/pool#error). The pool drops that client; the next query on a
    // fresh one reports any lasting problem through the normal error path.
    this.pool.on('error', () => {});
    this.loader = new PgBatchLoader(this.dialect, this.schema);
  }

  /** A pooled client for `fn`; errors wrapped; a client whose connection broke is destroyed, not reused. */
  private async withClient<T>(
    what: string,
    signal: AbortSignal | undefined,
    fn: (exec: PgExecutor) => Promise<T>,
  ): Promise<T> {
    signal?.throwIfAborted();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw wrapPgError(err, `connecting for ${what}`);
    }
    let broken: Error | undefined;
    // An abort cancels the statement in flight (pg_cancel_backend from another pooled connection); one
    // sent between statements is a no-op, and the next throwIfAborted() catches the abort instead.
    const pid = (client as unknown as { processID?: number }).processID;
    const onAbort = () => {
      if (pid) this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => {});
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn(new PgExecutor(client));
    } catch (err) {
      const wrapped = wrapPgError(signal?.aborted ? signal.reason : err, what);
      if (wrapped.retryable && (!wrapped.sqlState || /^(08|57)/.test(wrapped.sqlState))) broken = wrapped;
      throw wrapped;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      client.release(broken);
    }
  }

  /** `fn` inside BEGIN … COMMIT; `begin` may add statements to run first (one round trip). */
  private async transaction<T>(
    what: string,
    signal: AbortSignal | undefined,
    fn: (exec: PgExecutor) => Promise<T>,
    begin = 'BEGIN',
  ): Promise<T> {
    return this.withClient(what, signal, async (exec) => {
      await exec.query(begin);
      try {
        const out = await fn(exec);
        signal?.throwIfAborted();
        await exec.query('COMMIT');
        return out;
      } catch (err) {
        // A failed ROLLBACK means the connection is gone; the original error is the one to report.
        await exec.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  async init(signal?: AbortSignal): Promise<void> {
    const migrations = await loadMigrations('postgres');
    const schema = this.dialect.quoteIdentifier(this.schema);
    await this.transaction('running migrations', signal, async (exec) => {
      // Serialise concurrent inits (two `serve` replicas starting at once) on a per-schema advisory lock.
      await exec.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `stripe-elt migrations ${this.schema}`,
      ]);
      // CREATE SCHEMA IF NOT EXISTS still needs CREATE on the database, which a least-privilege role
      // given an existing schema does not have: only create it when it is missing.
      const exists = await exec.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
      if (exists.rows.length === 0) await exec.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      // Migration files use unqualified names; SET LOCAL ends with the transaction.
      await exec.query(`SET LOCAL search_path TO ${schema}`);
      await applyMigrations(exec, migrations);
    });
  }

  async ensureTables(tables: readonly TableSpec[], signal?: AbortSignal): Promise<void> {
    for (const t of tables) checkTableSpec(this.dialect, t);
    if (tables.length === 0) return;
    await this.withClient('creating tables', signal, async (exec) => {
      await exec.query("SELECT set_config('lock_timeout', $1, false)", [
        `${Math.max(1, Math.floor(this.lockTimeoutMs))}ms`,
      ]);
      try {
        const existing = await existingColumns(
          exec,
          this.schema,
          tables.map((t) => t.name),
        );
        for (const spec of tables) {
          signal?.throwIfAborted();
          const have = existing.get(spec.name);
          if (!have) {
            await this.ddl(exec, createTableSql(this.dialect, this.schema, spec));
            continue;
          }
          for (const col of missingColumns(this.dialect, spec, have)) {
            await this.ddl(exec, addColumnSql(this.dialect, this.schema, spec.name, col));
          }
        }
      } finally {
        await exec.query("SELECT set_config('lock_timeout', '0', false)");
      }
    });
  }

  /** One DDL statement in its own transaction, retried once when a lock or a concurrent creator got in the way. */
  private async ddl(exec: PgExecutor, sql: string): Promise<void> {
    try {
      await exec.query(sql);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !DDL_RETRY_STATES.has(code)) throw err;
      await exec.query(sql);
    }
  }

  async write(
    batches: readonly Batch[],
    state: readonly StateRecord[],
    signal?: AbortSignal,
  ): Promise<WriteStats> {
    for (const b of batches) checkTableSpec(this.dialect, b.table);
    const begin = (await this.hasLz4(signal))
      ? "BEGIN; SET LOCAL default_toast_compression = 'lz4'"
      : 'BEGIN';
    return this.transaction(
      'writing a batch',
      signal,
      (exec) =>
        writeBatches(
          exec,
          this.schema,
          batches,
          state,
          (b, i) => this.loader.load(exec.client, exec, b.table, b.rows, i),
          signal,
        ),
      begin,
    );
  }

  /** Whether `default_toast_compression` accepts lz4 here (no row before PostgreSQL 14). */
  private hasLz4(signal: AbortSignal | undefined): Promise<boolean> {
    this.lz4 ??= this.withClient('checking for lz4', signal, async (exec) => {
      const res = await exec.query(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'",
      );
      return res.rows[0]?.[0] === true;
    }).catch((err: unknown) => {
      this.lz4 = undefined; // ask again next time
      throw err;
    });
    return this.lz4;
  }

  /** Every write commits before it resolves: nothing to do. */
  async flush(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
  }

  readState(signal?: AbortSignal): Promise<StateRecord[]> {
    return this.withClient('reading state', signal, (exec) => readStateRecords(exec, this.schema));
  }

  clearState(keys: readonly { account: string; stream: string }[], signal?: AbortSignal): Promise<void> {
    return this.transaction('clearing state', signal, (exec) => deleteState(exec, this.schema, keys));
  }

  recordRun(run: RunRecord, signal?: AbortSignal): Promise<void> {
    return this.withClient('recording a run', signal, (exec) => upsertRun(exec, this.schema, run));
  }

  readRuns(limit: number, signal?: AbortSignal): Promise<RunRecord[]> {
    return this.withClient('reading runs', signal, (exec) => readRunRecords(exec, this.schema, limit));
  }

  tableCounts(tables: readonly string[], signal?: AbortSignal) {
    return this.withClient('counting rows', signal, (exec) => countRows(exec, this.schema, tables));
  }

  readRows(table: TableSpec, opts: { account?: string; signal?: AbortSignal } = {}): Promise<Row[]> {
    return this.withClient('reading rows', opts.signal, (exec) =>
      selectRows(exec, this.schema, table, opts.account),
    );
  }

  dropTable(table: string, signal?: AbortSignal): Promise<void> {
    return this.withClient('dropping a table', signal, (exec) => dropTable(exec, this.schema, table));
  }

  /** Ends the pool once; later calls do nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.pool.end();
    } catch (err) {
      throw new EltError(
        redactSecrets(`postgres: closing the pool: ${err instanceof Error ? err.message : String(err)}`),
        false,
        { cause: err },
      );
    }
  }
}
