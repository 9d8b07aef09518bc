/**
 * What a seed made: objects per resource per account (live plus deleted — a deleted object still exists
 * in ground truth and as a `*.deleted` event), the total, the events kept, and what was skipped and why.
 * Events are counted apart: the size targets are about objects.
 */
import type { Emulator } from '../emulator.js';
import type { SeedSize } from './plan.js';

export interface SeedSummary {
  size: SeedSize;
  seed: number;
  /** Platform first, then connected accounts. */
  accounts: string[];
  /** Objects (live + deleted, events excluded) over all accounts. */
  objects: number;
  /** Objects per resource over all accounts. */
  byResource: Record<string, number>;
  /** Objects per account, per resource. */
  byAccount: Record<string, Record<string, number>>;
  /** Events stored (those of the last 30 days of the history). */
  events: number;
  /** Parts left out, with the reason (an emulator route or helper that does not exist). */
  skipped: Record<string, string>;
  /** API requests the seed made. */
  requests: number;
  ms: number;
}

export function summarize(
  emulator: Emulator,
  run: { size: SeedSize; seed: number; skipped: Record<string, string>; requests: number; ms: number },
): SeedSummary {
  const byResource: Record<string, number> = {};
  const byAccount: Record<string, Record<string, number>> = {};
  let objects = 0;
  let events = 0;
  const accounts = emulator.store.allAccounts();
  accounts.sort((a, b) => Number(a.info.platform !== undefined) - Number(b.info.platform !== undefined));
  for (const account of accounts) {
    const mine: Record<string, number> = {};
    for (const coll of account.existing()) {
      const n = coll.size + coll.deleted.size;
      if (coll.name === 'events') {
        events += n;
        continue;
      }
      if (n === 0) continue;
      mine[coll.name] = n;
      byResource[coll.name] = (byResource[coll.name] ?? 0) + n;
      objects += n;
    }
    byAccount[account.info.id] = sortKeys(mine);
  }
  return {
    size: run.size,
    seed: run.seed,
    accounts: accounts.map((a) => a.info.id),
    objects,
    byResource: sortKeys(byResource),
    byAccount,
    events,
    skipped: run.skipped,
    requests: run.requests,
    ms: run.ms,
  };
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
