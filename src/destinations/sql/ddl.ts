/**
 * DDL from a TableSpec. Evolution is additive only (ARCHITECTURE.md §3): tables are created when missing
 * and columns added when missing; nothing is dropped, renamed or retyped, so an analyst's query that
 * worked yesterday keeps working.
 */
import type { Column } from '../../schema/columnTypes.js';
import type { TableSpec } from '../../schema/tableSpec.js';
import { type Dialect, SEQ_COLUMN } from './dialect.js';
import { qualifiedName } from './identifiers.js';

/**
 * `keyed: false` leaves the PRIMARY KEY constraint out: the destination then keeps keys unique itself
 * (DuckDB, whose key index costs more than it saves: see duckdbMerge.ts).
 */
export function createTableSql(
  dialect: Dialect,
  schema: string | null,
  spec: TableSpec,
  opts: { keyed?: boolean } = {},
): string {
  const cols = spec.columns.map((c) => `${dialect.quoteIdentifier(c.name)} ${dialect.columnType(c.type)}`);
  if (opts.keyed !== false) {
    const pk = spec.primaryKey.map((k) => dialect.quoteIdentifier(k)).join(', ');
    cols.push(`PRIMARY KEY (${pk})`);
  }
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(dialect, schema, spec.name)} (${cols.join(', ')})`;
}

export function addColumnSql(dialect: Dialect, schema: string | null, table: string, column: Column): string {
  return `ALTER TABLE ${qualifiedName(dialect, schema, table)} ADD COLUMN IF NOT EXISTS ${dialect.quoteIdentifier(column.name)} ${dialect.columnType(column.type)}`;
}

/** Columns of `spec` missing from a table that has `existing` columns (compared as the warehouse does). */
export function missingColumns(dialect: Dialect, spec: TableSpec, existing: Iterable<string>): Column[] {
  const have = new Set([...existing].map((n) => dialect.foldIdentifier(n)));
  return spec.columns.filter((c) => !have.has(dialect.foldIdentifier(c.name)));
}

/**
 * Column list of the staging table: the spec's columns in staging types, then the load sequence. The
 * caller adds TEMP / ON COMMIT clauses its warehouse wants.
 */
export function stagingColumnsSql(dialect: Dialect, spec: TableSpec): string {
  const cols = spec.columns.map((c) => `${dialect.quoteIdentifier(c.name)} ${dialect.stagingType(c.type)}`);
  return `${cols.join(', ')}, ${dialect.quoteIdentifier(SEQ_COLUMN)} BIGINT`;
}
