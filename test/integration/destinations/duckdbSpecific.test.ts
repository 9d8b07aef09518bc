/** DuckDB-only behaviour: one instance per file, durability across reopen, native U+0000, file locks. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DUCKDB_ALLOCATOR_CONF } from '../../../src/destinations/duckdb/allocatorConf.js';
import { DuckDbDestination, type DuckDbOptions } from '../../../src/destinations/duckdb/duckdbDestination.js';
import { DuckDbExecutor } from '../../../src/destinations/duckdb/duckdbExecutor.js';
import type { DuckDbBatchLoader } from '../../../src/destinations/duckdb/duckdbMerge.js';
import {
  acquireInstance,
  type InstanceLease,
  openInstanceCount,
  ROW_GROUP_SIZE,
} from '../../../src/destinations/duckdb/instanceCache.js';
import { EltError } from '../../../src/errors.js';
import type { TableSpec } from '../../../src/schema/tableSpec.js';
import { makeRow, makeSpec, readTable, streamState } from './conformanceHelpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stripe-elt-duckdb-specific-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A destination (direct append path unless `opts` say otherwise) initialised with `specs`, closed after `fn`. */
async function withDest<T>(
  file: string,
  specs: TableSpec[],
  fn: (d: DuckDbDestination) => Promise<T>,
  opts: DuckDbOptions = {},
): Promise<T> {
  const d = await DuckDbDestination.open(file, { directAppend: true, ...opts });
  try {
    await d.init();
    await d.ensureTables(specs);
    return await fn(d);
  } finally {
    await d.close();
  }
}

