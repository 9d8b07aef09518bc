/**
 * One DuckDB instance per database file per process. DuckDB lets a single process own a database file
 * for writing (duckdb.org/docs/stable/connect/concurrency), and two instances on one file inside a
 * process would each keep their own buffer pool and WAL state. So every DuckDbDestination on the same
 * file shares one instance, reference-counted and closed when the last user closes. (This module is
 * only reached through the lazy import in ../index.ts, so the native driver loads only for DuckDB users.)
 */
import { resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

interface Entry {
  instance: Promise<DuckDBInstance>;
  refs: number;
}

const cache = new Map<string, Entry>();

export const MEMORY = ':memory:';

export interface InstanceLease {
  instance: DuckDBInstance;
  /** Give the instance back; the last release closes it. Idempotent. */
  release(): void;
}

/** `path` is a file path (relative to the working directory) or `:memory:` (never shared). */
export async function acquireInstance(path: string, options: Record<string, string>): Promise<InstanceLease> {
  if (path === MEMORY) {
    const instance = await DuckDBInstance.create(MEMORY, options);
    let released = false;
    return {
      instance,
      release: () => {
        if (!released) instance.closeSync();
        released = true;
      },
    };
  }
  const key = resolve(path);
  let entry = cache.get(key);
  if (!entry) {
    const created: Entry = { instance: DuckDBInstance.create(key, options), refs: 0 };
    entry = created;
    cache.set(key, created);
    // A failed open must not poison the cache for the next attempt.
    created.instance.catch(() => {
      if (cache.get(key) === created) cache.delete(key);
    });
  }
  entry.refs++;
  const held = entry;
  let instance: DuckDBInstance;
  try {
    instance = await held.instance;
  } catch (err) {
    held.refs--;
    throw err;
  }
  let released = false;
  return {
    instance,
    release: () => {
      if (released) return;
      released = true;
      held.refs--;
      if (held.refs === 0 && cache.get(key) === held) {
        cache.delete(key);
        instance.closeSync();
      }
    },
  };
}

/** Number of open instances (tests). */
export function openInstanceCount(): number {
  return cache.size;
}
