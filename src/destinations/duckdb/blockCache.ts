/**
 * Bounds the blocks of the database file that DuckDB keeps loaded once it has used them.
 *
 * Why: DuckDB's buffer pool keeps every block of the file it has read or written (a checkpoint turns a
 * table's in-memory rows into file blocks and keeps them loaded; key probes and child replacements load
 * key columns) until the pool reaches `memory_limit`, and only then evicts. Such blocks are clean, so
 * dropping them costs nothing but a re-read from the OS page cache when next needed, yet they are in
 * our resident set. On a rate-bound `large` backfill with a 512 MB limit they grew steadily to 225 MB
 * (duckdb_memory() tag BASE_TABLE) next to ~210 MB of rows not yet checkpointed; the process peaked at
 * ~750–900 MB.
 *
 * DuckDB has no separate cap for this cache, but lowering `memory_limit` evicts at once, and it
 * evicts file blocks first (they need no write; rows not yet checkpointed stay, nothing spills to the
 * temp directory): `trim` lowers the limit to what is in use besides those blocks plus some headroom,
 * then restores it. Measured: 90 MB of cached blocks dropped in ~12 ms. The lowered limit lasts one
 * statement on our connection, and only another connection of the same instance could run meanwhile
 * (the headroom is for it).
 *
 * Setting the limit, even to its current value, also makes DuckDB hand freed memory back to the system
 * (BufferPool::SetLimit → Allocator::FlushAll: a purge of its jemalloc arenas and `malloc_trim(0)`,
 * at most every 100 ms), and glibc's trim covers the whole process, Node's buffers included: 51 MB of
 * freed glibc pages returned in a test. So a commit with few cached blocks still re-sets the limit.
 */
import { toNumber } from '../sql/values.js';
import type { DuckDbExecutor } from './duckdbExecutor.js';

const USAGE = `SELECT
  COALESCE(sum(memory_usage_bytes) FILTER (WHERE tag IN ('IN_MEMORY_TABLE', 'OVERFLOW_STRINGS')), 0),
  COALESCE(sum(memory_usage_bytes) FILTER (WHERE tag = 'BASE_TABLE'), 0),
  COALESCE(sum(memory_usage_bytes), 0)
FROM duckdb_memory()`;

/** DuckDB's memory by what it holds, in bytes (duckdb_memory()). */
export interface MemoryUsage {
  /** Table data not yet checkpointed: uncommitted, or committed and not written to the file. */
  unwritten: number;
  /** Cached blocks of the database file. */
  cached: number;
  total: number;
}

export async function memoryUsage(exec: DuckDbExecutor): Promise<MemoryUsage> {
  const [unwritten, cached, total] = (await exec.query(USAGE)).rows[0]!.map(toNumber) as [
    number,
    number,
    number,
  ];
  return { unwritten, cached, total };
}

/**
 * Cached blocks a trim leaves (at most half of `maxBytes`): also what another connection can allocate,
 * by evicting them, while the limit is lowered.
 */
const KEEP = 16 * 2 ** 20;

export class BlockCache {
  /**
   * `maxBytes`: cached file blocks kept before a trim (0: never trim). `limit`: the memory_limit the
   * instance was created with, restored after a trim; when unknown, what DuckDB shows, read once (it
   * prints a rounded value, "488.2 MiB" for 512MB: re-reading what we restored would drift).
   */
  constructor(
    private readonly exec: DuckDbExecutor,
    private readonly maxBytes: number,
    private limit?: string,
  ) {}

  /**
   * Drops cached file blocks, down to KEEP or half of `maxBytes`, if they hold more than `maxBytes`;
   * otherwise only re-sets the limit, so that the allocators return freed pages. True if it dropped
   * blocks. `usage`: memoryUsage read since the last statement that could change it, if the caller has it.
   */
  async trim(usage?: MemoryUsage): Promise<boolean> {
    if (this.maxBytes <= 0) return false;
    const { cached, total } = usage ?? (await memoryUsage(this.exec));
    const limit = await this.limitSetting();
    if (cached <= this.maxBytes) {
      await this.exec.query(`SET memory_limit = '${limit}'`);
      return false;
    }
    const floor = Math.ceil(total - cached + Math.min(KEEP, this.maxBytes / 2));
    try {
      await this.exec.query(`SET memory_limit = '${floor}B'`);
    } catch {
      // Could not evict down to it (another connection pinned more meanwhile): whatever it did evict
      // is gone, which is all we wanted.
    }
    await this.exec.query(`SET memory_limit = '${limit}'`);
    return true;
  }

  private async limitSetting(): Promise<string> {
    this.limit ??= String((await this.exec.query(`SELECT current_setting('memory_limit')`)).rows[0]![0]);
    return this.limit.replace(/'/g, "''");
  }
}
