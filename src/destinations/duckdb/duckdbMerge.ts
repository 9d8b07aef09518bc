/**
 * One batch into DuckDB, by one of two paths, shaped by how DuckDB 1.5 performs (measured with 5 000
 * charge rows per batch, CPU per 100 000 rows).
 *
 * Stream tables have no PRIMARY KEY constraint (ddl.ts `keyed: false`); this loader keeps keys unique.
 * DuckDB's key index (an ART) is held in memory in full and is not evicted: on the `medium` seed it
 * took ~370 bytes per row (46 MB for 125k rows), ~470 MB on `large`, and maintaining it cost as much as
 * the probe below. Every write goes through this loader, one connection at a time, so nothing else
 * inserts between the probe and the insert.
 *
 * - Direct: a batch without repeated keys whose keys are all new (every backfill batch) is appended
 *   straight into the stream table (chunkAppender.ts): 1.8 CPU-s against 2.4 through staging, which pays
 *   for a second copy of every string (staging, then INSERT … SELECT). The keys are probed first: one
 *   JSON text parameter per key column (5 000 list values bound one by one cost ~5 ms more), unnested
 *   and hash-joined against the table's key columns, ~10 ms plus ~2 ms per 100k stored rows. Only when
 *   the table has exactly the spec's columns (in any order: the chunk follows the table's). Values are
 *   cast to the table's types by the appender as the merge's INSERT would; JSON text goes in as the row
 *   builder produced it (JSON.stringify): DuckDB's JSON is VARCHAR to the appender, so it is not
 *   re-parsed as the staging path's VARCHAR → JSON cast does.
 * - Staging: a temp table, the appender, then the merge statements of merge.ts: how many staged keys
 *   are stored (known already when the direct path probed). None → one plain INSERT. Otherwise
 *   `UPDATE … FROM` the staged rows (same SET and version guard as Postgres' upsert), a plain INSERT of
 *   the keys not stored, and the `_synced_at` bump when the guard kept some rows. DuckDB has no `xmax`,
 *   so these counts are also how inserted and updated rows are told apart; staged soft deletes are
 *   classified by a join first (only when the batch has any).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
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
  updateFromSql,
} from '../sql/merge.js';
import { toNumber } from '../sql/values.js';
import type { BatchCounts } from '../sql/writeBatches.js';
import {
  appendEncoded,
  appendRows,
  type ChunkColumn,
  type EncodedRows,
  Encoding,
  encodeRows,
} from './chunkAppender.js';
import { KeyFilter } from './keyFilter.js';

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

interface MergeStatements {
  /** Staged keys already in the table. */
  probe: string;
  insertAll: string;
  insertNew: string;
  updateExisting: string;
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
  /** Stored rows among the given keys: one parameter per key column, a JSON array of its values as text. */
  keyProbe: string;
  /** One row of the table if it has any. */
  anyRow: string;
  /** The key columns of every row, in primary-key order. */
  allKeys: string;
  createStaging: string;
  dropStaging: string;
  plain: MergeStatements;
  deduped: MergeStatements;
  deletedIndex: number;
  /** Positions of the key columns in a row. */
  keyIndexes: number[];
  /** What tableLayout last found for a direct append (what `prepare` encodes for). */
  layout?: ChunkColumn[];
}

function statements(ref: TableRef, source: string): MergeStatements {
  return {
    probe: `SELECT count(*) FROM (${byExistingKeySql(ref, source, true)}) AS e`,
    insertAll: insertSql(ref, source),
    insertNew: insertSql(ref, byExistingKeySql(ref, source, false)),
    updateExisting: updateFromSql(ref, source),
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
    keyProbe: keyProbeSql(ref),
    anyRow: `SELECT 1 FROM ${qualifiedName(ref.dialect, ref.schema, ref.spec.name)} LIMIT 1`,
    allKeys: `SELECT ${ref.spec.primaryKey.map((k) => ref.dialect.quoteIdentifier(k)).join(', ')} FROM ${qualifiedName(ref.dialect, ref.schema, ref.spec.name)}`,
    createStaging: `CREATE OR REPLACE TEMP TABLE ${ref.dialect.quoteIdentifier(STAGING)} (${stagingColumnsSql(ref.dialect, ref.spec)})`,
    dropStaging: `DROP TABLE IF EXISTS ${staging}`,
    plain: statements(ref, sourceSql(ref, staging, false)),
    deduped: statements(ref, sourceSql(ref, staging, true)),
    deletedIndex: ref.spec.columns.findIndex((c) => c.name === '_deleted'),
    keyIndexes: ref.spec.primaryKey.map((k) => ref.spec.columns.findIndex((c) => c.name === k)),
  };
}

