/**
 * `runSync`: the library entry point behind `stripe-elt sync`. Opens the destination, loads state,
 * shapes tables, resolves accounts, syncs each account on its own rate budget, commits, and records one
 * run row per account and stream in `_stripe_elt_runs`.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { currencyRows } from '../catalog/currencies.js';
import { Catalog, catalog as defaultCatalog } from '../catalog/registry.js';
import { type Config, requireApiKey } from '../config/config.js';
import type { Destination, RunRecord } from '../destinations/destination.js';
import { openDestination } from '../destinations/index.js';
import type { Logger } from '../observability/logger.js';
import { loadSchemas } from '../schema/jsonSchema.js';
import { type RequestCounters, StripeClient } from '../stripe/client.js';
import { forEachAccount } from './accountPool.js';
import { type StreamOutcome, syncAccount } from './accountSync.js';
import { resolveAccounts } from './accounts.js';
import { BatchWriter } from './batchWriter.js';
import { StateStore, TABLE_ACCOUNT } from './stateStore.js';
import { selectStreams } from './streamSelection.js';
import { counterKey, type SyncContext } from './syncContext.js';
import type { SyncProgress } from './syncProgress.js';
import { TableModel } from './tableModel.js';

export interface RunSyncOptions {
  config: Config;
  logger: Logger;
  /** Override the configured streams (CLI `--streams`). */
  streams?: string[];
  fullRefresh?: boolean;
  /** Override the configured accounts (CLI `--account`). */
  accounts?: Config['stripe']['accounts'];
  signal?: AbortSignal;
  /** Use this destination instead of opening `config.destination.url` (tests, embedding). */
  destination?: Destination;
  catalog?: Catalog;
  /** Observer for progress rendering. */
  onRows?: (table: string, rows: number) => void;
  /** Filled in with the backfill's progress (the fraction behind a progress bar's ETA). */
  progress?: SyncProgress;
}

export interface StreamReport {
  account: string;
  stream: string;
  status: string;
  inserted: number;
  updated: number;
  deleted: number;
  apiRequests: number;
  rateLimited: number;
  error: string | null;
}

export interface SyncReport {
  runId: string;
  ok: boolean;
  startedAt: Date;
  finishedAt: Date;
  accounts: string[];
  streams: StreamReport[];
  warnings: string[];
}

const nowSeconds = () => Date.now() / 1000;

