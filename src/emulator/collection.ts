/**
 * One resource's objects in one account, kept the way Stripe lists them: ordered by `created` and, for
 * objects created in the same second, by insertion order — so "newest first" is well defined even when a
 * bulk import gives thousands of objects one `created` value, and `starting_after` pages stay exact.
 *
 * Objects are held as JSON text (a fraction of the memory of live JS objects, and list pages are built by
 * concatenation), with a few extracted fields for filtering. Secondary indexes on parent ids make a child
 * list (`/v1/invoices/{id}/lines`) cost O(page), not O(collection).
 *
 * Objects are stored write-behind and read-only readers share views: see storedRecord.ts.
 */
import { asView, Rec, StoreCache } from './storedRecord.js';

export type FieldValue = string | number | boolean | null;
export { Rec };

/** A read-mostly collection larger than this keeps its views for one operation only (bounds memory). */
const MAX_LASTING_VIEWS = 2048;

export interface PageQuery {
  limit: number;
  startingAfter?: Rec;
  endingBefore?: Rec;
  created?: { gt?: number; gte?: number; lt?: number; lte?: number };
  /** Equality on an indexed field: iterate that index instead of the whole collection. */
  indexed?: { field: string; value: FieldValue };
  /** Any further test on the extracted fields. */
  predicate?: (fields: Record<string, FieldValue>, rec: Rec) => boolean;
}

export interface Page {
  recs: Rec[];
  hasMore: boolean;
}

const cmp = (a: Rec, b: Rec) => a.created - b.created || a.seq - b.seq;