function keyProbeSql(ref: TableRef): string {
  const { dialect, schema, spec } = ref;
  const q = (n: string) => dialect.quoteIdentifier(n);
  const keys = spec.primaryKey.map(
    (_, i) => `unnest(CAST(json(${dialect.param(i + 1)}) AS VARCHAR[])) AS ${q(`k${i}`)}`,
  );
  const on = spec.primaryKey.map((k, i) => {
    const type = spec.columns.find((c) => c.name === k)!.type;
    const given = `s.${q(`k${i}`)}`;
    return `t.${q(k)} = ${type === 'text' ? given : `CAST(${given} AS ${dialect.columnType(type)})`}`;
  });
  return `SELECT count(*) FROM (SELECT ${keys.join(', ')}) AS s JOIN ${qualifiedName(dialect, schema, spec.name)} AS t ON ${on.join(' AND ')}`;
}

/**
 * Where the rows a load appends stand against the open commit group's row-group boundary
 * (duckdbDestination.ts, "Group commit"): `room` rows of `table` still fit before the boundary; a direct
 * append of more is split there, `commit` called between the two parts, and every appended row counted
 * with `appended`.
 */
export interface RowGroupBudget {
  room(table: string): number;
  commit(): Promise<void>;
  appended(table: string, rows: number): void;
}

/**
 * What a process knows of a table's keys (keyFilter.ts), shared by every loader on the same DuckDB
 * instance: a filter once the table was seen empty, or after BUILD_FILTER_AFTER probes (then built from
 * one scan of its keys); until then, `probes` counts the probes run.
 */
export interface TableKeys {
  filter: KeyFilter | null;
  probes: number;
}

/**
 * A table that was not empty when first seen gets its filter after this many probes: building it costs
 * about one probe's scan (plus hashing in JS), so an incremental sync that writes a few batches never
 * pays for it, and a resumed backfill does after a few batches.
 */
const BUILD_FILTER_AFTER = 8;

/**
 * A batch's rows encoded for a direct append before its write had the connection (`prepare`): valid for
 * that batch only if nothing changed meanwhile, which `load` checks before using it.
 */
export interface Prepared {
  spec: TableSpec;
  rows: readonly Row[];
  /** Distinct keys among the rows (all of them). */
  keys: number;
  /** The filter that ruled every key out, and how many keys it held then. */
  filter: KeyFilter;
  filterSize: number;
  /** Where the rows were split at the row-group boundary (RowGroupBudget.room), if they were. */
  split: number | null;
  /** The encoded rows: one part, or two when split. */
  parts: EncodedRows[];
}

/** Releases what `prepare` encoded and `load` did not append (safe to call more than once). */
export function releasePrepared(p: Prepared | undefined): void {
  for (const part of p?.parts ?? []) part.release();
}

/** Where a direct append of `count` rows is split when `room` rows fit before the boundary; null: not split. */
export function splitAt(room: number, count: number): number | null {
  return room > 0 && room < count ? room : null;
}

/** Loads batches into the tables of one schema; SQL is built once per spec object. */
export class DuckDbBatchLoader {
  private readonly compiled = new WeakMap<TableSpec, Compiled>();

  constructor(
    private readonly dialect: Dialect,
    private readonly schema: string,
    /** Whether a batch of new keys may be appended straight into its table (see the top of this file). */
    private readonly direct: boolean,
    /** Per table name, for the tables of `schema` in this instance (see TableKeys). */
    private readonly tableKeys: Map<string, TableKeys> = new Map(),
  ) {}

  /** Batches appended from rows encoded by `prepare`, and prepared batches encoded again (for tests). */
  readonly prepared = { used: 0, discarded: 0 };

