import { describe, expect, it } from 'vitest';
import { wrapDuckDbError } from '../../../src/destinations/duckdb/duckdbErrors.js';
import { isRetryablePgError, wrapPgError } from '../../../src/destinations/postgres/pgErrors.js';
import { EltError } from '../../../src/errors.js';

function pgError(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

describe('Postgres errors', () => {
  it('marks connection, serialization, deadlock and lock errors retryable, others not', () => {
    for (const code of ['40001', '40P01', '57P01', '08006', '08001', '55P03', 'ECONNRESET', 'ECONNREFUSED']) {
      expect(isRetryablePgError(pgError(code, 'x')), code).toBe(true);
    }
    for (const code of ['23505', '22P02', '42P01', '28P01'])
      expect(isRetryablePgError(pgError(code, 'x')), code).toBe(false);
    expect(isRetryablePgError(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('keeps the SQLSTATE, makes one line, and redacts passwords', () => {
    const err = wrapPgError(
      pgError('08006', 'could not connect\nto postgres://app:s3cret@db:5432/x', { detail: 'line two' }),
      'writing',
    );
    expect(err).toBeInstanceOf(EltError);
    expect(err.sqlState).toBe('08006');
    expect(err.retryable).toBe(true);
    expect(err.message).not.toContain('\n');
    expect(err.message).not.toContain('s3cret');
    expect(err.message).toMatch(
      /^postgres: writing: could not connect to postgres:\/\/app:\*\*\*\*@db:5432\/x \(line two\) \[SQLSTATE 08006\]$/,
    );
  });

  it('passes EltErrors through unchanged', () => {
    const original = new EltError('mine', false);
    expect(wrapPgError(original, 'x')).toBe(original);
  });
});

describe('DuckDB errors', () => {
  it('explains a file locked by another process', () => {
    const err = wrapDuckDbError(
      new Error('IO Error: Could not set lock on file "/x.duckdb": Conflicting lock is held'),
      'opening /x.duckdb',
    );
    expect(err.message).toMatch(/open in another process/);
    expect(err.retryable).toBe(false);
  });

  it('tells what to do when DuckDB runs out of its memory limit', () => {
    const err = wrapDuckDbError(
      new Error(
        'Out of Memory Error: failed to allocate data of size 32.0 KiB (61.0 MiB/61.0 MiB used)\n\nPossible solutions:\n* Reducing the number of threads (SET threads=X)\n* Increasing the memory limit',
      ),
      'writing a batch',
    );
    expect(err.message).toBe(
      'duckdb: writing a batch: DuckDB needed more memory than its memory_limit allows: set DUCKDB_MEMORY_LIMIT higher (e.g. 512MB) and run the sync again; it resumes from the last commit (Out of Memory Error: failed to allocate data of size 32.0 KiB (61.0 MiB/61.0 MiB used))',
    );
    expect(err.retryable).toBe(false);
  });

  it('treats transaction conflicts as retryable', () => {
    expect(
      wrapDuckDbError(new Error('TransactionContext Error: Catalog write-write conflict on alter'), 'w')
        .retryable,
    ).toBe(true);
    expect(
      wrapDuckDbError(
        new Error('Constraint Error: Duplicate key "id: k1" violates primary key constraint'),
        'w',
      ).retryable,
    ).toBe(true);
    expect(wrapDuckDbError(new Error('Conversion Error: Could not convert'), 'w').retryable).toBe(false);
  });
});
