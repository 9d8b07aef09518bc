/**
 * The destination conformance suite (ARCHITECTURE.md §7.8): every destination runs these same tests
 * against a real warehouse. `describeDestination(name, makeHarness)` from a `*.test.ts` per destination.
 * Merge semantics live here; state, runs and housekeeping in conformanceState.ts; value round-trips
 * and hostile names in conformanceValues.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Destination } from '../../../src/destinations/destination.js';
import {
  ACCOUNT,
  type DestinationHarness,
  makeRow,
  makeSpec,
  readTable,
  tableName,
} from './conformanceHelpers.js';
import { describeStateConformance } from './conformanceState.js';
import { describeValueConformance } from './conformanceValues.js';

export type { DestinationHarness } from './conformanceHelpers.js';

const T0 = 1_700_000_000;

export function describeDestination(name: string, makeHarness: () => Promise<DestinationHarness>): void {
  describe(`destination conformance: ${name}`, () => {
    let harness: DestinationHarness;
    let dest: Destination;
    const d = () => dest;

    beforeAll(async () => {
      harness = await makeHarness();
      dest = await harness.open();
      await dest.init();
    });
    afterAll(async () => {
      await dest?.close();
      await harness?.dispose();
    });

    it('init is idempotent and starts with no state and no runs', async () => {
      await dest.init();
      expect(await dest.readState()).toEqual([]);
      expect(await dest.readRuns(10)).toEqual([]);
    });

    it('creates tables, and adding a column keeps the rows', async () => {
      const v1 = makeSpec(tableName('evolve'), [['name', 'text']]);
      await dest.ensureTables([v1]);
      await dest.ensureTables([v1]);
      await dest.write([{ table: v1, rows: [makeRow(v1, { id: 'a', name: 'Ada' }, { version: 1 })] }], []);
      const v2 = makeSpec(v1.name, [
        ['name', 'text'],
        ['amount', 'bigint'],
        ['extra', 'json'],
      ]);
      await dest.ensureTables([v2]);
      await dest.write(
        [
          {
            table: v2,
            rows: [makeRow(v2, { id: 'b', name: 'Bo', amount: 7, extra: '{"k":1}' }, { version: 1 })],
          },
        ],
        [],
      );
      const rows = await readTable(dest, v2);
      expect(rows.get('a')).toMatchObject({ name: 'Ada', amount: null, extra: null });
      expect(rows.get('b')).toMatchObject({ name: 'Bo', amount: 7 });
    });

    it('counts inserts and updates, and an identical re-write changes nothing', async () => {
      const spec = makeSpec(tableName('counts'), [['name', 'text']]);
      await dest.ensureTables([spec]);
      const first = ['a', 'b', 'c'].map((id) => makeRow(spec, { id, name: `v1-${id}` }, { version: 10 }));
      expect(await dest.write([{ table: spec, rows: first }], [])).toMatchObject({
        inserted: 3,
        updated: 0,
        deleted: 0,
      });
      const second = [
        makeRow(spec, { id: 'a', name: 'v2-a' }, { version: 11 }),
        makeRow(spec, { id: 'd', name: 'v1-d' }, { version: 11 }),
      ];
      const stats = await dest.write([{ table: spec, rows: second }], []);
      expect(stats).toMatchObject({ inserted: 1, updated: 1, deleted: 0 });
      expect(stats.perBatch).toEqual([{ inserted: 1, updated: 1, deleted: 0 }]);
      expect(await dest.write([{ table: spec, rows: second }], [])).toMatchObject({
        inserted: 0,
        updated: 0,
        deleted: 0,
      });
      const rows = await readTable(dest, spec);
      expect([...rows.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(rows.get('a')?.name).toBe('v2-a');
    });

    it('never lets an older version overwrite a newer one; an equal version overwrites', async () => {
      const spec = makeSpec(tableName('guard'), [['name', 'text']]);
      await dest.ensureTables([spec]);
      await dest.write(
        [{ table: spec, rows: [makeRow(spec, { id: 'a', name: 'newer' }, { version: 20, syncedAt: T0 })] }],
        [],
      );
      const older = await dest.write(
        [
          {
            table: spec,
            rows: [makeRow(spec, { id: 'a', name: 'older' }, { version: 19, syncedAt: T0 + 5 })],
          },
        ],
        [],
      );
      expect(older).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
      let row = (await readTable(dest, spec)).get('a');
      expect(row).toMatchObject({ name: 'newer', _version: 20 });
      // The guard keeps the values, but the row was still seen: `_synced_at` rises (destination.ts).
      expect(row?._synced_at).toBe(T0 + 5);
      const equal = await dest.write(
        [
          {
            table: spec,
            rows: [makeRow(spec, { id: 'a', name: 'equal' }, { version: 20, syncedAt: T0 + 6 })],
          },
        ],
        [],
      );
      expect(equal).toMatchObject({ inserted: 0, updated: 1, deleted: 0 });
      row = (await readTable(dest, spec)).get('a');
      expect(row).toMatchObject({ name: 'equal', _version: 20, _synced_at: T0 + 6 });
    });

    it('dedupes a batch by key: highest version wins, the last row wins a tie', async () => {
      const spec = makeSpec(tableName('dedupe'), [['name', 'text']]);
      await dest.ensureTables([spec]);
      const rows = [
        makeRow(spec, { id: 'a', name: 'v7-first' }, { version: 7 }),
        makeRow(spec, { id: 'a', name: 'v9-first' }, { version: 9 }),
        makeRow(spec, { id: 'a', name: 'v9-last' }, { version: 9 }),
        makeRow(spec, { id: 'a', name: 'v8' }, { version: 8 }),
        makeRow(spec, { id: 'b', name: 'only' }, { version: 1 }),
      ];
      expect(await dest.write([{ table: spec, rows }], [])).toMatchObject({ inserted: 2, updated: 0 });
      expect((await readTable(dest, spec)).get('a')).toMatchObject({ name: 'v9-last', _version: 9 });
    });

    it('merges a mixed batch exactly: new, newer, older, identical, repeated and deleted keys at once', async () => {
      // Every column type takes part, so the guard compares (and the warehouse casts) each of them.
      const spec = makeSpec(tableName('mixed'), [
        ['name', 'text'],
        ['n', 'bigint'],
        ['x', 'double'],
        ['flag', 'boolean'],
        ['at', 'timestamp'],
        ['price', 'decimal'],
        ['doc', 'json'],
      ]);
      await dest.ensureTables([spec]);
      const fields = (id: string, name: string) => ({
        id,
        name,
        n: 7,
        x: 0.5,
        flag: true,
        at: T0,
        price: '1.25',
        doc: `{"v":"${name}"}`,
      });
      const before = ['newer', 'older', 'same', 'gone'].map((id) =>
        makeRow(spec, fields(id, 'v1'), { version: 5, syncedAt: T0 }),
      );
      await dest.write([{ table: spec, rows: before }], []);
      const at = { syncedAt: T0 + 1 };
      const rows = [
        makeRow(spec, fields('fresh', 'n'), { version: 6, ...at }),
        makeRow(spec, fields('newer', 'v2'), { version: 6, ...at }),
        makeRow(spec, fields('older', 'v0'), { version: 4, ...at }),
        makeRow(spec, fields('same', 'v1'), { version: 5, ...at }),
        makeRow(spec, fields('gone', 'v1'), { version: 6, ...at, deleted: true }),
        makeRow(spec, fields('fresh_gone', 'x'), { version: 6, ...at, deleted: true }),
        makeRow(spec, fields('twice', 'first'), { version: 6, ...at }),
        makeRow(spec, fields('twice', 'second'), { version: 6, ...at }),
      ];
      expect(await dest.write([{ table: spec, rows }], [])).toMatchObject({
        inserted: 2,
        updated: 1,
        deleted: 2,
      });
      const back = await readTable(dest, spec);
      expect(back.get('newer')).toMatchObject({
        name: 'v2',
        _version: 6,
        doc: expect.stringContaining('v2'),
      });
      expect(back.get('older')).toMatchObject({ name: 'v1', _version: 5, _synced_at: T0 + 1 });
      expect(back.get('same')).toMatchObject({ name: 'v1', price: '1.25', at: T0, _synced_at: T0 + 1 });
      expect(back.get('gone')).toMatchObject({ _deleted: true, _version: 6 });
      expect(back.get('fresh_gone')).toMatchObject({ _deleted: true });
      expect(back.get('twice')).toMatchObject({ name: 'second' });
      // Replaying the same batch changes nothing.
      expect(await dest.write([{ table: spec, rows }], [])).toMatchObject({
        inserted: 0,
        updated: 0,
        deleted: 0,
      });
    });

    it('applies two batches of one write to the same key in order', async () => {
      const spec = makeSpec(tableName('twobatch'), [['name', 'text']]);
      await dest.ensureTables([spec]);
      const a = { table: spec, rows: [makeRow(spec, { id: 'k', name: 'first' }, { version: 1 })] };
      const b = { table: spec, rows: [makeRow(spec, { id: 'k', name: 'second' }, { version: 2 })] };
      const stats = await dest.write([a, b], []);
      expect(stats.perBatch).toEqual([
        { inserted: 1, updated: 0, deleted: 0 },
        { inserted: 0, updated: 1, deleted: 0 },
      ]);
      expect((await readTable(dest, spec)).get('k')).toMatchObject({ name: 'second', _version: 2 });
    });

    it('soft-deletes: the row stays with _deleted = true and counts as deleted', async () => {
      const spec = makeSpec(tableName('softdel'), [['name', 'text']]);
      await dest.ensureTables([spec]);
      await dest.write(
        [{ table: spec, rows: ['a', 'b'].map((id) => makeRow(spec, { id, name: id }, { version: 1 })) }],
        [],
      );
      const del = [
        makeRow(spec, { id: 'a', name: 'a' }, { version: 2, deleted: true }),
        makeRow(spec, { id: 'z', name: 'z' }, { version: 2, deleted: true }),
      ];
      expect(await dest.write([{ table: spec, rows: del }], [])).toMatchObject({
        inserted: 0,
        updated: 0,
        deleted: 2,
      });
      const rows = await readTable(dest, spec);
      expect(rows.get('a')).toMatchObject({ _deleted: true, name: 'a' });
      expect(rows.get('b')).toMatchObject({ _deleted: false });
      expect(await dest.tableCounts([spec.name, 'no_such_table'])).toEqual([
        { table: spec.name, account: ACCOUNT, live: 1, deleted: 2 },
      ]);
    });

    it('replaceChildren marks the children a parent no longer lists as deleted', async () => {
      const spec = makeSpec(tableName('children'), [['parent', 'text']]);
      await dest.ensureTables([spec]);
      const child = (id: string, parent: string, syncedAt: number, version: number) =>
        makeRow(spec, { id, parent }, { syncedAt, version });
      await dest.write(
        [
          {
            table: spec,
            rows: [
              child('c1', 'p1', T0, 1),
              child('c2', 'p1', T0, 1),
              child('c3', 'p1', T0, 1),
              child('d1', 'p2', T0, 1),
            ],
          },
        ],
        [],
      );
      // The refreshed parent p1 lists c1 and c3 only; children and replacement come as separate batches.
      const stats = await dest.write(
        [
          { table: spec, rows: [child('c1', 'p1', T0 + 10, 2), child('c3', 'p1', T0 + 10, 2)] },
          {
            table: spec,
            rows: [],
            replaceChildren: {
              column: 'parent',
              parentIds: ['p1'],
              account: ACCOUNT,
              version: 2,
              syncedAt: T0 + 10,
            },
          },
        ],
        [],
      );
      expect(stats.perBatch?.[1]).toEqual({ inserted: 0, updated: 0, deleted: 1 });
      const rows = await readTable(dest, spec);
      expect(rows.get('c2')).toMatchObject({ _deleted: true, _version: 2 });
      for (const id of ['c1', 'c3', 'd1']) expect(rows.get(id)?._deleted).toBe(false);
      // Another account's parent with the same id is not touched.
      const other = await dest.write(
        [
          {
            table: spec,
            rows: [],
            replaceChildren: {
              column: 'parent',
              parentIds: ['p2'],
              account: 'acct_other',
              version: 3,
              syncedAt: T0 + 20,
            },
          },
        ],
        [],
      );
      expect(other.deleted).toBe(0);
    });

    it('sweep marks rows not seen since `before` as deleted, including rows the version guard kept', async () => {
      const spec = makeSpec(tableName('sweep'), [['name', 'text']]);
      await dest.ensureTables([spec]);
      await dest.write(
        [
          {
            table: spec,
            rows: ['a', 'b', 'c'].map((id) => makeRow(spec, { id }, { version: 5, syncedAt: T0 })),
          },
        ],
        [],
      );
      // Re-list at T0+100: a is unchanged at an older version (kept, but seen), b is newer; c is gone.
      await dest.write(
        [
          {
            table: spec,
            rows: [
              makeRow(spec, { id: 'a' }, { version: 4, syncedAt: T0 + 100 }),
              makeRow(spec, { id: 'b', name: 'new' }, { version: 6, syncedAt: T0 + 100 }),
            ],
          },
        ],
        [],
      );
      const stats = await dest.write(
        [{ table: spec, rows: [], sweep: { account: ACCOUNT, before: T0 + 100, version: 7 } }],
        [],
      );
      expect(stats.deleted).toBe(1);
      const rows = await readTable(dest, spec);
      expect(rows.get('c')).toMatchObject({ _deleted: true, _version: 7 });
      expect(rows.get('a')).toMatchObject({ _deleted: false, _version: 5 });
      expect(rows.get('b')).toMatchObject({ _deleted: false, name: 'new' });
    });

    describeStateConformance(d);
    describeValueConformance(d);
  });
}
