/**
 * One batch into DuckDB, by one of two paths, shaped by how DuckDB 1.5 performs (measured with 5 000
 * charge rows per batch, CPU per 100 000 rows):
 *
 * - Direct: a batch whose keys are all new (every backfill batch) is appended straight into the stream
 *   table (chunkAppender.ts): 1.8 CPU-s against 2.4 through staging, which pays for a second copy of
 *   every string (staging, then INSERT … SELECT). Whether the keys are new is found out by trying: the
 *   primary key index refuses an existing key during the append. DuckDB has no savepoints and aborts the
 *   transaction on that error, so the loader throws DirectAppendRefused and the destination runs the
 *   whole write again with the direct path off (see `write`); the table is remembered, so an update-heavy
 *   sync does not pay for a failed attempt each time. Tried only for batches without repeated keys (they
 *   need the dedupe), and only when the table has exactly the spec's columns (in any order: the chunk
 *   follows the table's). Values are cast to the table's types by the appender as the merge's INSERT
 *   would; JSON text goes in as the row builder produced it (JSON.stringify): DuckDB's JSON is VARCHAR
 *   to the appender, so it is not re-parsed as the staging path's VARCHAR → JSON cast does.
 * - Staging: a temp table, the appender, then the merge of merge.ts:
 *   - `INSERT … ON CONFLICT DO UPDATE` (duckdb.org/docs/stable/sql/statements/insert#on-conflict-clause)
 *     applies the version guard correctly, but costs grow with the table even when no key conflicts:
 *     ~170 ms at 100k rows, ~700 ms at 600k, against ~50 ms for a plain INSERT. UPDATE … FROM and
 *     DELETE + INSERT were slower still for the rows that do conflict.
 *   - A semi-join probe of the staged keys costs ~3.5 ms per 100k table rows (a scan of the key columns).
 *   So: probe how many staged keys exist. None → one plain INSERT. Otherwise the upsert runs only over
 *   the rows whose key exists, and a plain INSERT takes the rest; the `_synced_at` bump runs when the
 *   guard kept some rows. DuckDB has no `xmax`, so these counts are also how inserted and updated rows
 *   are told apart; staged soft deletes are classified by a join first (only when the batch has any).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { EltError } from '../../errors.js';
import type { ColumnType } from '../../schema/columnTypes.js';
import type { Row } from '../../schema/rowBuilder.js';
import type { TableSpec } from '../../schema/tableSpec.js';
import { stagingColumnsSql } from '../sql/ddl.js';
import type { Dialect } from '../sql/dialect.js';
import type { SqlExecutor } from '../sql/executor.js';
import { qualifiedName } from '../sql/identifiers.js';
import {
  byExistingKeySql,
  distinctKeyCount,
  insertSql,
  sourceSql,
  stagedDeletesSql,
  syncedAtBumpSql,
  type TableRef,
  upsertSql,
} from '../sql/merge.js';
import { toNumber } from '../sql/values.js';
import type { BatchCounts } from '../sql/writeBatches.js';
import { appendRows, type ChunkColumn, Encoding } from './chunkAppender.js';

const STAGING = '_stripe_elt_stg';

/** Staging columns as duckdbDialect.ts STAGING declares them. */
const STAGED: Record<ColumnType, Encoding> = {
  text: Encoding.Varchar,
  json: Encoding.Varchar,
  decimal: Encoding.Varchar,
  bigint: Encoding.IntegerDouble,
  double: Encoding.Double,
  timestamp: Encoding.FiniteDouble,
  boolean: Encoding.Boolean,
};

/**
 * The stream table's own types (duckdbDialect.ts TYPES), except decimals: they go in as text and the
 * appender casts them to DECIMAL(38,12) with the same cast as the merge's CAST (a value that is not a
 * number fails the batch: "type mismatch in AppendDataChunk").
 */
