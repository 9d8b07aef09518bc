/**
 * Conformance, part two: state saved atomically with rows, idempotent replays, state records, run
 * records, dropping tables, concurrency and cancellation.
 */
import { describe, expect, it } from 'vitest';
import type { Destination } from '../../../src/destinations/destination.js';
import { EltError } from '../../../src/errors.js';
import { EVENTS_STATE_STREAM, EventsStateV1 } from '../../../src/state/syncState.js';
import { ACCOUNT, makeRow, makeSpec, readTable, streamState, tableName } from './conformanceHelpers.js';

const T0 = 1_700_000_000;

export function describeStateConformance(dest: () => Destination): void {
  describe('state, runs and housekeeping', () => {
    it('saves state with the rows, and a failing write leaves neither rows nor state', async () => {
      const spec = makeSpec(tableName('atomic'), [
        ['amount', 'bigint'],
        ['price', 'decimal'],
      ]);
      await dest().ensureTables([spec]);
      const good = {
        table: spec,
        rows: [makeRow(spec, { id: 'ok', amount: 1, price: '1.5' }, { version: 1 })],
      };
      const state = [{ account: ACCOUNT, stream: spec.name, state: streamState(111) }];
      // Two ways to fail after the first batch was merged: a value the loader refuses (a string in a
      // bigint column) and one only the database rejects (a decimal that is not a number).
      const badLoader = { table: spec, rows: [makeRow(spec, { id: 'bad', amount: 'x' }, { version: 1 })] };
      const badDatabase = {
        table: spec,
        rows: [makeRow(spec, { id: 'bad', price: 'not-a-number' }, { version: 1 })],
      };
      for (const bad of [badLoader, badDatabase]) {
        const err = await dest()
          .write([good, bad], state)
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(EltError);
        expect((err as EltError).message).not.toContain('\n');
        expect((await readTable(dest(), spec)).size).toBe(0);
        expect((await dest().readState()).find((s) => s.stream === spec.name)).toBeUndefined();
      }
      // The destination is still usable, and state lands with the rows.
      await dest().write([good], state);
      expect((await readTable(dest(), spec)).size).toBe(1);
      expect((await dest().readState()).find((s) => s.stream === spec.name)?.state).toEqual(streamState(111));
    });

    it('a failing write leaves nothing behind after a batch loaded straight into its table', async () => {
      // No decimal column and new keys: the first batch takes the direct path (COPY / appender into
      // the table itself); the second fails in the loader; the rollback must take the first one too.
      const spec = makeSpec(tableName('atomic_direct'), [['amount', 'bigint']]);
      const other = makeSpec(tableName('atomic_direct_other'), [['amount', 'bigint']]);
      await dest().ensureTables([spec, other]);
      const good = { table: spec, rows: [makeRow(spec, { id: 'ok', amount: 1 }, { version: 1 })] };
      const bad = { table: other, rows: [makeRow(other, { id: 'bad', amount: 'x' }, { version: 1 })] };
      const state = [{ account: ACCOUNT, stream: spec.name, state: streamState(222) }];
      const err = await dest()
        .write([good, bad], state)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EltError);
      expect((err as EltError).retryable).toBe(false);
      expect((err as Error).message).toContain('column amount (bigint)');
      expect((await readTable(dest(), spec)).size).toBe(0);
      expect((await dest().readState()).find((s) => s.stream === spec.name)).toBeUndefined();
      expect(await dest().write([good], state)).toMatchObject({ inserted: 1, updated: 0, deleted: 0 });
      expect((await readTable(dest(), spec)).get('ok')?.amount).toBe(1);
    });

    it('re-writing the same batches and state is idempotent', async () => {
      const spec = makeSpec(tableName('replay'), [['n', 'bigint']]);
      await dest().ensureTables([spec]);
      const batches = [
        { table: spec, rows: [1, 2, 3].map((n) => makeRow(spec, { id: `r${n}`, n }, { version: n })) },
      ];
      const state = [{ account: ACCOUNT, stream: spec.name, state: streamState(5) }];
      await dest().write(batches, state);
      const before = await readTable(dest(), spec);
      expect(await dest().write(batches, state)).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
      expect(await readTable(dest(), spec)).toEqual(before);
    });

    it('stores, overwrites and clears state records', async () => {
      const stream = tableName('state');
      const events = EventsStateV1.parse({
        version: 1,
        cursor: T0,
        lastEventId: 'evt_2',
        recentIds: ['evt_1', 'evt_2'],
      });
      await dest().write(
        [],
        [
          { account: ACCOUNT, stream, state: streamState(1) },
          { account: ACCOUNT, stream, state: streamState(2) },
          { account: ACCOUNT, stream: EVENTS_STATE_STREAM, state: events },
        ],
      );
      let all = await dest().readState();
      expect(all.find((s) => s.stream === stream)?.state).toEqual(streamState(2));
      expect(all.find((s) => s.stream === EVENTS_STATE_STREAM)?.state).toEqual(events);
      await dest().clearState([{ account: ACCOUNT, stream: EVENTS_STATE_STREAM }]);
      all = await dest().readState();
      expect(all.some((s) => s.stream === EVENTS_STATE_STREAM)).toBe(false);
      expect(all.some((s) => s.stream === stream)).toBe(true);
    });

    it('updates stored state records and inserts new ones in the same write', async () => {
      const [a, b, c] = ['a', 'b', 'c'].map((x) => tableName(`multi_${x}`));
      await dest().write(
        [],
        [
          { account: ACCOUNT, stream: a!, state: streamState(1) },
          { account: ACCOUNT, stream: b!, state: streamState(2) },
        ],
      );
      await dest().write(
        [],
        [
          { account: ACCOUNT, stream: a!, state: streamState(10) },
          { account: ACCOUNT, stream: c!, state: streamState(30) },
          { account: 'acct_other\u0000nul', stream: a!, state: streamState(40) },
        ],
      );
      const all = await dest().readState();
      const of = (account: string, stream: string) =>
        all.filter((r) => r.account === account && r.stream === stream).map((r) => r.state);
      expect(of(ACCOUNT, a!)).toEqual([streamState(10)]);
      expect(of(ACCOUNT, b!)).toEqual([streamState(2)]);
      expect(of(ACCOUNT, c!)).toEqual([streamState(30)]);
      expect(of('acct_other\u0000nul', a!)).toEqual([streamState(40)]);
    });

    it('records runs (upserted as they progress), newest first, with secrets redacted', async () => {
      const base = {
        account: ACCOUNT,
        stream: 'charges',
        mode: 'backfill',
        rowsInserted: 0,
        rowsUpdated: 0,
        rowsDeleted: 0,
        apiRequests: 0,
        rateLimitedRetries: 0,
        error: null,
      };
      await dest().recordRun({
        ...base,
        runId: 'run_a',
        startedAt: new Date(T0 * 1000),
        finishedAt: null,
        status: 'running',
      });
      await dest().recordRun({
        ...base,
        runId: 'run_b',
        startedAt: new Date(T0 * 1000 + 60_000),
        finishedAt: null,
        status: 'running',
      });
      const finished = {
        ...base,
        runId: 'run_a',
        startedAt: new Date(T0 * 1000),
        finishedAt: new Date(T0 * 1000 + 1234),
        status: 'failed',
        rowsInserted: 5,
        rowsUpdated: 2,
        rowsDeleted: 1,
        apiRequests: 9,
        rateLimitedRetries: 3,
        error: 'could not reach postgres://loader:hunter2@db.internal/prod',
      };
      await dest().recordRun(finished);
      const runs = await dest().readRuns(10);
      expect(runs.map((r) => r.runId)).toEqual(['run_b', 'run_a']);
      expect(runs[1]).toEqual({
        ...finished,
        error: 'could not reach postgres://loader:****@db.internal/prod',
      });
      expect(await dest().readRuns(1)).toHaveLength(1);
    });

    it('drops a table', async () => {
      const spec = makeSpec(tableName('drop'), [['n', 'bigint']]);
      await dest().ensureTables([spec]);
      await dest().write([{ table: spec, rows: [makeRow(spec, { id: 'x' }, { version: 1 })] }], []);
      await dest().dropTable(spec.name);
      expect(await dest().tableCounts([spec.name])).toEqual([]);
      await dest().dropTable(spec.name);
    });

    it('handles concurrent writes to different tables', async () => {
      const a = makeSpec(tableName('conc'), [['n', 'bigint']]);
      const b = makeSpec(tableName('conc'), [['n', 'bigint']]);
      await dest().ensureTables([a, b]);
      const rows = (spec: typeof a) =>
        Array.from({ length: 50 }, (_, i) => makeRow(spec, { id: `r${i}`, n: i }, { version: 1 }));
      const [sa, sb] = await Promise.all([
        dest().write([{ table: a, rows: rows(a) }], []),
        dest().write([{ table: b, rows: rows(b) }], []),
      ]);
      expect([sa.inserted, sb.inserted]).toEqual([50, 50]);
    });

    it('stops a write aborted in the middle of a batch and leaves nothing behind', async () => {
      const spec = makeSpec(tableName('abortmid'), [['v', 'text']]);
      await dest().ensureTables([spec]);
      const ctl = new AbortController();
      const rows = Array.from({ length: 2000 }, (_, i) =>
        makeRow(spec, { id: `r${i}`, v: 'x'.repeat(200) }, { version: 1 }),
      );
      // The loader reading row 1000 aborts the write: deterministic, wherever the destination is.
      rows[1000] = new Proxy(rows[1000]!, {
        get(target, key, receiver) {
          if (!ctl.signal.aborted) ctl.abort(new Error('stop requested'));
          return Reflect.get(target, key, receiver);
        },
      });
      const state = [{ account: ACCOUNT, stream: spec.name, state: streamState(9) }];
      const err = await dest()
        .write([{ table: spec, rows }], state, ctl.signal)
        .catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/stop requested/);
      expect((await readTable(dest(), spec)).size).toBe(0);
      expect((await dest().readState()).some((s) => s.stream === spec.name)).toBe(false);
      // Still usable afterwards.
      expect((await dest().write([{ table: spec, rows: rows.slice(0, 3) }], [])).inserted).toBe(3);
    });

    it('does nothing when the signal is already aborted', async () => {
      const spec = makeSpec(tableName('abort'), [['n', 'bigint']]);
      await dest().ensureTables([spec]);
      const ctl = new AbortController();
      ctl.abort(new Error('stop'));
      await expect(
        dest().write([{ table: spec, rows: [makeRow(spec, { id: 'x' }, { version: 1 })] }], [], ctl.signal),
      ).rejects.toThrow();
      expect((await readTable(dest(), spec)).size).toBe(0);
    });
  });
}
