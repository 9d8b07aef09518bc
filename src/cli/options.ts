/** Options shared by commands that read configuration. */
import { Option } from 'commander';
import { type Config, loadConfig } from '../config/config.js';

export const configOption = () =>
  new Option('-c, --config <file>', 'JSON config file (environment variables override it)').env(
    'STRIPE_ELT_CONFIG',
  );

/** Load config; flags given on the command line win over the environment. */
export function configFrom(opts: { config?: string }, overrides: (c: Config) => void = () => {}): Config {
  const config = loadConfig({ file: opts.config });
  overrides(config);
  return config;
}

export const ENV_HELP = `
Configuration (environment variables; a --config JSON file may hold the same settings):
  STRIPE_API_KEY        secret (sk_…) or restricted (rk_…) key — required
  STRIPE_API_BASE       API base URL, e.g. http://127.0.0.1:12111 for the emulator
  DESTINATION_URL       duckdb:./stripe.duckdb (default) or postgres://user:pass@host/db
  DESTINATION_SCHEMA    Postgres schema for the tables (default stripe)
  DUCKDB_MEMORY_LIMIT   DuckDB buffer pool cap, e.g. 1GB (default 512MB for a file)
  STRIPE_ACCOUNTS       self (default) | all (platform + connected accounts) | acct_1,acct_2
  STREAMS               comma-separated streams to sync (default all; see \`stripe-elt streams\`)
  EXCLUDE_STREAMS       streams to leave out, e.g. payment_methods,customer_tax_ids
  STRIPE_MAX_RPS        requests/s per account (default 100 live, 25 test)
  STRIPE_CONCURRENCY    requests in flight per account (default rate × 0.5 s)
  STRIPE_ACCOUNT_CONCURRENCY  accounts synced at once, each on its own rate budget (default 4)
  BATCH_ROWS            rows per destination write (default 1500)
  HEAP_TARGET_MB        JS heap above which a full GC is requested (default 48; 0 = V8 decides)
  LOG_LEVEL             debug | info | warn | error`;