const DIRECT: Record<ColumnType, Encoding> = {
  text: Encoding.Varchar,
  json: Encoding.Varchar,
  decimal: Encoding.Varchar,
  bigint: Encoding.BigInt,
  double: Encoding.Double,
  timestamp: Encoding.TimestampMicros,
  boolean: Encoding.Boolean,
};

/**
 * A direct append met a key the table already has. DuckDB aborted the transaction (it has no
 * savepoints), so the write must be rolled back and run again with every batch through staging, where
 * the merge handles existing keys.
 */
export class DirectAppendRefused extends EltError {
  constructor(table: string, cause: unknown) {
    super(
      `duckdb: ${table}: a key of the batch is already stored; the write is retried through staging`,
      true,
      {
        cause,
      },
    );
  }
}

/** The appender's unique-index error, raised on append or flush (DuckDB 1.5: "… violates primary key constraint"). */
const KEY_VIOLATION = /violates (primary key|unique) constraint|duplicate key/i;

interface MergeStatements {
  /** Staged keys already in the table. */
  probe: string;
  insertAll: string;
  insertNew: string;
  upsertExisting: string;
  bump: string;
  stagedDeletes: string;
}

interface Compiled {
  ref: TableRef;
  /** Per spec column, its encoding when appending to the table itself. */
  direct: Encoding[];
  staged: ChunkColumn[];
  /** `SELECT * … LIMIT 0` of the table: its column names in the table's order. */
  emptySelect: string;
  createStaging: string;
  dropStaging: string;
  plain: MergeStatements;
  deduped: MergeStatements;
  deletedIndex: number;
}

function statements(ref: TableRef, source: string): MergeStatements {
  return {
    probe: `SELECT count(*) FROM (${byExistingKeySql(ref, source, true)}) AS e`,
    insertAll: insertSql(ref, source),
    insertNew: insertSql(ref, byExistingKeySql(ref, source, false)),
    upsertExisting: upsertSql(ref, byExistingKeySql(ref, source, true)),
    bump: syncedAtBumpSql(ref, source),
    stagedDeletes: stagedDeletesSql(ref, source),
  };
}

function compile(ref: TableRef): Compiled {
  const staging = `temp.main.${ref.dialect.quoteIdentifier(STAGING)}`;
  const types = ref.spec.columns.map((c) => c.type);
  return {
    ref,
    direct: types.map((t) => DIRECT[t]),
    staged: types.map((t, value) => ({ value, encoding: STAGED[t] })),
    emptySelect: `SELECT * FROM ${qualifiedName(ref.dialect, ref.schema, ref.spec.name)} LIMIT 0`,
    createStaging: `CREATE OR REPLACE TEMP TABLE ${ref.dialect.quoteIdentifier(STAGING)} (${stagingColumnsSql(ref.dialect, ref.spec)})`,
    dropStaging: `DROP TABLE IF EXISTS ${staging}`,
    plain: statements(ref, sourceSql(ref, staging, false)),
    deduped: statements(ref, sourceSql(ref, staging, true)),
    deletedIndex: ref.spec.columns.findIndex((c) => c.name === '_deleted'),
  };
}

/** Loads batches into the tables of one schema; SQL is built once per spec object. */
export class DuckDbBatchLoader {
  private readonly compiled = new WeakMap<TableSpec, Compiled>();
  /** Tables whose last batch met existing keys: their next batch goes to staging without trying direct. */
  private readonly hadExistingKeys = new Set<string>();

  constructor(
    private readonly dialect: Dialect,
    private readonly schema: string,
  ) {}

