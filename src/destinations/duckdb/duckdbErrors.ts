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
  if (/^Out of Memory Error/i.test(first)) {
    // The buffer pool is capped (duckdbDestination.ts DEFAULT_FILE_MEMORY_LIMIT); what it cannot evict
    // (data not yet checkpointed, a statement's working memory) must fit. DuckDB's own hints (threads,
    // preserve_insertion_order) do not apply to a sync, so they are left out.
    const detail = first.replace(/\s*Possible solutions:.*$/i, '');
    return new EltError(
      redactSecrets(
        `duckdb: ${what}: DuckDB needed more memory than its memory_limit allows: set DUCKDB_MEMORY_LIMIT higher (e.g. 512MB) and run the sync again; it resumes from the last commit (${detail})`,
      ),
      false,
      { cause: err },
    );
  }
  const retryable =
    /TransactionContext Error.*conflict|write-write conflict|violates primary key constraint/i.test(first);
  return new EltError(redactSecrets(`duckdb: ${what}: ${first}`), retryable, { cause: err });
}
