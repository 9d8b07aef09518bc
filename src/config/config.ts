/**
 * Configuration from environment variables and an optional JSON config file (`--config`, or
 * `STRIPE_ELT_CONFIG`), validated with zod. The environment wins over the file. Errors name the field
 * and say what to do; secrets are never echoed.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { redactSecrets } from './redact.js';

const accountsSchema = z.union([
  z.literal('self'),
  z.literal('all'),
  z.array(z.string().regex(/^acct_[A-Za-z0-9]+$/, 'must be an account id like acct_1ABC')),
]);

export const ConfigSchema = z.object({
  stripe: z.object({
    /** Required by commands that call Stripe (see requireApiKey); `status` and `reset` work without. */
    apiKey: z
      .string()
      .regex(
        /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/,
        'must look like sk_test_…, sk_live_…, rk_test_… or rk_live_… (check STRIPE_API_KEY)',
      )
      .optional(),
    /** Base URL of the API (the emulator, a proxy); default Stripe's. */
    apiBase: z.url({ error: 'must be a URL such as http://127.0.0.1:12111' }).optional(),
    /** `self` (the key's account), `all` (platform + every connected account), or a list of acct_ ids. */
    accounts: accountsSchema.default('self'),
    /** Requests per second per account; default by key mode (live 100, test 25). */
    maxRequestsPerSecond: z.number().positive().optional(),
    endpointRequestsPerSecond: z.number().positive().default(25),
    /** Requests in flight per account; default sized from the rate (rate × 0.4 s). */
    concurrency: z.number().int().positive().max(256).optional(),
    timeoutMs: z.number().int().positive().default(80_000),
    /**
     * Accounts synced at once. Each account has its own rate budget at Stripe, so a platform with
     * connected accounts is only bound by Stripe when several are synced together: the platform's
     * slowest endpoint (typically one customer child list at 25 req/s) then hides the others' time.
     * They share one writer, so memory does not grow with it.
     */
    accountConcurrency: z.number().int().positive().max(64).default(4),
  }),
  destination: z.object({
    url: z.string().default('duckdb:./stripe.duckdb'),
    /** Postgres schema for the tables. */
    schema: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
      .default('stripe'),
    /**
     * DuckDB: cap on its buffer pool (e.g. `300MB`, `1GB`); 512MB for a database file when unset
     * (duckdbDestination.ts, DEFAULT_FILE_MEMORY_LIMIT). The destination commits and checkpoints before
     * uncommitted or unflushed data passes a half / a quarter of it (at most 48 / 32 MB).
     */
    duckdbMemoryLimit: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'must be a size such as 300MB or 1GB')
      .optional(),
  }),
  sync: z.object({
    /** Streams to sync (default all); names from `stripe-elt streams`. */
    streams: z.array(z.string()).optional(),
    /** Streams to leave out, e.g. per-parent streams on very large accounts. */
    excludeStreams: z.array(z.string()).default([]),
    /**
     * Rows buffered before a write to the destination (the writer holds up to twice that, as parsed
     * objects). 1 500 (with the 48 MB heap target below): the `large` DuckDB bench (4 accounts) peaked
     * at 388 MB against 403 MB with 2 500 and 64 MB, at the same 91.9% of the rate ceiling, for 196
     * against 166 CPU-s (2026-12-05, one boot). Earlier, 2 500 against 5 000: 467 against 493 MB, 90–91%
     * either way; the DuckDB load bench ran as fast (19.2k against 18.0k rows/s, same boot).
     */
    batchRows: z.number().int().positive().default(1_500),
    /**
     * Used JS heap (MB) past which a sync asks V8 for a full collection (src/engine/heapGuard.ts): keeps
     * resident memory near the live set instead of V8's growth heuristics; 0 leaves it to V8. 48 (was
     * 96, then 64): on live `large` runs 64 held the JS heap at ~100 MB resident instead of ~120 MB, at
     * the same request rate in the CPU-bound first minutes (24.3k requests in 100 s either way); 48 with
     * 1 500-row batches: see batchRows.
     */
    heapTargetMb: z.number().int().nonnegative().default(48),
    /** Lookback for created-cursor streams (balance transactions change status without events). */
    createdLookbackHours: z
      .number()
      .nonnegative()
      .default(7 * 24),
    /** Hours between full re-lists of streams with unreliable events; 0 disables. */
    reconcileHours: z.number().nonnegative().optional(),
    /** Metadata: max promoted columns per table, and typed keys per table. */
    metadataColumnsMax: z.number().int().nonnegative().default(200),
    metadataTypes: z
      .record(z.string(), z.record(z.string(), z.enum(['text', 'bigint', 'double', 'boolean', 'timestamp'])))
      .default({}),
  }),
  serve: z.object({
    /** Cron expression for scheduled syncs (node-cron syntax); hourly by default. */
    schedule: z.string().default('0 * * * *'),
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Required for POST /sync when host is not loopback. */
    triggerToken: z.string().optional(),
  }),
});
export type Config = z.infer<typeof ConfigSchema>;