  /**
   * Load `rows`; `tryDirect: false` forces staging (the retry after DirectAppendRefused). Throws
   * DirectAppendRefused when DuckDB refused a direct append: the transaction is then aborted.
   */
  async load(
    connection: DuckDBConnection,
    exec: SqlExecutor,
    spec: TableSpec,
    rows: readonly Row[],
    tryDirect: boolean,
  ): Promise<BatchCounts> {
    let c = this.compiled.get(spec);
    if (!c) {
      c = compile({ dialect: this.dialect, schema: this.schema, spec });
      this.compiled.set(spec, c);
    }
    const keys = distinctKeyCount(spec, rows);
    const eligible = tryDirect && keys === rows.length && !this.hadExistingKeys.has(spec.name);
    const layout = eligible ? await this.tableLayout(connection, c, c.direct) : null;
    if (layout) {
      try {
        await appendRows(connection, { table: spec.name, schema: this.schema }, spec, layout, rows, false);
      } catch (err) {
        if (!KEY_VIOLATION.test(err instanceof Error ? err.message : String(err))) throw err;
        this.hadExistingKeys.add(spec.name);
        throw new DirectAppendRefused(spec.name, err);
      }
      // All rows are new: a soft delete counts as deleted only (destination.ts, WriteStats).
      let deleted = 0;
      for (const row of rows) if (row[c.deletedIndex] === true) deleted++;
      return { inserted: rows.length - deleted, updated: 0, deleted };
    }
    const counts = await this.loadStaged(connection, exec, c, rows, keys);
    // Every key was new (inserted, or a new soft delete): the next batch may try the direct path again.
    if (counts.updated === 0 && counts.inserted + counts.deleted === keys)
      this.hadExistingKeys.delete(spec.name);
    else this.hadExistingKeys.add(spec.name);
    return counts;
  }

  /**
   * The table's columns, in the table's order, as chunk columns filled from the spec's values; null when
   * the table and the spec do not have the same columns. The appender fills columns by position, and a
   * column added later (ADD COLUMN appends) sits at the table's end wherever the spec lists it. Asked on
   * every direct attempt, inside the transaction, so it is the layout the appender sees; read from an
   * empty `SELECT *` (~1 ms, where information_schema.columns takes ~10 ms with a hundred tables).
   */
  private async tableLayout(
    connection: DuckDBConnection,
    c: Compiled,
    encodings: readonly Encoding[],
  ): Promise<ChunkColumn[] | null> {
    const have = (await connection.run(c.emptySelect)).columnNames();
    const spec = c.ref.spec;
    if (have.length !== spec.columns.length) return null;
    const fold = this.dialect.foldIdentifier;
    const index = new Map(spec.columns.map((col, i) => [fold(col.name), i]));
    const layout: ChunkColumn[] = [];
    for (const name of have) {
      const value = index.get(fold(name));
      if (value === undefined) return null;
      layout.push({ value, encoding: encodings[value]! });
    }
    return layout;
  }

  private async loadStaged(
    connection: DuckDBConnection,
    exec: SqlExecutor,
    c: Compiled,
    rows: readonly Row[],
    keys: number,
  ): Promise<BatchCounts> {
    const m = keys < rows.length ? c.deduped : c.plain;
    await exec.query(c.createStaging);
    // Temp tables live in the `temp` catalog, schema `main`.
    await appendRows(
      connection,
      { table: STAGING, schema: 'main', catalog: 'temp' },
      c.ref.spec,
      c.staged,
      rows,
      true,
    );
    let newDeleted = 0;
    let changedDeleted = 0;
    if (rows.some((r) => r[c.deletedIndex] === true)) {
      [newDeleted, changedDeleted] = (await exec.query(m.stagedDeletes)).rows[0]!.map(toNumber) as [
        number,
        number,
      ];
    }
    const existing = toNumber((await exec.query(m.probe)).rows[0]![0]);
    let inserted = 0;
    let updated = 0;
    if (existing === 0) {
      inserted = (await exec.query(m.insertAll)).rowCount;
    } else {
      updated = (await exec.query(m.upsertExisting)).rowCount;
      if (existing < keys) inserted = (await exec.query(m.insertNew)).rowCount;
      // Rows the version guard kept were still seen now: raise their `_synced_at`.
      if (updated < existing) await exec.query(m.bump);
    }
    await exec.query(c.dropStaging);
    return {
      inserted: inserted - newDeleted,
      updated: updated - changedDeleted,
      deleted: newDeleted + changedDeleted,
    };
  }
}
