/**
 * Proves the store's shortcuts keep its semantics: an object stored several times in one operation is
 * serialized once (its last version), reads in between see the latest version, views are shared only
 * until the object is stored again or the operation ends, and checked mode (on under vitest) catches code
 * that modifies an object after storing it or a view it was given.
 */
import { describe, expect, it } from 'vitest';
import { CHECKED } from '../../../src/emulator/checks.js';
import { Collection } from '../../../src/emulator/collection.js';
import { StoreCache } from '../../../src/emulator/storedRecord.js';

function collection(readMostly = false) {
  let seq = 0;
  const cache = new StoreCache();
  const coll = new Collection('widgets', ['status'], ['status'], () => ++seq, cache, readMostly);
  return { coll, cache };
}

describe('write-behind store', () => {
  it('serializes the last version once, and reads in between see the latest one', () => {
    const { coll, cache } = collection();
    const stringify = JSON.stringify;
    let calls = 0;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      calls++;
      return stringify(...args);
    }) as typeof JSON.stringify;
    try {
      coll.put({ id: 'w_1', created: 10, status: 'draft' } as never, 0);
      coll.put({ id: 'w_1', created: 10, status: 'open' } as never, 0);
      coll.put({ id: 'w_1', created: 10, status: 'paid' } as never, 0);
      const before = calls;
      cache.flush();
      // Checked mode serializes each version when stored as well, to compare.
      expect(calls - before).toBe(1);
    } finally {
      JSON.stringify = stringify;
    }
    expect(JSON.parse(coll.get('w_1')!.json)).toEqual({ id: 'w_1', created: 10, status: 'paid' });
    expect(coll.byIndex('status', 'paid').map((r) => r.id)).toEqual(['w_1']);
    expect(coll.byIndex('status', 'draft')).toEqual([]);
  });

  it('gives getObject a private copy, also of an object not serialized yet', () => {
    const { coll } = collection();
    coll.put({ id: 'w_1', created: 10, status: 'open', nested: { n: 1 } } as never, 0);
    const copy = coll.getObject<{ nested: { n: number } }>('w_1')!;
    copy.nested.n = 2;
    expect(coll.getObject<{ nested: { n: number } }>('w_1')!.nested.n).toBe(1);
  });
});

describe('views', () => {
  it('are shared within an operation, and a store or the end of the operation drops them', () => {
    const { coll, cache } = collection();
    coll.put({ id: 'w_1', created: 10, status: 'open' } as never, 0);
    cache.flush();
    const a = coll.view('w_1');
    expect(coll.view('w_1')).toBe(a);
    coll.put({ id: 'w_1', created: 10, status: 'paid' } as never, 0);
    const b = coll.view<{ status: string }>('w_1')!;
    expect(b).not.toBe(a);
    expect(b.status).toBe('paid');
    cache.flush();
    expect(coll.view('w_1')).not.toBe(b);
    expect(coll.view('w_1')).toEqual(b);
  });

  it('of read-mostly collections outlive the operation, until the object is stored again', () => {
    const { coll, cache } = collection(true);
    coll.put({ id: 'price_1', created: 10, status: 'active' } as never, 0);
    cache.flush();
    const a = coll.view('price_1');
    cache.flush();
    expect(coll.view('price_1')).toBe(a);
    coll.put({ id: 'price_1', created: 10, status: 'archived' } as never, 0);
    expect(coll.view<{ status: string }>('price_1')!.status).toBe('archived');
  });

  it('list an index like findBy, oldest first, filtered on the extracted fields', () => {
    const { coll } = collection();
    coll.put({ id: 'w_1', created: 10, status: 'open' } as never, 0);
    coll.put({ id: 'w_2', created: 11, status: 'open' } as never, 0);
    coll.put({ id: 'w_3', created: 12, status: 'paid' } as never, 0);
    expect(coll.viewsByIndex<{ id: string }>('status', 'open').map((w) => w.id)).toEqual(['w_1', 'w_2']);
  });
});

describe('checked mode', () => {
  it('is on under vitest', () => {
    expect(CHECKED).toBe(true);
  });

  it('fails an operation that modified an object after storing it', () => {
    const { coll, cache } = collection();
    const obj = { id: 'w_1', created: 10, status: 'open' };
    coll.put(obj as never, 0);
    obj.status = 'paid';
    expect(() => cache.flush()).toThrow(/w_1 was modified after it was stored/);
  });

  it('freezes views, so a reader that modifies one fails instead of changing what others read', () => {
    const { coll, cache } = collection();
    coll.put({ id: 'w_1', created: 10, status: 'open', nested: { n: 1 } } as never, 0);
    cache.flush();
    const view = coll.view<{ status: string; nested: { n: number } }>('w_1')!;
    expect(() => {
      view.status = 'paid';
    }).toThrow(TypeError);
    expect(() => {
      view.nested.n = 2;
    }).toThrow(TypeError);
  });
});
