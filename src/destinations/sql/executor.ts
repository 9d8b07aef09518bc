/**
 * The one method the shared SQL code needs from a driver (in the spirit of node-postgres' `submit`):
 * run a statement with positional parameters and get rows back as arrays of driver values. Each
 * destination adapts its client (a pg PoolClient, a DuckDB connection) to this; the state, runs and
 * migration code is then written once.
 */
import type { Dialect } from './dialect.js';

/** Parameters are scalars or a text array (for `x IN (SELECT unnest($n))`); never spliced into SQL. */
export type SqlParam = string | number | boolean | null | readonly string[];

export interface SqlResult {
  /** Rows as arrays of raw driver values (strings, numbers, bigints, booleans, null). */
  rows: unknown[][];
  /** Rows inserted/updated/deleted by a DML statement. */
  rowCount: number;
}

export interface SqlExecutor {
  readonly dialect: Dialect;
  query(sql: string, params?: readonly SqlParam[]): Promise<SqlResult>;
}
