/**
 * A DuckDB connection as a SqlExecutor, with every statement serialised: DuckDB transactions belong to
 * the connection, so the destination keeps one connection and runs one operation at a time on it (a
 * write's BEGIN … COMMIT is one operation). Parallelism, where any, comes from DuckDB's own threads inside each
 * statement, not from concurrent statements.
 */
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  listValue,
  SQLNULL,
  VARCHAR,
} from '@duckdb/node-api';
import type { Dialect } from '../sql/dialect.js';
import type { SqlExecutor, SqlParam, SqlResult } from '../sql/executor.js';
import { duckdbDialect } from './duckdbDialect.js';

function bindParam(p: SqlParam): [DuckDBValue, DuckDBType] {
  if (p === null) return [null, SQLNULL];
  if (typeof p === 'string') return [p, VARCHAR];
  if (typeof p === 'boolean') return [p, BOOLEAN];
  // Integers bind as BIGINT (not the driver's default INTEGER) so counts and versions never overflow.
  if (typeof p === 'number') return Number.isSafeInteger(p) ? [BigInt(p), BIGINT] : [p, DOUBLE];
  // Typed explicitly: an empty list has no element to infer its type from.
  return [listValue([...p]), LIST(VARCHAR)];
}

export class DuckDbExecutor implements SqlExecutor {
  readonly dialect: Dialect = duckdbDialect;

  constructor(readonly connection: DuckDBConnection) {}

  async query(sql: string, params: readonly SqlParam[] = []): Promise<SqlResult> {
    const bound = params.map(bindParam);
    const result =
      bound.length === 0
        ? await this.connection.run(sql)
        : await this.connection.run(
            sql,
            bound.map((b) => b[0]),
            bound.map((b) => b[1]),
          );
    const rows = (await result.getRows()) as unknown[][];
    return { rows, rowCount: result.rowsChanged };
  }
}

/** Runs operations one at a time, in call order. */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => {});
    return next;
  }
}
