/**
 * `_stripe_elt_state`: one JSON document per (account, stream), written in the same transaction as the
 * rows it covers (destination.ts `write`). Shared by the SQL destinations through SqlExecutor.
 */
import { decodeState, encodeState, latestPerKey } from '../../state/stateCodec.js';
import type { StateRecord } from '../../state/syncState.js';
import type { SqlExecutor } from './executor.js';
import { qualifiedName } from './identifiers.js';

export const STATE_TABLE = '_stripe_elt_state';

/**
 * UPDATE first, and INSERT … ON CONFLICT only for keys no row was updated for (a stream's first write, or
 * a concurrent first write that the conflict clause absorbs). The state row exists after a stream's first
 * write, and DuckDB's ON CONFLICT path is slow: 2.2 ms per one-row statement against 0.5 ms for the
 * UPDATE. A write carrying several records (a backfill's, typically 20–40) updates them in one statement
 * over the zipped arrays of keys and documents: one UPDATE and an INSERT per record took 3.9 s of a
 * 40 s `medium` sync into DuckDB.
 */
export async function upsertState(
  exec: SqlExecutor,
  schema: string | null,
  records: readonly StateRecord[],
): Promise<void> {
  const d = exec.dialect;
  const q = (n: string) => d.quoteIdentifier(n);
  const table = qualifiedName(d, schema, STATE_TABLE);
  const latest = latestPerKey(records);
  const onConflict = `ON CONFLICT (${q('account')}, ${q('stream')}) DO UPDATE SET ${q('state')} = EXCLUDED.${q('state')}, ${q('updated_at')} = EXCLUDED.${q('updated_at')}`;
  const json = (expr: string) => `CAST(${expr} AS ${d.columnType('json')})`;
  const setState = (expr: string) =>
    `SET ${q('state')} = ${json(expr)}, ${q('updated_at')} = CURRENT_TIMESTAMP`;
  const insertInto = `INSERT INTO ${table} (${q('account')}, ${q('stream')}, ${q('state')}, ${q('updated_at')}) `;
  if (latest.length === 1) {
    const r = latest[0]!;
    const params = [d.encodeText(r.account), d.encodeText(r.stream), d.encodeJson(encodeState(r))];
    const update = `UPDATE ${table} ${setState(d.param(3))} WHERE ${q('account')} = ${d.param(1)} AND ${q('stream')} = ${d.param(2)}`;
    if ((await exec.query(update, params)).rowCount === 0) {
      await exec.query(
        `${insertInto}VALUES (${d.param(1)}, ${d.param(2)}, ${json(d.param(3))}, CURRENT_TIMESTAMP) ${onConflict}`,
        params,
      );
    }
    return;
  }
  const params = [
    latest.map((r) => d.encodeText(r.account)),
    latest.map((r) => d.encodeText(r.stream)),
    latest.map((r) => d.encodeJson(encodeState(r))),
  ];
  // Set-returning functions side by side in one SELECT list are zipped (Postgres ≥ 10, DuckDB).
  const source = `SELECT unnest(${d.textArrayParam(1)}) AS k_account, unnest(${d.textArrayParam(2)}) AS k_stream, unnest(${d.textArrayParam(3)}) AS k_state`;
  const updated = await exec.query(
    `UPDATE ${table} AS t ${setState('s.k_state')} FROM (${source}) AS s WHERE t.${q('account')} = s.k_account AND t.${q('stream')} = s.k_stream`,
    params,
  );
  if (updated.rowCount < latest.length) {
    await exec.query(
      `${insertInto}SELECT s.k_account, s.k_stream, ${json('s.k_state')}, CURRENT_TIMESTAMP FROM (${source}) AS s ` +
        `WHERE NOT EXISTS (SELECT 1 FROM ${table} AS t WHERE t.${q('account')} = s.k_account AND t.${q('stream')} = s.k_stream) ${onConflict}`,
      params,
    );
  }
}

export async function readStateRecords(exec: SqlExecutor, schema: string | null): Promise<StateRecord[]> {
  const d = exec.dialect;
  const q = (n: string) => d.quoteIdentifier(n);
  const res = await exec.query(
    `SELECT ${q('account')}, ${q('stream')}, ${d.readExpr(q('state'), 'json')} FROM ${qualifiedName(d, schema, STATE_TABLE)} ORDER BY 1, 2`,
  );
  return res.rows.map((r) =>
    decodeState(d.decodeText(String(r[0])), d.decodeText(String(r[1])), d.decodeJson(String(r[2]))),
  );
}

export async function deleteState(
  exec: SqlExecutor,
  schema: string | null,
  keys: readonly { account: string; stream: string }[],
): Promise<void> {
  const d = exec.dialect;
  const q = (n: string) => d.quoteIdentifier(n);
  const sql = `DELETE FROM ${qualifiedName(d, schema, STATE_TABLE)} WHERE ${q('account')} = ${d.param(1)} AND ${q('stream')} = ${d.param(2)}`;
  for (const k of keys) await exec.query(sql, [d.encodeText(k.account), d.encodeText(k.stream)]);
}
