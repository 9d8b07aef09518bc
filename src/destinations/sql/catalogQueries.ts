/**
 * Questions a destination asks its own catalog (information_schema, which Postgres and DuckDB both
 * implement): which tables and columns exist, row counts for `status`, and dropping a table on reset.
 */
import type { ColumnType } from '../../schema/columnTypes.js';
import type { TableSpec } from '../../schema/tableSpec.js';
import type { Destination } from '../destination.js';
import type { SqlExecutor } from './executor.js';
import { qualifiedName } from './identifiers.js';
import { decodeValue, toNumber } from './values.js';

type Counts = Awaited<ReturnType<Destination['tableCounts']>>;

/** Existing column names per table, for the given tables (absent tables are absent from the map). */
export async function existingColumns(
  exec: SqlExecutor,
  schema: string,
  tables: readonly string[],
): Promise<Map<string, string[]>> {
  const d = exec.dialect;
  const out = new Map<string, string[]>();
  if (tables.length === 0) return out;
  const res = await exec.query(
    'SELECT table_name, column_name FROM information_schema.columns ' +
      `WHERE table_catalog = current_database() AND table_schema = ${d.param(1)} AND table_name IN (SELECT unnest(${d.textArrayParam(2)})) ` +
      'ORDER BY table_name, ordinal_position',
    [schema, tables],
  );
  for (const [table, column] of res.rows) {
    const list = out.get(String(table)) ?? [];
    list.push(String(column));
    out.set(String(table), list);
  }
  return out;
}

export async function countRows(
  exec: SqlExecutor,
  schema: string,
  tables: readonly string[],
): Promise<Counts> {
  const d = exec.dialect;
  const q = (n: string) => d.quoteIdentifier(n);
  const present = await existingColumns(exec, schema, tables);
  const out: Counts = [];
  for (const table of tables) {
    if (!present.has(table)) continue;
    const res = await exec.query(
      `SELECT ${q('_account')}, count(*) FILTER (WHERE ${q('_deleted')} IS NOT TRUE), count(*) FILTER (WHERE ${q('_deleted')}) ` +
        `FROM ${qualifiedName(d, schema, table)} GROUP BY 1 ORDER BY 1`,
    );
    for (const r of res.rows)
      out.push({ table, account: d.decodeText(String(r[0])), live: toNumber(r[1]), deleted: toNumber(r[2]) });
  }
  return out;
}

export async function dropTable(exec: SqlExecutor, schema: string, table: string): Promise<void> {
  await exec.query(`DROP TABLE IF EXISTS ${qualifiedName(exec.dialect, schema, table)}`);
}

/** Every row of a table in neutral values, ordered by primary key (verification and tests). */
export async function selectRows(
  exec: SqlExecutor,
  schema: string,
  spec: TableSpec,
  account?: string,
): Promise<(string | number | boolean | null)[][]> {
  const d = exec.dialect;
  const q = (n: string) => d.quoteIdentifier(n);
  const types: ColumnType[] = spec.columns.map((c) => c.type);
  const select = spec.columns.map((c) => d.readExpr(q(c.name), c.type)).join(', ');
  const order = spec.primaryKey.map(q).join(', ');
  const where = account === undefined ? '' : ` WHERE ${q('_account')} = ${d.param(1)}`;
  const res = await exec.query(
    `SELECT ${select} FROM ${qualifiedName(d, schema, spec.name)}${where} ORDER BY ${order}`,
    account === undefined ? [] : [d.encodeText(account)],
  );
  return res.rows.map((r) => r.map((v, i) => decodeValue(d, types[i]!, v)));
}