describe('duckdb destination', () => {
  it('shares one instance per file and closes it with the last user; data survives reopening', async () => {
    const file = join(dir, 'shared.duckdb');
    const before = openInstanceCount();
    const a = await DuckDbDestination.open(file);
    const b = await DuckDbDestination.open(file);
    expect(openInstanceCount()).toBe(before + 1);
    await a.init();
    const spec = makeSpec('kept', [['v', 'text']]);
    await a.ensureTables([spec]);
    await a.write([{ table: spec, rows: [makeRow(spec, { id: 'x', v: 'durable' }, { version: 1 })] }], []);
    await a.close();
    expect((await readTable(b, spec)).get('x')?.v).toBe('durable');
    await b.close();
    expect(openInstanceCount()).toBe(before);
    const c = await DuckDbDestination.open(file);
    try {
      expect((await readTable(c, spec)).get('x')?.v).toBe('durable');
    } finally {
      await c.close();
    }
  });

  it('stores U+0000 natively and decimals as DECIMAL(38,12)', async () => {
    const file = join(dir, 'native.duckdb');
    const d = await DuckDbDestination.open(file);
    const spec = makeSpec('native', [
      ['v', 'text'],
      ['p', 'decimal'],
    ]);
    try {
      await d.init();
      await d.ensureTables([spec]);
      await d.write(
        [
          {
            table: spec,
            rows: [makeRow(spec, { id: 'a', v: 'x\u0000y', p: '0.000000000001' }, { version: 1 })],
          },
        ],
        [],
      );
    } finally {
      await d.close();
    }
    const inst = await DuckDBInstance.create(file);
    try {
      const conn = await inst.connect();
      const rows = (
        await conn.runAndReadAll('SELECT v, length(v), typeof(p), CAST(p AS VARCHAR) FROM native')
      ).getRows();
      expect(rows).toEqual([['x\u0000y', 3n, 'DECIMAL(38,12)', '0.000000000001']]);
      conn.closeSync();
    } finally {
      inst.closeSync();
    }
  });

  it('appends strings of every length and encoding exactly, across chunks, on both load paths', async () => {
    const file = join(dir, 'strings.duckdb');
    const spec = makeSpec('strs', [
      ['v', 'text'],
      ['j', 'json'],
    ]);
    // Lengths around the 12-byte inline limit and the 4-byte prefix, multi-byte characters split
    // across that limit, U+0000, and a long value; 5 000 rows make three 2 048-row chunks.
    const samples = [
      '',
      'a',
      'abcd',
      'abcdefghijkl',
      'abcdefghijklm',
      'ünïcödé',
      'ab€€€€',
      'abcdefghijk€',
      '😀😀😀😀',
      'x\u0000y\u0000z and more than twelve',
      '日本語のテキストです',
      'z'.repeat(5_000),
      // Lone surrogates, stored as U+FFFD; when a row ends with the first and the next starts with the
      // second, they must not pair up across the rows (the encoder writes a chunk's strings at once).
      'lone \uD83D',
      '\uDE00 lone',
    ];
    const value = (i: number): string | null =>
      i % 17 === 5 ? null : `${samples[i % samples.length]}${i % 3 === 0 ? '' : `#${i}`}`;
    /** What UTF-8 can hold of `v`: lone surrogates become U+FFFD. */
    const stored8 = (v: string | null) =>
      v?.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD') ?? null;
    const rows = (n: number, suffix: string) =>
      Array.from({ length: n }, (_, i) => {
        const v = value(i);
        return makeRow(
          spec,
          // JSON gets the well-formed text: DuckDB's JSON rejects an escaped lone surrogate.
          {
            id: `k${i}`,
            v: v === null ? null : v + suffix,
            j: v === null ? null : JSON.stringify({ v: stored8(v) }),
          },
          { version: suffix === '' ? 1 : 2 },
        );
      });
    const d = await DuckDbDestination.open(file);
    try {
      await d.init();
      await d.ensureTables([spec]);
      await d.write([{ table: spec, rows: rows(5_000, '') }], []); // new keys: straight into the table
      let stored = await readTable(d, spec);
      for (let i = 0; i < 5_000; i++) expect(stored.get(`k${i}`)?.v ?? null).toBe(stored8(value(i)));
      await d.write([{ table: spec, rows: rows(5_000, '!') }], []); // stored keys: staging and merge
      stored = await readTable(d, spec);
      for (let i = 0; i < 5_000; i++) {
        const v = value(i);
        expect(stored.get(`k${i}`)?.v ?? null).toBe(v === null ? null : stored8(`${v}!`));
        const j = stored.get(`k${i}`)?.j ?? null;
        expect(j === null ? null : JSON.parse(String(j))).toEqual(v === null ? null : { v: stored8(v) });
      }
    } finally {
      await d.close();
    }
  });

  it('appends a value of megabytes, then short ones, intact (the encoding buffers are shared between writes)', async () => {
    const file = join(dir, 'huge-strings.duckdb');
    const spec = makeSpec('huge', [['v', 'text']]);
    // 3.5M UTF-16 units reserve 10.5 MB in the string buffer, past what it keeps between writes.
    const huge = `${'€'.repeat(1_000)}${'h'.repeat(3_500_000)}`;
    const row = (id: string, v: string | null) => makeRow(spec, { id, v }, { version: 1 });
    const d = await DuckDbDestination.open(file);
    try {
      await d.init();
      await d.ensureTables([spec]);
      await d.write([{ table: spec, rows: [row('a', 'short'), row('b', huge), row('c', null)] }], []);
      await d.write([{ table: spec, rows: [row('d', 'abcdefghijklmnop'), row('e', 'é'), row('f', '')] }], []);
      const stored = await readTable(d, spec);
      expect([...stored.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
      expect(stored.get('a')?.v).toBe('short');
      expect(stored.get('b')?.v === huge).toBe(true); // not toBe: a failure would print 3.5M characters
      expect(stored.get('c')?.v).toBeNull();
      expect(stored.get('d')?.v).toBe('abcdefghijklmnop');
      expect(stored.get('e')?.v).toBe('é');
      expect(stored.get('f')?.v).toBe('');
      // Past the units a column chunk's strings are joined for (16M): written one by one, next to short ones.
      const huger = `é${'g'.repeat(17_000_000)}`;
      await d.write([{ table: spec, rows: [row('g', 'ab'), row('h', huger), row('i', 'zé')] }], []);
      const again = await readTable(d, spec);
      expect(again.get('g')?.v).toBe('ab');
      expect(again.get('h')?.v === huger).toBe(true);
      expect(again.get('i')?.v).toBe('zé');
    } finally {
      await d.close();
    }
  });

  it('appends timestamps exactly as to_timestamp(DOUBLE) does: ties to even, negatives, sub-microsecond fractions', async () => {
    const file = join(dir, 'timestamps.duckdb');
    // `src` keeps each double exactly; the direct append must land `ts` on the microsecond DuckDB's
    // own SQL path (staging) computes from it.
    const spec = makeSpec('ts_exact', [
      ['src', 'double'],
      ['ts', 'timestamp'],
    ]);
    const values: number[] = [0, -0.5, 1_234_567_890.000001, 1_700_000_000.123456, 1.0000005, -1.0000005];
    for (let i = -20; i < 20; i++) values.push((i + 0.5) / 1e6, i + 0.4999996, i + 0.7777777, -i - 0.3333333);
    for (let i = 0; i < 50; i++) values.push((i * 7919.123457 - 150_000) * 12_345.6789);
    await withDest(file, [spec], async (d) => {
      const rows = values.map((v, i) => makeRow(spec, { id: `r${i}`, src: v, ts: v }, { version: 1 }));
      expect(await d.write([{ table: spec, rows }], [])).toMatchObject({ inserted: values.length });
    });
    const inst = await DuckDBInstance.create(file);
    try {
      const conn = await inst.connect();
      const rows = (
        await conn.runAndReadAll(
          'SELECT count(*), count(*) FILTER (WHERE ts IS DISTINCT FROM to_timestamp(src)) FROM ts_exact',
        )
      ).getRows();
      expect(rows).toEqual([[BigInt(values.length), 0n]]);
      conn.closeSync();
    } finally {
      inst.closeSync();
    }
  });

  it('appends new keys by column name when the table has its columns in another order or types than the spec', async () => {
    const file = join(dir, 'layout.duckdb');
    const setup = await DuckDBInstance.create(file);
    try {
      const conn = await setup.connect();
      // Made by hand (or an older version): `a` before `b`, both text, so a positional append would not
      // fail but swap them; `amount` is VARCHAR where the spec says bigint, so it is cast as an INSERT would.
      await conn.run(
        'CREATE TABLE layout (id VARCHAR, a VARCHAR, _account VARCHAR, b VARCHAR, amount VARCHAR, _synced_at TIMESTAMPTZ, _deleted BOOLEAN, _version BIGINT, PRIMARY KEY (_account, id))',
      );
      conn.closeSync();
    } finally {
      setup.closeSync();
    }
    const spec = makeSpec('layout', [
      ['b', 'text'],
      ['a', 'text'],
      ['amount', 'bigint'],
    ]);
    await withDest(file, [spec], async (d) => {
      await d.write(
        [{ table: spec, rows: [makeRow(spec, { id: 'x', a: 'a-x', b: 'b-x', amount: 5 }, { version: 1 })] }],
        [],
      );
      expect((await readTable(d, spec)).get('x')).toMatchObject({
        a: 'a-x',
        b: 'b-x',
        amount: 5,
        _version: 1,
      });
    });
  });

  it('takes the merge when a batch of distinct keys meets stored ones (tables have no key index)', async () => {
    const file = join(dir, 'refused.duckdb');
    const spec = makeSpec('refused', [['v', 'text']]);
    await withDest(file, [spec], (a) =>
      a.write([{ table: spec, rows: [makeRow(spec, { id: 'k1', v: 'new' }, { version: 2 })] }], []),
    );
    // The batch's keys are distinct, so the loader probes them; k1 is stored, so the merge runs.
    const b = await DuckDbDestination.open(file, { directAppend: true });
    try {
      const stats = await b.write(
        [
          {
            table: spec,
            rows: [
              makeRow(spec, { id: 'k1', v: 'old' }, { version: 1, syncedAt: 1_700_000_100 }),
              makeRow(spec, { id: 'k2', v: 'fresh' }, { version: 1, syncedAt: 1_700_000_100 }),
            ],
          },
        ],
        [{ account: 'acct_1', stream: spec.stream, state: streamState(7) }],
      );
      expect(stats).toMatchObject({ inserted: 1, updated: 0, deleted: 0 });
      expect((await b.tableCounts([spec.name])).map((c) => c.live)).toEqual([2]);
      const rows = await readTable(b, spec);
      expect(rows.get('k1')).toMatchObject({ v: 'new', _version: 2, _synced_at: 1_700_000_100 });
      expect(rows.get('k2')).toMatchObject({ v: 'fresh', _version: 1 });
      expect((await b.readState()).find((r) => r.stream === spec.stream)?.state).toMatchObject({
        createdCursor: 7,
      });
    } finally {
      await b.close();
    }
  });

  it('keeps one row per key without a key constraint: replays, updates, the same id in a second account', async () => {
    const file = join(dir, 'keyless.duckdb');
    const spec = makeSpec('keyless', [['v', 'text']]);
    await withDest(file, [spec], async (d) => {
      const batch = (v: string, version: number) => [
        {
          table: spec,
          rows: [
            makeRow(spec, { id: 'a', v }, { version }),
            makeRow(spec, { id: 'b', v }, { version }),
            makeRow(spec, { id: 'a', v }, { version, account: 'acct_2' }),
          ],
        },
      ];
      expect(await d.write(batch('one', 1), [])).toMatchObject({ inserted: 3, updated: 0 });
      expect(await d.write(batch('one', 1), [])).toMatchObject({ inserted: 0, updated: 0 });
      expect(await d.write(batch('two', 2), [])).toMatchObject({ inserted: 0, updated: 3 });
      expect((await d.tableCounts([spec.name])).map((c) => [c.account, c.live])).toEqual([
        ['acct_2', 1],
        ['acct_conformance', 2],
      ]);
    });
    // No index: its memory (~370 B per row) and upkeep were the point of leaving it out (duckdbMerge.ts).
    const instance = await DuckDBInstance.create(file);
    try {
      const connection = await instance.connect();
      const reader = await connection.runAndReadAll(
        `SELECT count(*) FROM duckdb_constraints() WHERE table_name = '${spec.name}' AND constraint_type = 'PRIMARY KEY'`,
      );
      expect(reader.getRows()).toEqual([[0n]]);
      connection.closeSync();
    } finally {
      instance.closeSync();
    }
  });

  it('checkpoints after a commit once unflushed data holds more memory than allowed', async () => {
    const spec = makeSpec('ckpt', [['v', 'text']]);
    const rows = Array.from({ length: 500 }, (_, i) =>
      makeRow(spec, { id: `k${i}`, v: 'x'.repeat(100) }, { version: 1 }),
    );
    const walAfterWrite = async (name: string, checkpointMemoryBytes: number) => {
      const file = join(dir, name);
      const d = await DuckDbDestination.open(file, { checkpointMemoryBytes });
      try {
        await d.init();
        await d.ensureTables([spec]);
        await d.write([{ table: spec, rows }], []);
        await d.flush();
        return await stat(`${file}.wal`).then(
          (s) => s.size,
          () => 0,
        );
      } finally {
        await d.close();
      }
    };
    expect(await walAfterWrite('ckpt-off.duckdb', 0)).toBeGreaterThan(0);
    expect(await walAfterWrite('ckpt-on.duckdb', 1)).toBe(0);
  });

  it('checkpoints while it adds columns to a table of many row groups, instead of holding them all in memory', async () => {
    const spec = makeSpec('widened', [['v', 'text']]);
    const wide = makeSpec('widened', [
      ['v', 'text'],
      ...Array.from({ length: 24 }, (_, i) => [`metadata_k${i}`, 'text'] as [string, 'text']),
    ]);
    /** IN_MEMORY_TABLE bytes after adding 24 columns to a table of 40 row groups, and its rows. */
    const afterAdding = async (name: string, opts: DuckDbOptions) =>
      withDest(
        join(dir, name),
        [spec],
        async (d) => {
          const lease = await acquireInstance(join(dir, name), {});
          try {
            const c = await lease.connect();
            const read = async (sql: string) => Number((await c.runAndReadAll(sql)).getRows()[0]![0]);
            // Rows appended after a checkpoint start a new row group: 40 row groups of 50 rows.
            for (let g = 0; g < 40; g++) {
              const rows = Array.from({ length: 50 }, (_, i) =>
                makeRow(spec, { id: `k${g}-${i}`, v: 'x' }, { version: 1 }),
              );
              await d.write([{ table: spec, rows }], []);
              await d.flush();
              await c.run('CHECKPOINT');
            }
            expect(
              await read(`SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('widened')`),
            ).toBe(40);
            await d.ensureTables([wide]);
            const held = await read(
              `SELECT COALESCE(sum(memory_usage_bytes), 0) FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'`,
            );
            const count = await read(`SELECT count(*) FROM widened WHERE metadata_k23 IS NULL`);
            c.closeSync();
            return { held, count };
          } finally {
            lease.release();
          }
        },
        opts,
      );
    // Without checkpoints each new column holds two blocks per row group (values and validity).
    const held = await afterAdding('widen-held.duckdb', { checkpointMemoryBytes: 0 });
    const written = await afterAdding('widen-written.duckdb', {});
    expect(held.held).toBeGreaterThan(24 * 40 * 65_536);
    expect(written.held).toBeLessThanOrEqual(4 * 2 ** 20);
    expect([held.count, written.count]).toEqual([2_000, 2_000]);
  });

  it('drops cached blocks of the file after a commit, keeping rows not yet checkpointed and the memory limit', async () => {
    const spec = makeSpec('cached', [['v', 'text']]);
    const rows = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        makeRow(spec, { id: `k${from + i}`, v: randomBytes(150).toString('hex') }, { version: 1 }),
      );
    /** BASE_TABLE and IN_MEMORY_TABLE bytes, temp files, memory_limit: after writing `n` rows and flushing. */
    const memoryAfterWrites = async (name: string, opts: DuckDbOptions) =>
      withDest(
        join(dir, name),
        [spec],
        async (d) => {
          const lease = await acquireInstance(join(dir, name), {});
          try {
            const c = await lease.connect();
            // Checkpointed (file blocks, which DuckDB keeps loaded), then more rows that stay in memory.
            await d.write([{ table: spec, rows: rows(0, 20_000) }], []);
            await d.flush();
            await c.run('CHECKPOINT');
            await d.write([{ table: spec, rows: rows(20_000, 5_000) }], []);
            await d.flush();
            const r = await c.runAndReadAll(
              `SELECT (SELECT COALESCE(sum(memory_usage_bytes), 0) FROM duckdb_memory() WHERE tag = 'BASE_TABLE'),
                      (SELECT COALESCE(sum(memory_usage_bytes), 0) FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'),
                      (SELECT count(*) FROM duckdb_temporary_files()),
                      current_setting('memory_limit'),
                      (SELECT count(*) FROM cached)`,
            );
            c.closeSync();
            const [base, inMemory, temp, limit, count] = r.getRows()[0]!;
            return {
              base: Number(base),
              inMemory: Number(inMemory),
              temp: Number(temp),
              limit,
              count: Number(count),
            };
          } finally {
            lease.release();
          }
        },
        { checkpointMemoryBytes: 0, ...opts },
      );
    const kept = await memoryAfterWrites('cache-kept.duckdb', { blockCacheBytes: 0 });
    const trimmed = await memoryAfterWrites('cache-trimmed.duckdb', { blockCacheBytes: 2 ** 20 });
    expect(kept.base).toBeGreaterThan(2 * 2 ** 20); // ~3.5 MB compressed, loaded since the checkpoint wrote it
    expect(trimmed.base).toBeLessThanOrEqual(2 ** 20);
    for (const r of [kept, trimmed]) {
      expect(r.inMemory).toBeGreaterThan(2 ** 20); // the 5 000 rows written since: not evicted, not spilled
      expect(r).toMatchObject({ temp: 0, limit: '488.2 MiB', count: 25_000 });
    }
  });

  it('probes stored keys only when the key filter cannot rule them out, and still merges stored keys', async () => {
    const file = join(dir, 'keyfilter.duckdb');
    const spec = makeSpec('filtered', [['v', 'text']]);
    const rowsOf = (from: number, count: number, v = 'x') =>
      Array.from({ length: count }, (_, i) => makeRow(spec, { id: `k${from + i}`, v }, { version: 1 }));
    // The probe is the only statement that unnests JSON key lists joined against the table.
    const query = vi.spyOn(DuckDbExecutor.prototype, 'query');
    const probes = () => query.mock.calls.filter(([sql]) => /unnest\(CAST\(json/.test(sql)).length;
    try {
      const a = await DuckDbDestination.open(file);
      try {
        await a.init();
        await a.ensureTables([spec]);
        // Empty when first seen: the filter knows every key, so new keys need no probe.
        for (let b = 0; b < 4; b++) await a.write([{ table: spec, rows: rowsOf(b * 100, 100) }], []);
        expect(probes()).toBe(0);
        // A batch with stored keys: the filter says "maybe", the probe finds them, the merge updates them.
        await a.write([{ table: spec, rows: rowsOf(350, 100, 'y') }], []);
        expect(probes()).toBe(1);
        const rows = await readTable(a, spec);
        expect(rows.size).toBe(450);
        expect(rows.get('k399')?.v).toBe('y');
      } finally {
        await a.close();
      }
      // Another process (a new instance): the table is not empty, so batches are probed until the
      // filter has been built from the stored keys; after that only a batch with a stored key is.
      query.mockClear();
      const b = await DuckDbDestination.open(file);
      try {
        for (let i = 0; i < 10; i++) await b.write([{ table: spec, rows: rowsOf(1_000 + i * 10, 10) }], []);
        expect(probes()).toBe(8);
        await b.write([{ table: spec, rows: [...rowsOf(2_000, 5), ...rowsOf(7, 1, 'z')] }], []);
        expect(probes()).toBe(9);
        const rows = await readTable(b, spec);
        expect(rows.size).toBe(450 + 100 + 5);
        expect(rows.get('k7')?.v).toBe('z');
      } finally {
        await b.close();
      }
    } finally {
      query.mockRestore();
    }
  });

  describe('reattach', () => {
    const spec = makeSpec('reattached', [['v', 'text']]);
    const rowsOf = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) =>
        makeRow(spec, { id: `k${from + i}`, v: `v${from + i}` }, { version: 1 }),
      );
    /** Runs `fn` with a count of the DETACH statements run meanwhile. */
    const countingDetaches = async (fn: (detaches: () => number) => Promise<void>) => {
      const run = vi.spyOn(DuckDBConnection.prototype, 'run');
      try {
        await fn(() => run.mock.calls.filter(([sql]) => /^DETACH /.test(String(sql))).length);
      } finally {
        run.mockRestore();
      }
    };
    /** Runs `fn` with a lease on `file` and a connection of it, both closed after. */
    const withConnection = async (
      file: string,
      fn: (lease: InstanceLease, c: DuckDBConnection) => Promise<void>,
    ) => {
      const lease = await acquireInstance(file, {});
      try {
        const c = await lease.connect();
        try {
          await fn(lease, c);
        } finally {
          c.closeSync();
        }
      } finally {
        lease.release();
      }
    };

    it('detaches and attaches the file again every third checkpoint; data and later writes are intact', async () => {
      const file = join(dir, 'reattach.duckdb');
      const wider = makeSpec('reattached', [
        ['v', 'text'],
        ['w', 'text'],
      ]);
      await countingDetaches(async (detaches) => {
        // Every write commits on its own and checkpoints (anything held is over 1 byte).
        await withDest(
          file,
          [spec],
          async (d) => {
            for (let b = 0; b < 7; b++) await d.write([{ table: spec, rows: rowsOf(b * 10, 10) }], []);
            expect(detaches()).toBe(2);
            // A column added and written after a reattach.
            await d.ensureTables([wider]);
            await d.write(
              [{ table: wider, rows: [makeRow(wider, { id: 'k3', v: 'again', w: 'new' }, { version: 2 })] }],
              [],
            );
          },
          { groupCommitMs: 0, checkpointMemoryBytes: 1 },
        );
      });
      const d = await DuckDbDestination.open(file);
      try {
        const rows = await readTable(d, wider);
        expect(rows.size).toBe(70);
        expect(rows.get('k69')?.v).toBe('v69');
        expect(rows.get('k3')).toMatchObject({ v: 'again', w: 'new' });
      } finally {
        await d.close();
      }
    });

    it('leaves the file attached while another user shares the instance', async () => {
      const file = join(dir, 'reattach-shared.duckdb');
      await countingDetaches(async (detaches) => {
        const other = await acquireInstance(file, {});
        try {
          await withDest(
            file,
            [spec],
            async (d) => {
              for (let b = 0; b < 4; b++) await d.write([{ table: spec, rows: rowsOf(b * 10, 10) }], []);
            },
            { groupCommitMs: 0, checkpointMemoryBytes: 1 },
          );
        } finally {
          other.release();
        }
        expect(detaches()).toBe(0);
      });
    });

    it('keeps a file that was removed meanwhile attached rather than creating a new one', async () => {
      const file = join(dir, 'reattach-removed.duckdb');
      await withConnection(file, async (lease, c) => {
        await c.run('CREATE TABLE t AS SELECT range AS i FROM range(10)');
        await c.run('CHECKPOINT');
        await rm(file);
        expect(await lease.reattach(c)).toBe(false);
        expect(Number((await c.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]![0])).toBe(10);
        await expect(stat(file)).rejects.toThrow();
      });
    });

    it('makes a connection asked for meanwhile wait until the file is attached again', async () => {
      const file = join(dir, 'reattach-gate.duckdb');
      await withConnection(file, async (lease, c) => {
        await c.run('CREATE TABLE t AS SELECT range AS i FROM range(1000)');
        const reattached = lease.reattach(c);
        await withConnection(file, async (_, c2) => {
          const r = await c2.runAndReadAll('SELECT count(*) FROM t');
          expect(Number(r.getRows()[0]![0])).toBe(1000);
        });
        expect(await reattached).toBe(true);
        expect(Number((await c.runAndReadAll('SELECT sum(i) FROM t')).getRows()[0]![0])).toBe(499_500);
      });
    });
  });

  describe('group commit', () => {
    /**
     * Once `armed`, the next statement matching `match` waits for `before` (e.g. a gate the test opens),
     * then fails with `message` instead of running, or runs when there is no message; every other
     * statement runs as usual. `hit` tells it happened. Undone by vi.restoreAllMocks.
     */
    const interceptArmed = (
      match: (sql: string) => boolean,
      message: string | undefined,
      before?: () => Promise<void>,
    ) => {
      const query = DuckDbExecutor.prototype.query;
      const state = { armed: false, hit: false };
      vi.spyOn(DuckDbExecutor.prototype, 'query').mockImplementation(async function (
        this: DuckDbExecutor,
        sql,
        params,
      ) {
        if (state.armed && match(sql)) {
          state.armed = false;
          state.hit = true;
          await before?.();
          if (message !== undefined) throw new Error(message);
        }
        return query.call(this, sql, params);
      });
      return state;
    };

    /** Rows of `spec` visible to another connection of the same instance: what has been committed. */
    const committed = async (file: string, table: string): Promise<number> => {
      const lease = await acquireInstance(file, {});
      try {
        const c = await lease.connect();
        try {
          const r = await c.runAndReadAll(`SELECT count(*) FROM main."${table}"`);
          return Number(r.getRows()[0]![0]);
        } finally {
          c.closeSync();
        }
      } finally {
        lease.release();
      }
    };
    /** Committed state rows as (account, stream, createdCursor). */
    const committedState = async (file: string): Promise<unknown[][]> => {
      const lease = await acquireInstance(file, {});
      try {
        const c = await lease.connect();
        try {
          const r = await c.runAndReadAll(`SELECT account, stream, state FROM main._stripe_elt_state`);
          return r.getRows().map(([a, s, st]) => [a, s, JSON.parse(String(st)).createdCursor]);
        } finally {
          c.closeSync();
        }
      } finally {
        lease.release();
      }
    };
    const rowsOf = (spec: TableSpec, from: number, count: number, v: unknown = 'x') =>
      Array.from({ length: count }, (_, i) =>
        makeRow(spec, { id: `k${from + i}`, v: v as string }, { version: 1 }),
      );

    it('commits consecutive writes together, with their state, on flush or any other call', async () => {
      const file = join(dir, 'group.duckdb');
      const spec = makeSpec('grouped', [['v', 'text']]);
      await withDest(
        file,
        [spec],
        async (d) => {
          const state = (n: number) => [{ account: 'acct_1', stream: 'grouped', state: streamState(n) }];
          const statements = vi.spyOn(DuckDbExecutor.prototype, 'query');
          const onState = () =>
            statements.mock.calls.filter(([sql]) => sql.includes('_stripe_elt_state')).length;
          await d.write([{ table: spec, rows: rowsOf(spec, 0, 10) }], state(1));
          await d.write([{ table: spec, rows: rowsOf(spec, 10, 10) }], state(2));
          expect(await committed(file, spec.name)).toBe(0);
          expect(await committedState(file)).toEqual([]);
          // Not one UPDATE per write: nothing touches the state table before the group commits.
          expect(onState()).toBe(0);
          await d.flush();
          expect(onState()).toBeGreaterThan(0);
          statements.mockRestore();
          expect(await committed(file, spec.name)).toBe(20);
          // The group's state records were upserted once, at its commit: the latest per stream.
          expect(await committedState(file)).toEqual([['acct_1', 'grouped', 2]]);
          await d.write([{ table: spec, rows: rowsOf(spec, 20, 5) }], state(3));
          expect(await committed(file, spec.name)).toBe(20);
          // Any other call commits first: it sees, and leaves durable, what the writes did.
          expect((await d.readState()).find((r) => r.stream === 'grouped')?.state).toEqual(streamState(3));
          expect(await committed(file, spec.name)).toBe(25);
        },
        { groupCommitMs: 60_000 },
      );
    });

    it('commits a group by itself once it is old enough, also when no write follows', async () => {
      const file = join(dir, 'group-timer.duckdb');
      const spec = makeSpec('timed', [['v', 'text']]);
      await withDest(
        file,
        [spec],
        async (d) => {
          await d.write([{ table: spec, rows: rowsOf(spec, 0, 3) }], []);
          expect(await committed(file, spec.name)).toBe(0);
          const until = Date.now() + 5_000;
          while ((await committed(file, spec.name)) === 0 && Date.now() < until)
            await new Promise((r) => setTimeout(r, 25));
          expect(await committed(file, spec.name)).toBe(3);
        },
        { groupCommitMs: 100 },
      );
    });

    it('commits exactly at a row-group boundary, splitting the write that crosses it', async () => {
      const file = join(dir, 'group-boundary.duckdb');
      const spec = makeSpec('boundary', [['v', 'text']]);
      await withDest(
        file,
        [spec],
        async (d) => {
          const first = ROW_GROUP_SIZE - 1_000;
          await d.write([{ table: spec, rows: rowsOf(spec, 0, first) }], []);
          expect(await committed(file, spec.name)).toBe(0);
          await d.write([{ table: spec, rows: rowsOf(spec, first, 3_000) }], []);
          // The first 1 000 rows of the second write completed the row group and committed with it.
          expect(await committed(file, spec.name)).toBe(ROW_GROUP_SIZE);
          await d.flush();
          expect(await committed(file, spec.name)).toBe(first + 3_000);
          const rows = await readTable(d, spec);
          expect(rows.size).toBe(first + 3_000);
        },
        { groupCommitMs: 60_000 },
      );
    });

    it('writes row groups of ROW_GROUP_SIZE rows (the database is attached with that size)', async () => {
      const file = join(dir, 'row-groups.duckdb');
      const spec = makeSpec('sized', [['v', 'text']]);
      await withDest(file, [spec], async (d) => {
        await d.write([{ table: spec, rows: rowsOf(spec, 0, 2 * ROW_GROUP_SIZE + 5) }], []);
      });
      const inst = await DuckDBInstance.create(file);
      try {
        const conn = await inst.connect();
        const groups = (
          await conn.runAndReadAll(`SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('sized')`)
        ).getRows();
        conn.closeSync();
        expect(groups).toEqual([[3n]]); // DuckDB's default size (122 880) would make one
      } finally {
        inst.closeSync();
      }
    });

    it('scales its memory thresholds to a small memory_limit, committing a group that passes half of it', async () => {
      const file = join(dir, 'group-small.duckdb');
      const spec = makeSpec('small_limit', [['v', 'text']]);
      await withDest(
        file,
        [spec],
        async (d) => {
          // ~10 MB per write: past the third the group holds more than 32 MB (half of 64 MB) and commits.
          // With the default for a large limit (48 MB) nothing would be committed before the flush.
          for (let b = 0; b < 4; b++)
            await d.write([{ table: spec, rows: rowsOf(spec, b * 5_000, 5_000, 'v'.repeat(2_000)) }], []);
          expect(await committed(file, spec.name)).toBeGreaterThan(0);
          await d.flush();
          expect(await committed(file, spec.name)).toBe(20_000);
        },
        {
          groupCommitMs: 60_000,
          settings: { memory_limit: '64MB' },
        },
      );
    });

    it('returns from the write that makes a group due while its COMMIT runs; a failure of it fails what follows', async () => {
      const file = join(dir, 'group-background.duckdb');
      const spec = makeSpec('background', [['v', 'text']]);
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      // The armed COMMIT is held until the test releases it, then fails as a lost disk would.
      const commit = interceptArmed(
        (sql) => sql === 'COMMIT',
        'IO Error: could not write the WAL',
        () => gate,
      );
      try {
        await withDest(
          file,
          [spec],
          async (d) => {
            const state = (n: number) => [{ account: 'acct_1', stream: 'background', state: streamState(n) }];
            // Every write passes the 1-byte group cap: each one's group commits as the write returns.
            await d.write([{ table: spec, rows: rowsOf(spec, 0, 5) }], state(1));
            await d.flush();
            expect(await committed(file, spec.name)).toBe(5);
            // Resolves although its COMMIT cannot finish until released below.
            commit.armed = true;
            await d.write([{ table: spec, rows: rowsOf(spec, 5, 5) }], state(2));
            expect(commit.hit).toBe(true);
            release();
            const next = await d
              .write([{ table: spec, rows: rowsOf(spec, 10, 5) }], state(3))
              .catch((e: unknown) => e);
            expect(next).toBeInstanceOf(EltError);
            expect((next as EltError).message).toMatch(
              /1 earlier write\(s\) rolled back.*could not write the WAL/,
            );
            await expect(d.flush()).rejects.toBe(next);
            // The last commit is what is stored: the first write's rows and state.
            expect((await readTable(d, spec)).size).toBe(5);
            expect(await committedState(file)).toEqual([['acct_1', 'background', 1]]);
          },
          { groupCommitMs: 60_000, groupMemoryBytes: 1, checkpointMemoryBytes: 0 },
        );
      } finally {
        vi.restoreAllMocks();
      }
    });

    it('reports once, at the next call, a failure after a background COMMIT that succeeded', async () => {
      const file = join(dir, 'group-background-after.duckdb');
      const spec = makeSpec('after_commit', [['v', 'text']]);
      // The cache trim after the armed commit fails (it runs once the COMMIT has succeeded).
      const trim = interceptArmed(
        (sql) => sql.startsWith('SET memory_limit'),
        'IO Error: no space left on device',
      );
      try {
        await withDest(
          file,
          [spec],
          async (d) => {
            trim.armed = true;
            await d.write([{ table: spec, rows: rowsOf(spec, 0, 5) }], []);
            const next = await d
              .write([{ table: spec, rows: rowsOf(spec, 5, 5) }], [])
              .catch((e: unknown) => e);
            expect((next as Error).message).toMatch(/after a commit.*no space left/);
            // Nothing was lost: the first write is committed, and later writes go on.
            expect(await committed(file, spec.name)).toBe(5);
            await d.write([{ table: spec, rows: rowsOf(spec, 5, 5) }], []);
            await d.flush();
            expect((await readTable(d, spec)).size).toBe(10);
          },
          { groupCommitMs: 60_000, groupMemoryBytes: 1, checkpointMemoryBytes: 0 },
        );
      } finally {
        vi.restoreAllMocks();
      }
    });

    describe('encoding ahead of a background commit', () => {
      /** Every write's group commits as the write returns (1-byte cap), so the next write finds it running. */
      const BACKGROUND: DuckDbOptions = {
        groupCommitMs: 60_000,
        groupMemoryBytes: 1,
        checkpointMemoryBytes: 0,
      };
      const countersOf = (d: DuckDbDestination) =>
        (d as unknown as { loader: DuckDbBatchLoader }).loader.prepared;
      const wide = () =>
        makeSpec('ahead_wide', [
          ['t', 'text'],
          ['j', 'json'],
          ['n', 'bigint'],
          ['x', 'double'],
          ['ts', 'timestamp'],
          ['b', 'boolean'],
          ['dec', 'decimal'],
        ]);
      const wideRow = (spec: TableSpec, i: number, tag: string) =>
        makeRow(
          spec,
          {
            id: `w${i}`,
            t: i % 7 === 0 ? null : `${tag}-${'é'.repeat(i % 20)}-${i}`,
            j: i % 5 === 0 ? null : JSON.stringify({ i, tag, nested: { s: 'x'.repeat(i % 40) } }),
            n: i % 3 === 0 ? null : i * 1_000_003,
            x: i / 7,
            ts: 1_600_000_000 + i + 0.25,
            b: i % 11 === 0 ? null : i % 2 === 0,
            dec: `${i}.125`,
          },
          { version: 1 },
        );

      it('encodes a write while the previous COMMIT runs, and appends exactly those rows', async () => {
        const file = join(dir, 'ahead.duckdb');
        const spec = wide();
        let release!: () => void;
        const gate = new Promise<void>((r) => {
          release = r;
        });
        const commit = interceptArmed(
          (sql) => sql === 'COMMIT',
          undefined,
          () => gate,
        );
        try {
          await withDest(
            file,
            [spec],
            async (d) => {
              const counters = countersOf(d);
              // The first write learns the table's layout; its COMMIT is held until released below.
              commit.armed = true;
              await d.write([{ table: spec, rows: [0, 1, 2].map((i) => wideRow(spec, i, 'a')) }], []);
              // 5 000 rows, three chunks: encoded during the call, before it can have the connection.
              const rows = Array.from({ length: 5_000 }, (_, i) => wideRow(spec, 3 + i, 'b'));
              let settled = false;
              const second = d.write([{ table: spec, rows }], []).then(() => {
                settled = true;
              });
              await new Promise((r) => setTimeout(r, 50));
              expect(settled).toBe(false);
              expect(await committed(file, spec.name)).toBe(0);
              release();
              await second;
              expect(counters).toEqual({ used: 1, discarded: 0 });
              await d.flush();
              const stored = await readTable(d, spec);
              expect(stored.size).toBe(5_003);
              for (const i of [0, 3, 4, 5, 2050, 2051, 4099, 5002]) {
                const want = wideRow(spec, i, i < 3 ? 'a' : 'b');
                const got = stored.get(`w${i}`)!;
                expect(got.t).toBe(want[spec.columns.findIndex((c) => c.name === 't')]);
                expect(got.j === null ? null : JSON.parse(String(got.j))).toEqual(
                  i % 5 === 0 ? null : { i, tag: i < 3 ? 'a' : 'b', nested: { s: 'x'.repeat(i % 40) } },
                );
                expect(got.n === null ? null : Number(got.n)).toBe(i % 3 === 0 ? null : i * 1_000_003);
                expect(got.b).toBe(i % 11 === 0 ? null : i % 2 === 0);
              }
            },
            BACKGROUND,
          );
        } finally {
          vi.restoreAllMocks();
        }
      });

      it('encodes again when the keys were stored meanwhile: merges, one row per key', async () => {
        const file = join(dir, 'ahead-keys.duckdb');
        const spec = makeSpec('ahead_keys', [['v', 'text']]);
        await withDest(
          file,
          [spec],
          async (d) => {
            const counters = countersOf(d);
            await d.write([{ table: spec, rows: rowsOf(spec, 0, 5) }], []);
            // Both encoded while the first write's commit runs, when neither's keys were stored; the
            // first stores them, so the second must merge (a direct append would duplicate them).
            const a = rowsOf(spec, 5, 10, 'first');
            const b = Array.from({ length: 10 }, (_, i) =>
              makeRow(spec, { id: `k${5 + i}`, v: 'second' }, { version: 2 }),
            );
            await Promise.all([
              d.write([{ table: spec, rows: a }], []),
              d.write([{ table: spec, rows: b }], []),
            ]);
            expect(counters).toEqual({ used: 1, discarded: 1 });
            await d.flush();
            const rows = await d.readRows(spec);
            expect(rows.length).toBe(15);
            const stored = await readTable(d, spec);
            for (let i = 5; i < 15; i++) expect(stored.get(`k${i}`)!.v).toBe('second');
          },
          BACKGROUND,
        );
      });

      it('predicts the row-group split of a write, and encodes again when another write moved it', async () => {
        const file = join(dir, 'ahead-split.duckdb');
        const spec = makeSpec('ahead_split', [['v', 'text']]);
        await withDest(
          file,
          [spec],
          async (d) => {
            const counters = countersOf(d);
            let next = 0;
            const take = (n: number) => {
              next += n;
              return rowsOf(spec, next - n, n);
            };
            // A full row group: its group commits in the background.
            await d.write([{ table: spec, rows: take(ROW_GROUP_SIZE) }], []);
            // Two writes issued together: each expects a whole row group of room, but the first takes
            // most of it, so the second is split where it was not encoded to be.
            const x = take(ROW_GROUP_SIZE - 50);
            const y = take(200);
            await Promise.all([
              d.write([{ table: spec, rows: x }], []),
              d.write([{ table: spec, rows: y }], []),
            ]);
            expect(counters).toEqual({ used: 1, discarded: 1 });
            expect(await committed(file, spec.name)).toBe(2 * ROW_GROUP_SIZE);
            await d.write([{ table: spec, rows: take(ROW_GROUP_SIZE - 150) }], []);
            // One write of two batches crossing the boundary: the second is split where predicted.
            await d.write(
              [
                { table: spec, rows: take(ROW_GROUP_SIZE - 100) },
                { table: spec, rows: take(300) },
              ],
              [],
            );
            expect(counters).toEqual({ used: 3, discarded: 1 });
            expect(await committed(file, spec.name)).toBe(4 * ROW_GROUP_SIZE);
            await d.flush();
            expect(next).toBe(4 * ROW_GROUP_SIZE + 200);
            expect((await d.readRows(spec)).length).toBe(next);
            expect((await readTable(d, spec)).size).toBe(next);
          },
          { groupCommitMs: 60_000 },
        );
      });
    });

    it('fails every later write and flush once a group rolls back writes that had resolved', async () => {
      const file = join(dir, 'group-lost.duckdb');
      const spec = makeSpec('lost', [['v', 'text']]);
      await withDest(
        file,
        [spec],
        async (d) => {
          await d.write(
            [{ table: spec, rows: rowsOf(spec, 0, 5) }],
            [{ account: 'acct_1', stream: 'lost', state: streamState(7) }],
          );
          // A number where text belongs: the append fails, and the group with it.
          const bad = await d
            .write([{ table: spec, rows: rowsOf(spec, 5, 1, 42) }], [])
            .catch((e: unknown) => e);
          expect(bad).toBeInstanceOf(EltError);
          expect((bad as EltError).message).toMatch(/1 earlier write\(s\) rolled back.*got a number/);
          expect((bad as EltError).retryable).toBe(false);
          const later = await d
            .write([{ table: spec, rows: rowsOf(spec, 6, 1) }], [])
            .catch((e: unknown) => e);
          expect(later).toBe(bad);
          await expect(d.flush()).rejects.toBe(bad);
          // Reads still work and show the last commit: neither rows nor state of the lost writes.
          expect((await readTable(d, spec)).size).toBe(0);
          expect((await d.readState()).find((r) => r.stream === 'lost')).toBeUndefined();
        },
        { groupCommitMs: 60_000 },
      );
      // A failure with nothing resolved before it in the group loses nothing: later writes go on.
      await withDest(
        join(dir, 'group-first.duckdb'),
        [spec],
        async (e) => {
          const first = await e
            .write([{ table: spec, rows: rowsOf(spec, 0, 1, 42) }], [])
            .catch((x: unknown) => x);
          expect((first as Error).message).toMatch(/got a number/);
          expect((first as Error).message).not.toMatch(/rolled back/);
          await e.write([{ table: spec, rows: rowsOf(spec, 0, 2) }], []);
          expect((await readTable(e, spec)).size).toBe(2);
        },
        { groupCommitMs: 60_000 },
      );
    });
  });

  it('caps DuckDB memory for a database file unless configured, and returns freed pages', async () => {
    const settingsOf = async (path: string, settings?: Record<string, string>) => {
      const d = await DuckDbDestination.open(path, { settings });
      // The destination's instance, shared through the per-file cache (a private one for :memory:).
      const lease = await acquireInstance(path, {});
      try {
        const c = await lease.connect();
        const r = await c.runAndReadAll(
          `SELECT current_setting('memory_limit'), current_setting('allocator_background_threads'), current_setting('temp_directory')`,
        );
        c.closeSync();
        return r.getRows()[0]!.map(String);
      } finally {
        lease.release();
        await d.close();
      }
    };
    // Spills go beside the file, as when DuckDB opens it itself (not to `.tmp` in the working directory).
    const file = join(dir, 'limit-default.duckdb');
    expect(await settingsOf(file)).toEqual(['488.2 MiB', 'true', `${resolve(file)}.tmp`]); // 512 MB
    expect(await settingsOf(join(dir, 'limit-set.duckdb'), { memory_limit: '1GB' })).toEqual([
      '953.6 MiB',
      'true',
      `${resolve(dir, 'limit-set.duckdb')}.tmp`,
    ]);
    // jemalloc's options: set before libduckdb loaded (unless the environment had its own).
    expect(process.env.DUCKDB_JE_MALLOC_CONF).toBeDefined();
    expect(DUCKDB_ALLOCATOR_CONF.split(',')).toEqual(
      expect.arrayContaining(['narenas:1', 'muzzy_decay_ms:0']),
    );
  });

  it('explains a database file held by another process', async () => {
    const file = join(dir, 'locked.duckdb');
    // The child opens the file, says "ready", and holds it until its stdin closes (then nothing keeps it alive).
    const script = `const { DuckDBInstance } = require('@duckdb/node-api');
      DuckDBInstance.create(${JSON.stringify(file)}).then(async (i) => { await i.connect(); process.stdout.write('ready\\n'); process.stdin.resume(); });`;
    const child = spawn(process.execPath, ['-e', script], {
      cwd: process.cwd(),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => b.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
      });
      const err = await DuckDbDestination.open(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EltError);
      expect((err as Error).message).toMatch(/open in another process/);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    }
  });
});