/** First index in `arr` whose element is not less than `key` (by created, seq). */
function lowerBound(arr: readonly Rec[], created: number, seq: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = arr[mid]!;
    if (r.created < created || (r.created === created && r.seq < seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(arr: Rec[], rec: Rec): void {
  const last = arr[arr.length - 1];
  if (!last || cmp(last, rec) < 0) {
    arr.push(rec); // the common case: new objects are the newest
    return;
  }
  arr.splice(lowerBound(arr, rec.created, rec.seq), 0, rec);
}

function removeSorted(arr: Rec[], rec: Rec): void {
  const i = lowerBound(arr, rec.created, rec.seq);
  if (arr[i] === rec) arr.splice(i, 1);
}

export interface DeletedRec {
  id: string;
  created: number;
  deletedAt: number;
  /** The object as it was last seen, then flagged `deleted`. */
  json: string;
}

export class Collection {
  private readonly byId = new Map<string, Rec>();
  private readonly sorted: Rec[] = [];
  private readonly indexes = new Map<string, Map<FieldValue, Rec[]>>();
  readonly deleted = new Map<string, DeletedRec>();
  /** The indexes as an array: put walks them on every store. */
  private readonly indexList: (readonly [string, Map<FieldValue, Rec[]>])[];
  /** Each filter field with its dotted path split once (extract runs on every store). */
  private readonly paths: (readonly [string, readonly string[]])[];

  constructor(
    readonly name: string,
    filterFields: readonly string[],
    indexedFields: readonly string[],
    private readonly nextSeq: () => number,
    private readonly cache: StoreCache = new StoreCache(),
    /** ResourceDef.readMostly: parsed views stay until the object is stored again. */
    private readonly readMostly = false,
  ) {
    for (const f of indexedFields) this.indexes.set(f, new Map());
    this.indexList = [...this.indexes];
    this.paths = filterFields.map((f) => [f, f.split('.')] as const);
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Rec | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  getObject<T = Record<string, unknown>>(id: string): T | undefined {
    const rec = this.byId.get(id);
    return rec ? (JSON.parse(rec.json) as T) : undefined;
  }

  /**
   * The object for readers that only read it, shared until the operation ends or it is stored again
   * (see storedRecord.ts); `getObject` gives a copy to modify.
   */
  view<T = Record<string, unknown>>(id: string): T | undefined {
    const rec = this.byId.get(id);
    return rec ? (this.viewOf(rec) as T) : undefined;
  }

  /** The view of a record of this collection (from `page`, `byIndex`...). */
  viewOfRecord<T = Record<string, unknown>>(rec: Rec): T {
    return this.viewOf(rec) as T;
  }

  /** Views of the live records with `field === value`, oldest first (indexed fields only). */
  viewsByIndex<T = Record<string, unknown>>(
    field: string,
    value: FieldValue,
    where?: (fields: Readonly<Record<string, FieldValue>>) => boolean,
  ): T[] {
    const out: T[] = [];
    for (const rec of this.byIndex(field, value))
      if (!where || where(rec.fields)) out.push(this.viewOf(rec) as T);
    return out;
  }

  private viewOf(rec: Rec): object {
    let v = rec.view;
    if (v === undefined) {
      // An object stored in this operation is its own view: no serializing it just to parse it back.
      const pending = rec.pendingObject;
      v = asView(pending ?? (JSON.parse(rec.json) as object));
      rec.view = v;
      // A parse of a catalog object is kept for later operations (a put drops it); anything else, and
      // an object its writer may still hold, is dropped when the operation ends.
      if (pending !== undefined || !this.readMostly || this.byId.size > MAX_LASTING_VIEWS)
        this.cache.viewed(rec);
    }
    return v;
  }

  /**
   * Insert a new object or replace an existing one (keeping its place in the order). The object is the
   * store's from now on (serialized later, see storedRecord.ts): do not modify it afterwards. With
   * `mustBeNew`, an existing id is an error (one lookup instead of `has` and then `put`).
   */
  put(obj: { id: string; created?: number }, createdFallback: number, mustBeNew = false): Rec {
    const fields = this.extract(obj as Record<string, unknown>);
    const existing = this.byId.get(obj.id);
    if (existing) {
      if (mustBeNew) throw new Error(`${this.name} ${obj.id} already exists`);
      const old = existing.fields;
      for (const [field, index] of this.indexList) {
        if (old[field] !== fields[field]) {
          this.unindex(index, old[field] ?? null, existing);
          this.index(index, fields[field] ?? null, existing);
        }
      }
      if (!existing.replace(obj)) this.cache.wrote(existing);
      // Most changes leave the filter fields as they were: keep the (long-lived) old object then.
      if (this.paths.some(([f]) => old[f] !== fields[f])) existing.fields = fields;
      existing.view = undefined;
      return existing;
    }
    const created = typeof obj.created === 'number' ? obj.created : createdFallback;
    const rec = new Rec(obj.id, created, this.nextSeq(), obj, fields);
    this.cache.wrote(rec);
    // A user-chosen id (coupons) may be created again after a delete: it is live, not deleted, now.
    this.deleted.delete(obj.id);
    this.byId.set(rec.id, rec);
    insertSorted(this.sorted, rec);
    for (const [field, index] of this.indexList) this.index(index, fields[field] ?? null, rec);
    return rec;
  }

  /** Remove from lists; remember the last state for ground truth. */
  remove(id: string, deletedAt: number, lastState?: Record<string, unknown>): Rec | undefined {
    const rec = this.byId.get(id);
    if (!rec) return undefined;
    this.byId.delete(id);
    rec.view = undefined;
    removeSorted(this.sorted, rec);
    for (const [field, index] of this.indexList) this.unindex(index, rec.fields[field] ?? null, rec);
    this.deleted.set(id, {
      id,
      created: rec.created,
      deletedAt,
      json: lastState ? JSON.stringify(lastState) : rec.json,
    });
    return rec;
  }

  /** All live records, oldest first. */
  *records(): IterableIterator<Rec> {
    yield* this.sorted;
  }

  /** Live records with `field === value`, oldest first (indexed fields only). */
  byIndex(field: string, value: FieldValue): readonly Rec[] {
    const index = this.indexes.get(field);
    if (!index) throw new Error(`${this.name}.${field} is not indexed`);
    return index.get(value) ?? [];
  }

  isIndexed(field: string): boolean {
    return this.indexes.has(field);
  }

  /** One page, newest first, Stripe's cursor semantics. Cost is O(limit) plus skipped non-matches. */
  page(q: PageQuery): Page {
    const arr = q.indexed ? this.byIndex(q.indexed.field, q.indexed.value) : this.sorted;
    // [lo, hi) = the created range.
    const c = q.created ?? {};
    let lo = 0;
    let hi = arr.length;
    // Several bounds may be given at once (a caller's `created[gt]` plus the events retention floor):
    // the range is their intersection. Timestamps are integers, so gt n ≡ gte n+1.
    const mins = [c.gte, c.gt === undefined ? undefined : c.gt + 1].filter((v) => v !== undefined);
    const maxs = [c.lte, c.lt === undefined ? undefined : c.lt - 1].filter((v) => v !== undefined);
    const minCreated = mins.length ? Math.max(...mins) : undefined;
    const maxCreated = maxs.length ? Math.min(...maxs) : undefined;
    if (minCreated !== undefined) lo = lowerBound(arr, minCreated, -Infinity);
    if (maxCreated !== undefined) hi = Math.max(lo, lowerBound(arr, maxCreated + 1, -Infinity));
    const matches = (r: Rec) => !q.predicate || q.predicate(r.fields, r);

    if (q.endingBefore) {
      // Objects newer than the cursor, the `limit` nearest to it, returned newest first.
      const start = Math.max(lo, lowerBound(arr, q.endingBefore.created, q.endingBefore.seq + 1));
      const found: Rec[] = [];
      let i = start;
      for (; i < hi && found.length < q.limit; i++) if (matches(arr[i]!)) found.push(arr[i]!);
      let hasMore = false;
      for (; i < hi; i++) {
        if (matches(arr[i]!)) {
          hasMore = true;
          break;
        }
      }
      return { recs: found.reverse(), hasMore };
    }

    let i = hi - 1;
    if (q.startingAfter) i = Math.min(i, lowerBound(arr, q.startingAfter.created, q.startingAfter.seq) - 1);
    const found: Rec[] = [];
    for (; i >= lo && found.length < q.limit; i--) if (matches(arr[i]!)) found.push(arr[i]!);
    let hasMore = false;
    for (; i >= lo; i--) {
      if (matches(arr[i]!)) {
        hasMore = true;
        break;
      }
    }
    return { recs: found, hasMore };
  }

  private extract(obj: Record<string, unknown>): Record<string, FieldValue> {
    const out: Record<string, FieldValue> = {};
    for (const [f, path] of this.paths) {
      let v: unknown = obj;
      for (const part of path)
        v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
      // An expanded reference still filters by its id.
      if (v && typeof v === 'object' && 'id' in v) v = (v as { id: unknown }).id;
      out[f] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
    }
    return out;
  }

  private index(index: Map<FieldValue, Rec[]>, value: FieldValue, rec: Rec): void {
    let arr = index.get(value);
    if (!arr) {
      arr = [];
      index.set(value, arr);
    }
    insertSorted(arr, rec);
  }

  private unindex(index: Map<FieldValue, Rec[]>, value: FieldValue, rec: Rec): void {
    const arr = index.get(value);
    if (!arr) return;
    removeSorted(arr, rec);
    if (arr.length === 0) index.delete(value);
  }
}
