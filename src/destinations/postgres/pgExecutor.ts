/**
 * A pg client as a SqlExecutor. Rows come back as arrays (`rowMode: 'array'`), so column order, not
 * names, matters; the shared SQL casts anything whose JS form would be lossy (int8, numeric, timestamptz)
 * to text in the select list.
 */
import type { PoolClient, QueryResult } from 'pg';
import type { Dialect } from '../sql/dialect.js';
import type { SqlExecutor, SqlParam, SqlResult } from '../sql/executor.js';
import { postgresDialect } from './postgresDialect.js';

export class PgExecutor implements SqlExecutor {
  readonly dialect: Dialect = postgresDialect;

  constructor(readonly client: PoolClient) {}

  async query(sql: string, params: readonly SqlParam[] = []): Promise<SqlResult> {
    const res: QueryResult<unknown[]> = await this.client.query({
      text: sql,
      values: [...params],
      rowMode: 'array',
    });
    return { rows: res.rows ?? [], rowCount: res.rowCount ?? 0 };
  }
}