type Env = Record<string, string | undefined>;

function list(v: string | undefined): string[] | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function num(v: string | undefined): number | string | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : v; // keep the string so zod reports the field
}

function accountsFrom(v: string | undefined): unknown {
  if (v === undefined || v.trim() === '') return undefined;
  const t = v.trim();
  return t === 'self' || t === 'all' ? t : list(t);
}

/** Remove undefined leaves so defaults and file values apply. */
function prune<T>(o: T): T {
  if (Array.isArray(o) || o === null || typeof o !== 'object') return o;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) if (v !== undefined) out[k] = prune(v);
  return out as T;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      b && typeof b === 'object' && !Array.isArray(b) && v && typeof v === 'object' && !Array.isArray(v)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export function envConfig(env: Env): Record<string, unknown> {
  return prune({
    stripe: {
      apiKey: env.STRIPE_API_KEY,
      apiBase: env.STRIPE_API_BASE,
      accounts: accountsFrom(env.STRIPE_ACCOUNTS),
      maxRequestsPerSecond: num(env.STRIPE_MAX_RPS),
      endpointRequestsPerSecond: num(env.STRIPE_ENDPOINT_RPS),
      concurrency: num(env.STRIPE_CONCURRENCY),
      timeoutMs: num(env.STRIPE_TIMEOUT_MS),
      accountConcurrency: num(env.STRIPE_ACCOUNT_CONCURRENCY),
    },
    destination: {
      url: env.DESTINATION_URL,
      schema: env.DESTINATION_SCHEMA,
      duckdbMemoryLimit: env.DUCKDB_MEMORY_LIMIT,
    },
    sync: {
      streams: list(env.STREAMS),
      excludeStreams: list(env.EXCLUDE_STREAMS),
      batchRows: num(env.BATCH_ROWS),
      heapTargetMb: num(env.HEAP_TARGET_MB),
      createdLookbackHours: num(env.CREATED_LOOKBACK_HOURS),
      reconcileHours: num(env.RECONCILE_HOURS),
      metadataColumnsMax: num(env.METADATA_COLUMNS_MAX),
    },
    serve: {
      schedule: env.SYNC_SCHEDULE,
      host: env.HTTP_HOST,
      port: num(env.HTTP_PORT),
      triggerToken: env.TRIGGER_TOKEN,
    },
  });
}

function readFileConfig(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Human-readable, one line per problem: `stripe.apiKey: is required: set STRIPE_API_KEY …`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${redactSecrets(i.message)}`).join('; ');
}

export function loadConfig(opts: { env?: Env; file?: string } = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.STRIPE_ELT_CONFIG;
  const fromFile = file ? readFileConfig(file) : {};
  const raw = merge(merge({ stripe: {}, destination: {}, sync: {}, serve: {} }, fromFile), envConfig(env));
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

export type ConfigWithKey = Config & { stripe: Config['stripe'] & { apiKey: string } };

export function requireApiKey(config: Config): ConfigWithKey {
  if (!config.stripe.apiKey) {
    throw new ConfigError(
      'STRIPE_API_KEY is not set: export a secret (sk_…) or restricted (rk_…) key from the Stripe Dashboard',
    );
  }
  return config as ConfigWithKey;
}
