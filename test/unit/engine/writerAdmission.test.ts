/**
 * Admission control between the API side and the writer (BatchWriter.reserve, Scheduler `admit`): a
 * request is sent only when the rows it will bring fit under the writer's pending limit, so pages do
 * not pile up in memory while the destination is slow.
 */
import { describe, expect, it } from 'vitest';
import type { Batch, Destination } from '../../../src/destinations/destination.js';
import { BatchWriter, type Item } from '../../../src/engine/batchWriter.js';
import { Scheduler, type Task } from '../../../src/engine/scheduler.js';
import { StateStore } from '../../../src/engine/stateStore.js';
import type { TableModel } from '../../../src/engine/tableModel.js';

/** A destination whose writes finish only when the test opens the gate (or fail when told to). */
class GatedDestination {
  written = 0;
  writes = 0;
  private gates: (() => void)[] = [];
  open = false;
  failNext: Error | undefined;

  release(): void {
    const g = this.gates;
    this.gates = [];
    for (const r of g) r();
  }

  async write(batches: readonly Batch[]): Promise<{ inserted: number; updated: number; deleted: number }> {
    this.writes++;
    if (this.failNext) throw this.failNext;
    if (!this.open) await new Promise<void>((r) => this.gates.push(r));
    const n = batches.reduce((k, b) => k + b.rows.length, 0);
    this.written += n;
    return { inserted: n, updated: 0, deleted: 0 };
  }

  async ensureTables(): Promise<void> {}
  async flush(): Promise<void> {}
}

/** The writer only asks its table model to evolve and to build rows; rows here are just the ids. */
const model = {
  spec: { name: 'things' },
  evolve: () => undefined,
  row: (obj: Record<string, unknown>) => [obj.id],
} as unknown as TableModel;

function writer(
  dest: GatedDestination,
  opts: { batchRows: number; maxBufferedRows: number; maxPendingRows?: number },
) {
  return new BatchWriter(dest as unknown as Destination, new Map([['things', model]]), new StateStore(), {
    ...opts,
    now: () => 0,
  });
}

function items(n: number, from = 0): Item[] {
  return Array.from({ length: n }, (_, i) => ({
    obj: { id: `x_${from + i}` },
    account: 'acct',
    version: 1,
    deleted: false,
  }));
}

const tick = () => new Promise((r) => setImmediate(r));

describe('BatchWriter.reserve', () => {
  it('admits up to the pending limit (buffer + reservations), first come first served', async () => {
    const dest = new GatedDestination();
    const w = writer(dest, { batchRows: 150, maxBufferedRows: 200, maxPendingRows: 300 });
    const r1 = await w.reserve(100);
    const r2 = await w.reserve(100);
    const r3 = await w.reserve(100);
    const order: string[] = [];
    const admitted = (name: string) => (release: () => void) => {
      order.push(name);
      return release;
    };
    const p4 = w.reserve(100).then(admitted('4'));
    const p5 = w.reserve(50).then(admitted('5'));
    await tick();
    expect(order).toEqual([]);
    expect(w.snapshot()).toMatchObject({ reserved: 300, admitting: 2 });
    // The first page arrives: its rows now count in the buffer instead, still 300 pending.
    await w.add('things', items(100));
    r1();
    await tick();
    expect(order).toEqual([]);
    // The second request failed: 100 buffered + 100 reserved, so the next in line (100) fits, 5 not.
    r2();
    await tick();
    expect(order).toEqual(['4']);
    // Another page fills the buffer past batchRows: a write takes it, and 5 fits too.
    await w.add('things', items(100, 100));
    r3();
    await tick();
    expect(dest.writes).toBe(1);
    expect(order).toEqual(['4', '5']);
    expect(w.snapshot()).toMatchObject({ buffered: 0, reserved: 150, admitting: 0 });
    (await p4)();
    (await p5)();
    // Giving a reservation back twice changes nothing.
    r3();
    expect(w.snapshot().reserved).toBe(0);
    dest.open = true;
    dest.release();
    await w.flush();
    expect(dest.written).toBe(200);
  });

  it('always admits one request when none holds a reservation, whatever its estimate', async () => {
    const w = writer(new GatedDestination(), { batchRows: 100, maxBufferedRows: 200 });
    const r = await w.reserve(10_000);
    let second = false;
    const p = w.reserve(1).then((x) => {
      second = true;
      return x;
    });
    await tick();
    expect(second).toBe(false);
    r();
    (await p)();
    expect(second).toBe(true);
  });

  it('a request aborted while waiting leaves the queue and does not hold back the next', async () => {
    const w = writer(new GatedDestination(), { batchRows: 100, maxBufferedRows: 100 });
    const r = await w.reserve(100);
    const ac = new AbortController();
    const aborted = w.reserve(100, ac.signal);
    const next = w.reserve(100);
    ac.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(w.snapshot().admitting).toBe(1);
    r();
    (await next)();
    expect(w.snapshot()).toMatchObject({ reserved: 0, admitting: 0 });
  });

  it('waiting requests fail with the writer when a write fails', async () => {
    const dest = new GatedDestination();
    dest.failNext = new Error('destination went away');
    const w = writer(dest, { batchRows: 100, maxBufferedRows: 100 });
    const r = await w.reserve(100);
    const waiting = w.reserve(100);
    await w.add('things', items(100)).catch(() => {});
    await expect(waiting).rejects.toThrow('destination went away');
    r();
    await expect(w.reserve(1)).rejects.toThrow('destination went away');
  });
});

