/**
 * One DuckDB instance per database file per process. DuckDB lets a single process own a database file
 * for writing (duckdb.org/docs/stable/connect/concurrency), and two instances on one file inside a
 * process would each keep their own buffer pool and WAL state. So every DuckDbDestination on the same
 * file shares one instance, reference-counted and closed when the last user closes. (This module is
 * only reached through the lazy import in ../index.ts, so the native driver loads only for DuckDB users.)
 *
 * The database is ATTACHed to an in-memory instance rather than opened as the instance's own, because
 * the row group size is an ATTACH option only (duckdb.org/docs/stable/sql/statements/attach,
 * ROW_GROUP_SIZE). Connections from `InstanceLease.connect` USE it, so unqualified names and `main.x`
 * resolve in it; `temp` stays the connection's own.
 */
import { resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

interface Entry {
  instance: Promise<DuckDBInstance>;
  /** The settings it was created with (the first user's). */
  settings: Readonly<Record<string, string>>;
  refs: number;
}

const cache = new Map<string, Entry>();

export const MEMORY = ':memory:';

/** The catalog name the database is attached as (not stored in the file: any name opens it later). */
export const CATALOG = 'stripe_elt';

/**
 * Rows per row group of tables we write: a quarter of DuckDB's default (122 880). A row group is the
 * unit of DuckDB's optimistic writes (a transaction that appends a full row group writes it compressed
 * straight into the file, commitGroups.ts) and of checkpoint rewrites (a checkpoint recompresses every
 * table's last, partly filled row group). With the default, a group had to hold ~200 MB of charge rows
 * uncommitted before its optimistic write, more than a 128 MB memory_limit, so it spilled to
 * `<file>.tmp` and was read back. Load bench (200k charge rows, same boot): with a 128 MB limit 22.1
 * CPU-s with the default size against 11.5 with this one; with 512 MB 13.1 against 10.1–11.2, and
 * 732 MB peak RSS against 479–487. The file is the same size (121–125 MB).
 */
export const ROW_GROUP_SIZE = 30_720;

export interface InstanceLease {
  instance: DuckDBInstance;
  /** The settings the instance was created with: the first user's, when it is shared. */
  settings: Readonly<Record<string, string>>;
  /** A new connection on the instance whose default catalog is the database (closeSync it when done). */
  connect(): Promise<DuckDBConnection>;
  /** Give the instance back; the last release closes it. Idempotent. */
  release(): void;
}

function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * An in-memory instance with `target` (a file path, or :memory:) attached as CATALOG. For a file, spills
 * go to `<file>.tmp` as when DuckDB opens the file itself: an in-memory instance's default is `.tmp` in
 * the working directory, which a container may not be able to write (and which two syncs of different
 * files in one directory would share).
 */
async function createInstance(target: string, options: Record<string, string>): Promise<DuckDBInstance> {
  const spill: Record<string, string> = target === MEMORY ? {} : { temp_directory: `${target}.tmp` };
  const instance = await DuckDBInstance.create(MEMORY, { ...spill, ...options });
  try {
    const c = await instance.connect();
    try {
      await c.run(`ATTACH ${quoteString(target)} AS ${CATALOG} (ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`);
    } finally {
      c.closeSync();
    }
  } catch (err) {
    instance.closeSync();
    throw err;
  }
  return instance;
}

async function connect(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const c = await instance.connect();
  try {
    await c.run(`USE ${CATALOG}`);
  } catch (err) {
    c.closeSync();
    throw err;
  }
  return c;
}

/** `path` is a file path (relative to the working directory) or `:memory:` (never shared). */
export async function acquireInstance(path: string, options: Record<string, string>): Promise<InstanceLease> {
  if (path === MEMORY) {
    const instance = await createInstance(MEMORY, options);
    let released = false;
    return {
      instance,
      settings: { ...options },
      connect: () => connect(instance),
      release: () => {
        if (!released) instance.closeSync();
        released = true;
      },
    };
  }
  const key = resolve(path);
  let entry = cache.get(key);
  if (!entry) {
    const created: Entry = { instance: createInstance(key, options), settings: { ...options }, refs: 0 };
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
    settings: held.settings,
    connect: () => connect(instance),
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
