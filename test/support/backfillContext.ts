/**
 * A SyncContext for driving a BackfillUnit in unit tests: the real catalogue, a scripted client and
 * writer supplied by the test, silent logs, no state store, one window per stream.
 */
import { catalog } from '../../src/catalog/registry.js';
import type { BatchWriter } from '../../src/engine/batchWriter.js';
import type { SyncContext } from '../../src/engine/syncContext.js';
import type { StripeClient } from '../../src/stripe/client.js';

export function backfillContext(opts: {
  client: unknown;
  writer: unknown;
  enabled: Iterable<string>;
}): SyncContext {
  const quiet = () => {};
  return {
    client: opts.client as StripeClient,
    catalog,
    enabled: new Set(opts.enabled),
    tables: new Map(),
    writer: opts.writer as BatchWriter,
    state: undefined as never,
    log: { warn: quiet, info: quiet, debug: quiet, error: quiet } as unknown as SyncContext['log'],
    signal: new AbortController().signal,
    counters: () => ({ requests: 0, rateLimited: 0, retries: 0 }),
    settings: { createdLookbackSeconds: 0, windowsPerStream: 1 },
  };
}
