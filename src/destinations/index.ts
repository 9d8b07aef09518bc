/**
 * Destination URLs → destinations. Each driver is imported only when its scheme is used
 * (ARCHITECTURE.md §7.6), so a DuckDB user never loads pg and a Postgres user never loads DuckDB's
 * native binding.
 *
 *   duckdb:./stripe.duckdb        a file, relative to the working directory (the default destination)
 *   duckdb:/var/lib/stripe.duckdb an absolute path
 *   duckdb::memory:               a private in-memory database (demos, tests)
 *   postgres://user:pass@host:5432/db?sslmode=require   (postgresql:// too)
 */
import { redactSecrets } from '../config/redact.js';
import { ConfigError } from '../errors.js';
import type { Destination } from './destination.js';

export type { Batch, Destination, DestinationCapabilities, RunRecord, WriteStats } from './destination.js';

export interface OpenDestinationOptions {
  /** Postgres schema for the tables (default `stripe`). */
  schema?: string;
  /** Postgres pool size (default 4). */
  poolSize?: number;
  /** DuckDB settings applied when the file is first opened (`threads`, `memory_limit`, …). */
  duckdbSettings?: Record<string, string>;
  /** DuckDB: append batches of new keys straight into the table (DuckDbOptions.directAppend). */
  duckdbDirectAppend?: boolean;
}

export const DEFAULT_DESTINATION_URL = 'duckdb:./stripe.duckdb';

export async function openDestination(url: string, opts: OpenDestinationOptions = {}): Promise<Destination> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'duckdb': {
      const path = url.slice('duckdb:'.length);
      if (path.length === 0)
        throw new ConfigError('destination duckdb: needs a file path, e.g. duckdb:./stripe.duckdb');
      if (path.startsWith('//')) {
        throw new ConfigError(
          `destination ${redactSecrets(url)}: write duckdb:./file.duckdb or duckdb:/absolute/path (no //)`,
        );
      }
      const { DuckDbDestination } = await import('./duckdb/duckdbDestination.js');
      return DuckDbDestination.open(path, {
        settings: opts.duckdbSettings,
        directAppend: opts.duckdbDirectAppend,
      });
    }
    case 'postgres':
    case 'postgresql': {
      const { PostgresDestination } = await import('./postgres/postgresDestination.js');
      return new PostgresDestination(url, { schema: opts.schema, poolSize: opts.poolSize });
    }
    default:
      throw new ConfigError(
        `unsupported destination ${JSON.stringify(redactSecrets(url))}: use duckdb:./stripe.duckdb, duckdb:/absolute/path or postgres://user@host/db`,
      );
  }
}
