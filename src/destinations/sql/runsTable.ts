/**
 * `_stripe_elt_runs`: one row per run and stream, upserted as the run progresses, so analysts can see
 * freshness and failures in SQL. Error texts are redacted again here: this table is output too.
 */
import { redactSecrets } from '../../config/redact.js';
import type { RunRecord } from '../destination.js';
import type { SqlExecutor, SqlParam } from './executor.js';
import { qualifiedName } from './identifiers.js';
import { toNumber } from './values.js';

export const RUNS_TABLE = '_stripe_elt_runs';

const COLUMNS = [
  'run_id',
  'account',
  'stream',
  'started_at',
  'finished_at',
  'status',
  'mode',
  'rows_inserted',
  'rows_updated',
  'rows_deleted',
  'api_requests',
  'rate_limited_retries',
  'error',
] as const;
const KEY = ['run_id', 'account', 'stream'];
const TIMES = new Set(['started_at', 'finished_at']);

export async function upsertRun(exec: SqlExecutor, schema: string | null, run: RunRecord): Promise<void> {
  const d = exec.dialect;
  const q = (n: string) => d.quoteIdentifier(n);
  const values = COLUMNS.map((c, i) =>
    TIMES.has(c) ? d.timestampFromEpoch(d.param(i + 1)) : d.param(i + 1),
  );
  const set = COLUMNS.filter((c) => !KEY.includes(c))
    .map((c) => `${q(c)} = EXCLUDED.${q(c)}`)
    .join(', ');
  const sql =
    `INSERT INTO ${qualifiedName(d, schema, RUNS_TABLE)} (${COLUMNS.map(q).join(', ')}) VALUES (${values.join(', ')}) ` +
    `ON CONFLICT (${KEY.map(q).join(', ')}) DO UPDATE SET ${set}`;
  const text = (s: string) => d.encodeText(s);
  const params: SqlParam[] = [
    text(run.runId),
    text(run.account),
    text(run.stream),
    run.startedAt.getTime() / 1000,
    run.finishedAt === null ? null : run.finishedAt.getTime() / 1000,
    text(run.status),
    text(run.mode),
    run.rowsInserted,
    run.rowsUpdated,
    run.rowsDeleted,
    run.apiRequests,
    run.rateLimitedRetries,
    run.error === null ? null : text(redactSecrets(run.error)),
  ];
  await exec.query(sql, params);
}

export async function readRunRecords(
  exec: SqlExecutor,
  schema: string | null,
  limit: number,
): Promise<RunRecord[]> {
  const d = exec.dialect;
  const q = (n: string) => d.quoteIdentifier(n);
  const select = COLUMNS.map((c) => (TIMES.has(c) ? d.readExpr(q(c), 'timestamp') : q(c))).join(', ');
  const res = await exec.query(
    `SELECT ${select} FROM ${qualifiedName(d, schema, RUNS_TABLE)} ORDER BY ${q('started_at')} DESC, ${KEY.map(q).join(', ')} LIMIT ${d.param(1)}`,
    [Math.max(0, Math.floor(limit))],
  );
  const str = (v: unknown) => d.decodeText(String(v));
  return res.rows.map((r) => ({
    runId: str(r[0]),
    account: str(r[1]),
    stream: str(r[2]),
    startedAt: new Date(Math.round(toNumber(r[3]) * 1000)),
    finishedAt: r[4] === null ? null : new Date(Math.round(toNumber(r[4]) * 1000)),
    status: str(r[5]),
    mode: str(r[6]),
    rowsInserted: toNumber(r[7]),
    rowsUpdated: toNumber(r[8]),
    rowsDeleted: toNumber(r[9]),
    apiRequests: toNumber(r[10]),
    rateLimitedRetries: toNumber(r[11]),
    error: r[12] === null ? null : str(r[12]),
  }));
}
