/**
 * One batch into DuckDB: a temp staging table, the appender, then the merge of merge.ts, shaped by how
 * DuckDB 1.5 performs (measured with 5 000 charge rows per batch, CPU per batch):
 *
 * - `INSERT … ON CONFLICT DO UPDATE` (duckdb.org/docs/stable/sql/statements/insert#on-conflict-clause)
 *   applies the version guard correctly, but costs grow with the table even when no key conflicts:
 *   ~170 ms at 100k rows, ~700 ms at 600k, against ~50 ms for a plain INSERT. UPDATE … FROM and
 *   DELETE + INSERT were slower still for the rows that do conflict.
 * - A semi-join probe of the staged keys costs ~3.5 ms per 100k table rows (a scan of the key columns).
 *
 * So: probe how many staged keys exist. None (every backfill batch) → one plain INSERT. Otherwise the
 * upsert runs only over the rows whose key exists, and a plain INSERT takes the rest; the `_synced_at`
 * bump runs when the guard kept some rows. DuckDB has no `xmax`, so these counts are also how inserted
 * and updated rows are told apart; staged soft deletes are classified by a join first (only when the
 * batch has any).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Row } from '../../schema/rowBuilder.js';
import type { TableSpec } from '../../schema/tableSpec.js';
import { stagingColumnsSql } from '../sql/ddl.js';
import type { Dialect } from '../sql/dialect.js';
import type { SqlExecutor } from '../sql/executor.js';
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
import { appendRows } from './stagingAppender.js';

const STAGING = '_stripe_elt_stg';

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
  return {
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

  constructor(
    private readonly dialect: Dialect,
    private readonly schema: string,
  ) {}

  async load(
    connection: DuckDBConnection,
    exec: SqlExecutor,
    spec: TableSpec,
    rows: readonly Row[],
  ): Promise<BatchCounts> {
    let c = this.compiled.get(spec);
    if (!c) {
      c = compile({ dialect: this.dialect, schema: this.schema, spec });
      this.compiled.set(spec, c);
    }
    const keys = distinctKeyCount(spec, rows);
    const m = keys < rows.length ? c.deduped : c.plain;
    await exec.query(c.createStaging);
    await appendRows(connection, STAGING, spec, rows);
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