  /**
   * Encodes a batch for its direct append without the connection, for a write that would otherwise wait
   * for it (a commit running in the background: commitGroups.ts): encoding is most of the Node thread's
   * part of an append. Only when the append is likely direct: the table's layout is known from an earlier
   * direct append, and its key filter rules every key out. `room`: RowGroupBudget.room as it will be when
   * the batch loads, if known. Undefined when not worth it, or when the rows do not encode (load then
   * fails on them as it would have).
   */
  prepare(spec: TableSpec, rows: readonly Row[], room: number): Prepared | undefined {
    const c = this.compiled.get(spec);
    const filter = this.tableKeys.get(spec.name)?.filter;
    if (!this.direct || !c?.layout || !filter || rows.length === 0) return undefined;
    const keys = distinctKeyCount(spec, rows);
    if (keys !== rows.length) return undefined;
    if (rows.some((row) => filter.mayContain(c.keyIndexes.map((i) => row[i])))) return undefined;
    const split = splitAt(room, rows.length);
    const parts: EncodedRows[] = [];
    try {
      if (split === null) parts.push(encodeRows(spec, c.layout, rows));
      else {
        parts.push(encodeRows(spec, c.layout, rows.slice(0, split)));
        parts.push(encodeRows(spec, c.layout, rows.slice(split)));
      }
    } catch {
      for (const part of parts) part.release();
      return undefined;
    }
    return { spec, rows, keys, filter, filterSize: filter.size, split, parts };
  }

  async load(
    connection: DuckDBConnection,
    exec: SqlExecutor,
    spec: TableSpec,
    rows: readonly Row[],
    budget?: RowGroupBudget,
    /** From `prepare` for these very rows; released here whether used or not. */
    prepared?: Prepared,
  ): Promise<BatchCounts> {
    let c = this.compiled.get(spec);
    if (!c) {
      c = compile({ dialect: this.dialect, schema: this.schema, spec });
      this.compiled.set(spec, c);
    }
    const ready = prepared && prepared.spec === spec && prepared.rows === rows ? prepared : undefined;
    const keys = ready?.keys ?? distinctKeyCount(spec, rows);
    const known = await this.keysOf(connection, c);
    try {
      return await this.loadKeyed(connection, exec, c, rows, keys, known, budget, ready);
    } finally {
      releasePrepared(prepared);
      // Added whether or not the load succeeded: a key that was not stored only costs a probe later.
      if (known.filter) for (const row of rows) known.filter.add(c.keyIndexes.map((i) => row[i]));
    }
  }

  private async loadKeyed(
    connection: DuckDBConnection,
    exec: SqlExecutor,
    c: Compiled,
    rows: readonly Row[],
    keys: number,
    known: TableKeys,
    budget: RowGroupBudget | undefined,
    prepared: Prepared | undefined,
  ): Promise<BatchCounts> {
    const spec = c.ref.spec;
    let existing: number | undefined;
    if (this.direct && keys === rows.length) {
      const filter = known.filter;
      // No key added to the filter since it ruled these out: still all new.
      const ruledOut = prepared && prepared.filter === filter && filter.size === prepared.filterSize;
      if (filter && (ruledOut || !rows.some((row) => filter.mayContain(c.keyIndexes.map((i) => row[i])))))
        existing = 0;
      else {
        existing = await this.storedKeys(exec, c, rows);
        known.probes++;
        if (!known.filter && known.probes >= BUILD_FILTER_AFTER)
          known.filter = await this.scanKeys(connection, c);
      }
      const layout = existing === 0 ? await this.tableLayout(connection, c, c.direct) : null;
      if (layout) {
        const target = { table: spec.name, schema: this.schema };
        const room = budget?.room(spec.name) ?? Number.POSITIVE_INFINITY;
        const split = budget ? splitAt(room, rows.length) : null;
        // Encoded ahead for this very layout and split: appended as they are; otherwise encoded now.
        const parts =
          prepared && prepared.split === split && sameLayout(prepared.parts[0]!.columns, layout)
            ? prepared.parts
            : undefined;
        if (prepared) this.prepared[parts ? 'used' : 'discarded']++;
        const append = (part: number, from: number, to: number) =>
          parts
            ? appendEncoded(connection, target, parts[part]!)
            : appendRows(
                connection,
                target,
                spec,
                layout,
                from === 0 && to === rows.length ? rows : rows.slice(from, to),
                false,
              );
        if (budget && split !== null) {
          // The first part completes the group's row group and commits with it; the rest opens the next
          // group. Those first rows are then stored before this write's state: harmless, a replay merges
          // them (the write is idempotent).
          await append(0, 0, split);
          budget.appended(spec.name, split);
          await budget.commit();
          await append(1, split, rows.length);
          budget.appended(spec.name, rows.length - split);
        } else {
          await append(0, 0, rows.length);
          budget?.appended(spec.name, rows.length);
        }
        // All rows are new: a soft delete counts as deleted only (destination.ts, WriteStats).
        let deleted = 0;
        for (const row of rows) if (row[c.deletedIndex] === true) deleted++;
        return { inserted: rows.length - deleted, updated: 0, deleted };
      }
    }
    if (prepared) this.prepared.discarded++;
    return this.loadStaged(connection, exec, c, rows, keys, existing, budget);
  }

