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
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

interface Entry {
  instance: Promise<DuckDBInstance>;
  /** The settings it was created with (the first user's). */
  settings: Readonly<Record<string, string>>;
  refs: number;
  /** Set while `reattach` has the database detached: new connections wait for it. */
  gate?: Promise<void>;
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
  /**
   * Detaches the database file and attaches it again through `connection`, which must be this lease's
   * only connection; false (nothing done) when another lease shares the instance or it is in memory.
   * Connections asked for meanwhile wait. See `reattach` below for why.
   */
  reattach(connection: DuckDBConnection): Promise<boolean>;
}

function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function attachSql(target: string): string {
  return `ATTACH ${quoteString(target)} AS ${CATALOG} (ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`;
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
      await c.run(attachSql(target));
    } finally {
      c.closeSync();
    }
  } catch (err) {
    instance.closeSync();
    throw err;
  }
  return instance;
}

async function connect(
  instance: DuckDBInstance,
  gate?: () => Promise<void> | undefined,
): Promise<DuckDBConnection> {
  await gate?.();
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
      reattach: async () => false,
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
    connect: () => connect(instance, () => held.gate),
    reattach: (c) => reattach(held, key, c),
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

/**
 * Why: DuckDB keeps the metadata of every row group it has loaded or written (row groups, column data,
 * segments and their statistics: C++ objects on the ordinary heap, outside its buffer pool, memory_limit
 * and duckdb_memory()) for as long as the database stays attached. Each checkpoint starts a new row group
 * in every table it writes (duckdbDestination.ts, max_vacuum_tasks), so on a rate-bound `large`
 * backfill that metadata grew with every checkpoint: after 570 s, 960 row groups and 88,786 segments,
 * and the process' resident memory between checkpoints rose from ~310 to ~350 MB in two minutes (and on
 * to a 471 MB peak over the whole run). Detaching frees it all; attaching again reads only the catalog
 * (~25 ms, 40 tables) and loads row groups lazily as later statements need them. With a reattach every
 * third checkpoint the same two minutes stayed at ~305 MB.
 *
 * Runs between transactions (DETACH needs none open on the database), under the gate so that no other
 * connection sees the catalog missing. DETACH checkpoints first, a no-op right after our checkpoint.
 */
async function reattach(entry: Entry, target: string, c: DuckDBConnection): Promise<boolean> {
  // A file removed meanwhile stays attached (as before): attaching the path again would create a new one.
  if (entry.refs !== 1 || entry.gate || !existsSync(target)) return false;
  let open!: () => void;
  entry.gate = new Promise((r) => {
    open = r;
  });
  try {
    // The instance is in-memory: its own catalog is `memory`.
    await c.run('USE memory');
    let detached = false;
    try {
      await c.run(`DETACH ${CATALOG}`);
      detached = true;
    } catch {
      // Still attached (e.g. another connection's transaction holds it): nothing lost but the memory.
    }
    if (detached) await c.run(attachSql(target));
    await c.run(`USE ${CATALOG}`);
    return detached;
  } finally {
    entry.gate = undefined;
    open();
  }
}

/** Number of open instances (tests). */
export function openInstanceCount(): number {
  return cache.size;
}
