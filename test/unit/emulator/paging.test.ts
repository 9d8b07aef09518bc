/**
 * Proves paging stays exact and cheap at scale: 5,000 objects sharing one `created` second page forwards
 * (`starting_after`) and backwards (`ending_before`) with every object exactly once and in order; a page
 * of a 200,000-object collection inspects about `limit` records wherever the cursor is (counted through
 * the default list filter's invocations — no timing); and a child endpoint list reads only its parent's
 * children through the secondary index.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../src/emulator/emulator.js';
import { bulkWidgets, probe, send, widgetEmulator } from '../../support/emulatorWidgets.js';

const T0 = 1_700_000_000;

describe('5,000 objects created in the same second', () => {
  let emu: Emulator;
  let ids: string[];
  beforeAll(() => {
    emu = widgetEmulator();
    ids = bulkWidgets(emu, 5000, T0); // oldest first by insertion
  });

  it('pages forwards with starting_after: every object once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await send(emu, 'GET', `/v1/widgets?limit=100${cursor ? `&starting_after=${cursor}` : ''}`);
      seen.push(...res.json.data.map((w: { id: string }) => w.id));
      if (!res.json.has_more) break;
      cursor = res.json.data.at(-1).id;
    }
    expect(seen).toHaveLength(5000);
    expect(seen).toEqual([...ids].reverse());
  });

  it('pages backwards with ending_before from the oldest: every object once, in order', async () => {
    const oldest = ids[0]!;
    const pages: string[][] = [];
    let cursor = oldest;
    for (;;) {
      const res = await send(emu, 'GET', `/v1/widgets?limit=100&ending_before=${cursor}`);
      const page = res.json.data.map((w: { id: string }) => w.id) as string[];
      pages.push(page);
      if (!res.json.has_more) break;
      cursor = page[0]!; // the newest on this page: the next page is newer still
    }
    const seen = pages.reverse().flat();
    expect(seen).toEqual([...ids].reverse().slice(0, 4999));
    expect(new Set(seen).size).toBe(4999);
  });

  it('agrees with the created filter on that second', async () => {
    const res = await send(emu, 'GET', `/v1/widgets?limit=100&created=${T0}&starting_after=${ids[4000]}`);
    expect(res.json.data.map((w: { id: string }) => w.id)).toEqual(ids.slice(3900, 4000).reverse());
  });
});

describe('a 200,000-object collection', () => {
  let emu: Emulator;
  let ids: string[];
  let small: string;
  let smallChildren: string[];
  beforeAll(async () => {
    emu = widgetEmulator();
    const big = (await send(emu, 'POST', '/v1/gadgets', 'name=big')).json.id as string;
    small = (await send(emu, 'POST', '/v1/gadgets', 'name=small')).json.id as string;
    // Spread over ~2 days of `created`, all children of `big` except every 40,000th, which is `small`'s.
    ids = bulkWidgets(emu, 200_000, T0, (i) => ({
      created: T0 + Math.floor(i / 2),
      gadget: i % 40_000 === 7 ? small : big,
    }));
    smallChildren = ids.filter((_, i) => i % 40_000 === 7);
  }, 120_000);

  const inspect = async (url: string) => {
    probe.calls = 0;
    const res = await send(emu, 'GET', url);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return {
      calls: probe.calls,
      ids: res.json.data.map((w: { id: string }) => w.id) as string[],
      hasMore: res.json.has_more,
    };
  };

  it('first page: ~limit records inspected', async () => {
    const r = await inspect('/v1/widgets?limit=10');
    expect(r.ids).toEqual(ids.slice(-10).reverse());
    expect(r.calls).toBeLessThanOrEqual(11); // 10 for the page + 1 to know has_more
  });

  it('a page deep inside (starting_after): ~limit records inspected', async () => {
    const r = await inspect(`/v1/widgets?limit=10&starting_after=${ids[100_000]}`);
    expect(r.ids).toEqual(ids.slice(99_990, 100_000).reverse());
    expect(r.calls).toBeLessThanOrEqual(11);
  });

  it('a page deep inside (ending_before): ~limit records inspected', async () => {
    const r = await inspect(`/v1/widgets?limit=10&ending_before=${ids[50_000]}`);
    expect(r.ids).toEqual(ids.slice(50_001, 50_011).reverse());
    expect(r.calls).toBeLessThanOrEqual(11);
  });

  it('a created window deep inside: ~limit records inspected', async () => {
    const r = await inspect(`/v1/widgets?limit=10&created[lt]=${T0 + 30_000}`);
    expect(r.ids).toEqual(ids.slice(59_990, 60_000).reverse());
    expect(r.calls).toBeLessThanOrEqual(11);
  });

  it('the child endpoint reads only its parent’s children (secondary index)', async () => {
    const r = await inspect(`/v1/gadgets/${small}/widgets?limit=100`);
    expect(r.ids).toEqual([...smallChildren].reverse());
    expect(r.calls).toBe(smallChildren.length);
  });

  it('the top-level list filtered by the indexed parent field uses the index too', async () => {
    const r = await inspect(`/v1/widgets?gadget=${small}&limit=100`);
    expect(r.ids).toEqual([...smallChildren].reverse());
    expect(r.calls).toBe(smallChildren.length);
  });
});
