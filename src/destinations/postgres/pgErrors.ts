/**
 * pg errors → EltError: one line, secrets redacted, SQLSTATE kept, and `retryable` set for what a retry
 * can fix (postgresql.org/docs/current/errcodes-appendix.html):
 * - class 08 connection exceptions, 57P01..57P03 (admin shutdown, crash shutdown, cannot connect now),
 * - 40001 serialization failure and 40P01 deadlock (the transaction was rolled back; replaying it is safe
 *   because writes are idempotent),
 * - 55P03 lock not available (our DDL lock_timeout), 53300 too many connections,
 * - socket-level errors without a SQLSTATE (ECONNRESET, ECONNREFUSED, ETIMEDOUT…).
 */
import { redactSecrets } from '../../config/redact.js';
import { EltError } from '../../errors.js';

const RETRYABLE_STATES = new Set(['40001', '40P01', '55P03', '53300', '57P01', '57P02', '57P03']);
const RETRYABLE_NET = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

interface PgLikeError {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  table?: unknown;
  column?: unknown;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

export function isRetryablePgError(err: unknown): boolean {
  const code = (err as PgLikeError | null)?.code;
  if (typeof code !== 'string') {
    // pg raises plain Errors when the socket goes away mid-query.
    const msg = err instanceof Error ? err.message : '';
    return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(msg);
  }
  return code.startsWith('08') || RETRYABLE_STATES.has(code) || RETRYABLE_NET.has(code);
}

/** Wraps anything thrown by pg; EltErrors pass through unchanged. `what` says what we were doing. */
export function wrapPgError(err: unknown, what: string): EltError {
  if (err instanceof EltError) return err;
  const e = (err ?? {}) as PgLikeError;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const sqlState = code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const base = typeof e.message === 'string' ? e.message : String(err);
  // `detail` names the offending key or value position; it is useful and holds no credentials, but it
  // can hold data, so it is kept to one line and redacted like everything else.
  const detail = typeof e.detail === 'string' && e.detail ? ` (${e.detail})` : '';
  const where =
    typeof e.table === 'string'
      ? ` [table ${e.table}${typeof e.column === 'string' ? `, column ${e.column}` : ''}]`
      : '';
  const state = sqlState ? ` [SQLSTATE ${sqlState}]` : code ? ` [${code}]` : '';
  const message = redactSecrets(oneLine(`postgres: ${what}: ${base}${detail}${where}${state}`));
  return new EltError(message, isRetryablePgError(err), { cause: err, sqlState });
}
