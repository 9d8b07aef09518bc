/** The conformance suite on DuckDB, in a fresh database file per test file. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbDestination } from '../../../src/destinations/duckdb/duckdbDestination.js';
import { describeDestination } from './conformance.js';

describeDestination('duckdb', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stripe-elt-duckdb-'));
  return {
    open: () => DuckDbDestination.open(join(dir, 'conformance.duckdb')),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});