  /** The table's TableKeys; on first sight an empty table gets an (empty, so complete) filter. */
  private async keysOf(connection: DuckDBConnection, c: Compiled): Promise<TableKeys> {
    const name = c.ref.spec.name;
    let known = this.tableKeys.get(name);
    if (!known) {
      const empty = (await (await connection.run(c.anyRow)).getRows()).length === 0;
      known = { filter: empty ? new KeyFilter() : null, probes: 0 };
      this.tableKeys.set(name, known);
    }
    return known;
  }

  /** A filter holding every key stored in the table (read in chunks: memory stays one chunk). */
  private async scanKeys(connection: DuckDBConnection, c: Compiled): Promise<KeyFilter> {
    const filter = new KeyFilter();
    const result = await connection.stream(c.allKeys);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const row of chunk.getRows()) filter.add(row);
    }
    return filter;
  }

  /** How many of the rows' keys (distinct) the table holds: a hash join of the keys against its key columns. */
  private async storedKeys(exec: SqlExecutor, c: Compiled, rows: readonly Row[]): Promise<number> {
    const lists = c.keyIndexes.map((i) => JSON.stringify(rows.map((r) => String(r[i]))));
    return toNumber((await exec.query(c.keyProbe, lists)).rows[0]![0]);
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
    c.layout = undefined;
    if (have.length !== spec.columns.length) return null;
    const fold = this.dialect.foldIdentifier;
    const index = new Map(spec.columns.map((col, i) => [fold(col.name), i]));
    const layout: ChunkColumn[] = [];
    for (const name of have) {
      const value = index.get(fold(name));
      if (value === undefined) return null;
      layout.push({ value, encoding: encodings[value]! });
    }
    c.layout = layout;
    return layout;
  }

  private async loadStaged(
    connection: DuckDBConnection,
    exec: SqlExecutor,
    c: Compiled,
    rows: readonly Row[],
    keys: number,
    /** Stored keys among the rows' when already probed (then the keys are distinct). */
    known: number | undefined,
    budget: RowGroupBudget | undefined,
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
    const existing = known ?? toNumber((await exec.query(m.probe)).rows[0]![0]);
    let inserted = 0;
    let updated = 0;
    if (existing === 0) {
      inserted = (await exec.query(m.insertAll)).rowCount;
    } else {
      updated = (await exec.query(m.updateExisting)).rowCount;
      if (existing < keys) inserted = (await exec.query(m.insertNew)).rowCount;
      // Rows the version guard kept were still seen now: raise their `_synced_at`.
      if (updated < existing) await exec.query(m.bump);
    }
    await exec.query(c.dropStaging);
    budget?.appended(c.ref.spec.name, inserted);
    return {
      inserted: inserted - newDeleted,
      updated: updated - changedDeleted,
      deleted: newDeleted + changedDeleted,
    };
  }
}

function sameLayout(a: readonly ChunkColumn[], b: readonly ChunkColumn[]): boolean {
  return (
    a.length === b.length && a.every((col, i) => col.value === b[i]!.value && col.encoding === b[i]!.encoding)
  );
}
