/** What every part of a sync run shares. */
import type { Catalog } from '../catalog/registry.js';
import type { Logger } from '../observability/logger.js';
import type { RequestCounters, StripeClient } from '../stripe/client.js';
import type { BatchWriter } from './batchWriter.js';
import type { StateStore } from './stateStore.js';
import type { SyncProgress } from './syncProgress.js';
import type { TableModel } from './tableModel.js';

export interface AccountScope {
  /** The account id rows are stamped with (`_account`). */
  id: string;
  /** `Stripe-Account` header value; undefined for the key's own account. */
  header?: string;
  /** Whether this is the key's own (platform) account. */
  isPlatform: boolean;
  /** Account creation time (unix s): nothing in it can be older. */
  created: number;
}

export interface SyncContext {
  client: StripeClient;
  catalog: Catalog;
  /** Streams this run syncs. */
  enabled: ReadonlySet<string>;
  tables: ReadonlyMap<string, TableModel>;
  writer: BatchWriter;
  state: StateStore;
  log: Logger;
  signal: AbortSignal;
  /** Request counters per `${account}/${stream}`. */
  counters(account: string, stream: string): RequestCounters;
  /** Backfill progress for the progress bar (optional: library callers may not render one). */
  progress?: SyncProgress;
  /** Config knobs the engine needs. */
  settings: {
    createdLookbackSeconds: number;
    reconcileSeconds?: number;
    windowsPerStream: number;
  };
}

export function counterKey(account: string, stream: string): string {
  return `${account}/${stream}`;
}