export async function runSync(opts: RunSyncOptions): Promise<SyncReport> {
  const { logger } = opts;
  const config = requireApiKey(opts.config);
  const runId = randomUUID();
  const startedAt = new Date();
  const cat = opts.catalog ?? defaultCatalog;
  const enabled = selectStreams(cat, opts.streams ?? config.sync.streams, config.sync.excludeStreams);
  const signal = opts.signal ?? new AbortController().signal;
  // Every in-flight request and budget wait listens on the run's signal.
  setMaxListeners(10_000, signal);
  const client = new StripeClient({
    apiKey: config.stripe.apiKey,
    apiBase: config.stripe.apiBase,
    timeoutMs: config.stripe.timeoutMs,
    globalRate: config.stripe.maxRequestsPerSecond,
    endpointRate: config.stripe.endpointRequestsPerSecond,
  });
  const globalRate = config.stripe.maxRequestsPerSecond ?? (client.mode === 'live' ? 100 : 25);
  // In flight ≈ rate × latency: Stripe list pages take ~0.3–0.5 s, so 0.5 s of the rate, at least 4.
  const concurrency = config.stripe.concurrency ?? Math.max(4, Math.ceil(globalRate * 0.5));
  const perEndpoint = Math.max(2, Math.ceil(config.stripe.endpointRequestsPerSecond * 0.5));

  // Fail fast on a bad key before touching the destination (a wrong key must stop within seconds).
  const accounts = await resolveAccounts(client, opts.accounts ?? config.stripe.accounts, signal);

  const destination =
    opts.destination ??
    (await openDestination(config.destination.url, {
      schema: config.destination.schema,
      duckdbSettings: config.destination.duckdbMemoryLimit
        ? { memory_limit: config.destination.duckdbMemoryLimit }
        : undefined,
    }));
  const counters = new Map<string, RequestCounters>();
  const warnings: string[] = [];
  const reports: StreamReport[] = [];
  try {
    await destination.init(signal);
    const state = new StateStore(await destination.readState(signal));
    const { schemas } = await loadSchemas();
    const tables = new Map<string, TableModel>();
    for (const name of enabled) {
      const stream = cat.get(name);
      tables.set(
        name,
        new TableModel(stream, schemas, state.stream(TABLE_ACCOUNT, name), {
          maxIdentifierLength: destination.capabilities.maxIdentifierLength,
          metadataColumnsMax: config.sync.metadataColumnsMax,
          metadataTypes: config.sync.metadataTypes[name],
        }),
      );
    }
    await destination.ensureTables(
      [...tables.values()].map((t) => t.spec),
      signal,
    );
    const writer = new BatchWriter(destination, tables, state, {
      batchRows: config.sync.batchRows,
      // One batch being written and one filling: producers wait beyond that, and backfill requests are
      // not sent while the rows buffered and those promised to requests in flight reach it
      // (BatchWriter.reserve). Objects are large (an invoice with its lines is ~10 kB in memory), so
      // this is the main bound on the extractor's heap.
      maxBufferedRows: config.sync.batchRows * 2,
      now: nowSeconds,
      signal,
    });
    if (opts.onRows) writer.onCommitted = opts.onRows;
    const ctx: SyncContext = {
      client,
      catalog: cat,
      enabled,
      tables,
      writer,
      state,
      log: logger,
      signal,
      progress: opts.progress,
      counters: (account, stream) => {
        const k = counterKey(account, stream);
        let c = counters.get(k);
        if (!c) {
          c = { requests: 0, rateLimited: 0, retries: 0 };
          counters.set(k, c);
        }
        return c;
      },
      settings: {
        createdLookbackSeconds: config.sync.createdLookbackHours * 3600,
        windowsPerStream: 8,
      },
    };
    if (enabled.has('currencies')) {
      await writer.add(
        'currencies',
        currencyRows().map((r) => ({ obj: { ...r }, account: 'stripe', version: 0, deleted: false })),
      );
    }
    const outcomes = new Map<string, Map<string, StreamOutcome>>();
    opts.progress?.expectAccounts(accounts.length);
    await forEachAccount(
      accounts,
      config.stripe.accountConcurrency,
      signal,
      async (account, accountSignal) => {
        logger.info({ account: account.id }, 'syncing account');
        const o = await syncAccount({ ...ctx, signal: accountSignal }, account, {
          fullRefresh: opts.fullRefresh ?? false,
          concurrency,
          perEndpoint,
          now: nowSeconds,
          warn: (m) => {
            warnings.push(m);
            logger.warn(m);
          },
        });
        outcomes.set(account.id, o);
        opts.progress?.accountDone(account.id);
        logger.info({ account: account.id }, 'account synced');
      },
    );
    await writer.flush();
    const finishedAt = new Date();
    // Reports in the accounts' order, whatever order their syncs finished in.
    for (const { id: account } of accounts) {
      for (const [stream, outcome] of outcomes.get(account) ?? []) {
        const stats = writer.stats.get(counterKey(account, stream)) ?? {
          inserted: 0,
          updated: 0,
          deleted: 0,
        };
        const c = counters.get(counterKey(account, stream)) ?? { requests: 0, rateLimited: 0, retries: 0 };
        const report: StreamReport = {
          account,
          stream,
          status: outcome.status,
          inserted: stats.inserted,
          updated: stats.updated,
          deleted: stats.deleted,
          apiRequests: c.requests,
          rateLimited: c.rateLimited,
          error: outcome.status === 'succeeded' ? null : outcome.error,
        };
        reports.push(report);
        await destination.recordRun(
          toRunRecord(runId, startedAt, finishedAt, opts.fullRefresh ? 'full_refresh' : 'sync', report),
          signal,
        );
      }
    }
    return {
      runId,
      ok: reports.every((r) => r.status !== 'failed'),
      startedAt,
      finishedAt,
      accounts: accounts.map((a) => a.id),
      streams: reports,
      warnings,
    };
  } finally {
    if (!opts.destination) await destination.close();
  }
}

function toRunRecord(
  runId: string,
  startedAt: Date,
  finishedAt: Date,
  mode: string,
  r: StreamReport,
): RunRecord {
  return {
    runId,
    account: r.account,
    stream: r.stream,
    startedAt,
    finishedAt,
    status: r.status,
    mode,
    rowsInserted: r.inserted,
    rowsUpdated: r.updated,
    rowsDeleted: r.deleted,
    apiRequests: r.apiRequests,
    rateLimitedRetries: r.rateLimited,
    error: r.error,
  };
}

export { Catalog };
