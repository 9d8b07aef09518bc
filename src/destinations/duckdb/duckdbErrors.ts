/**
 * DuckDB errors → EltError. DuckDB reports errors as messages prefixed with their class ("Constraint
 * Error: …", "Conversion Error: …", "IO Error: …"; duckdb.org/docs/stable/dev/internal_errors). Retryable:
 * optimistic-concurrency conflicts between transactions ("TransactionContext Error: … Conflict"), which a
 * replay of the idempotent write resolves. A file locked by another process is reported plainly: DuckDB
 * allows one writing process per file.
 */
import { redactSecrets } from '../../config/redact.js';
import { EltError } from '../../errors.js';

export function wrapDuckDbError(err: unknown, what: string): EltError {
  if (err instanceof EltError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const first = raw.replace(/\s*\n\s*/g, ' ').trim();
  if (/Could not set lock on file/i.test(first)) {
    return new EltError(
      redactSecrets(
        `duckdb: ${what}: the database file is open in another process (DuckDB allows one writer per file): ${first}`,
      ),
      false,
      { cause: err },
    );
  }
  const retryable =
    /TransactionContext Error.*conflict|write-write conflict|violates primary key constraint/i.test(first);
  return new EltError(redactSecrets(`duckdb: ${what}: ${first}`), retryable, { cause: err });
}