describe('Scheduler with admission', () => {
  /**
   * Page tasks of 100 rows against a destination that writes slowly: what the process holds (pages
   * that arrived and wait to enter the buffer, plus the buffer) must stay within the pending limit,
   * where without admission every slot's page piles up.
   */
  async function run(admit: boolean): Promise<{ peakHeld: number; written: number }> {
    const dest = new GatedDestination();
    const w = writer(dest, { batchRows: 200, maxBufferedRows: 400, maxPendingRows: 400 });
    // The destination takes ~5 ms per write: slower than the tasks produce pages.
    const pump = setInterval(() => dest.release(), 5);
    let arrived = 0;
    let peakHeld = 0;
    let next = 0;
    const page = (): Task => ({
      endpoint: 'GET /v1/things',
      group: 'things',
      rows: 100,
      run: async () => {
        await new Promise((r) => setTimeout(r, 1));
        arrived += 100;
        peakHeld = Math.max(peakHeld, arrived + w.snapshot().buffered);
        const from = next;
        next += 100;
        const add = w.add('things', items(100, from));
        arrived -= 100;
        await add;
        return undefined;
      },
    });
    const s = new Scheduler({
      concurrency: 40,
      perEndpoint: 40,
      classify: () => 'fatal',
      admit: admit ? (rows, signal) => w.reserve(rows, signal) : undefined,
    });
    for (let i = 0; i < 200; i++) s.push(page());
    await s.run();
    dest.open = true;
    await w.flush();
    clearInterval(pump);
    return { peakHeld, written: dest.written };
  }

  it('bounds pages held in memory by the pending limit, and loses nothing', async () => {
    const admitted = await run(true);
    expect(admitted.written).toBe(20_000);
    expect(admitted.peakHeld).toBeLessThanOrEqual(400 + 100);
    const unbounded = await run(false);
    expect(unbounded.written).toBe(20_000);
    expect(unbounded.peakHeld).toBeGreaterThan(1_000);
  });

  it('tasks without an estimate are not held back', async () => {
    let admitted = 0;
    const ran: string[] = [];
    const s = new Scheduler({
      concurrency: 2,
      perEndpoint: 2,
      classify: () => 'fatal',
      admit: async () => {
        admitted++;
        return () => {};
      },
    });
    s.push(
      { endpoint: 'a', group: 'g', run: async () => void ran.push('plain') },
      { endpoint: 'a', group: 'g', rows: 5, run: async () => void ran.push('page') },
    );
    await s.run();
    expect(ran.sort()).toEqual(['page', 'plain']);
    expect(admitted).toBe(1);
  });

  it('drops a task whose group failed while it waited for admission', async () => {
    let releaseFirst!: () => void;
    const gate = new Promise<void>((r) => (releaseFirst = r));
    const ran: string[] = [];
    let grants = 0;
    const s = new Scheduler({
      concurrency: 2,
      perEndpoint: 2,
      classify: () => 'group',
      // One reservation at a time: the second page waits until the first is given back.
      admit: async () => {
        while (grants > 0) await new Promise((r) => setImmediate(r));
        grants++;
        return () => {
          grants--;
        };
      },
    });
    s.push(
      {
        endpoint: 'a',
        group: 'g',
        rows: 100,
        run: async () => {
          await gate;
          throw new Error('stream failed');
        },
      },
      { endpoint: 'a', group: 'g', rows: 100, run: async () => void ran.push('late page') },
    );
    const done = s.run();
    await new Promise((r) => setImmediate(r));
    releaseFirst();
    await done;
    expect(s.groupFailed('g')).toBe(true);
    expect(ran).toEqual([]);
  });
});
