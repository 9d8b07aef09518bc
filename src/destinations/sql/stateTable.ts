/**
 * `_stripe_elt_state`: one JSON document per (account, stream), written in the same transaction as the
 * rows it covers (destination.ts `write`). Shared by the SQL destinations through SqlExecutor.
 */
import { decodeState, encodeState, latestPerKey } from '../../state/stateCodec.js';
import type { StateRecord } from '../../state/syncState.js';
import type { SqlExecutor } from './executor.js';
import { qualifiedName } from './identifiers.js';

export const STATE_TABLE = '_stripe_elt_state';

export async function upsertState(
  exec: SqlExecutor,
  schema: string | null,
  records: readonly StateRecord[],
): Promise<void> {
  const d = exec.dialect;
  const q = (n: string) => d.quoteIdentifier(n);
  const sql =
    `INSERT INTO ${qualifiedName(d, schema, STATE_TABLE)} (${q('account')}, ${q('stream')}, ${q('state')}, ${q('updated_at')}) ` +
    `VALUES (${d.param(1)}, ${d.param(2)}, CAST(${d.param(3)} AS ${d.columnType('json')}), CURRENT_TIMESTAMP) ` +
    `ON CONFLICT (${q('account')}, ${q('stream')}) DO UPDATE SET ${q('state')} = EXCLUDED.${q('state')}, ${q('updated_at')} = EXCLUDED.${q('updated_at')}`;
  for (const r of latestPerKey(records)) {
    await exec.query(sql, [d.encodeText(r.account), d.encodeText(r.stream), d.encodeJson(encodeState(r))]);
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
