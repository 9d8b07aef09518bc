/**
 * How a collection holds one object, and what the store does at the end of an operation (a request, or
 * one act of the seed's "Stripe"). Building a large account is mostly JSON round trips, so two things keep
 * them down:
 *
 * - Write-behind: a stored object is serialized when its text is first needed, or when the operation ends
 *   (`StoreCache.flush`), not on every store. An invoice stored four times on its way from draft to paid in
 *   one renewal is serialized once. The store owns what it was given: code builds a new object for each
 *   change (`{ ...current, status }`) and never modifies one it stored.
 * - Views: a parsed object shared by the readers that only read it (`Collection.view`), until the
 *   operation ends or the object is stored again. An object stored in this operation and not serialized
 *   yet is its own view.
 *
 * Both rest on a rule ("do not modify what you stored or viewed") that nothing enforces at full speed.
 * Checked mode (checks.ts) enforces it: views are deep-frozen (modifying one throws) and every stored
 * object is serialized at once too, to fail if it serializes differently later. Freezing alone costs a
 * large seed ~10% in GC, so it stays out of production.
 */
import { CHECKED } from './checks.js';
import type { FieldValue } from './collection.js';

/** A stored object: its place in the order, its extracted fields, and its JSON text (made lazily). */
export class Rec {
  private text = '';
  /** The object as last stored, not serialized yet; cleared once `json` was made. */
  private pending: object | undefined;
  /** Checked mode: the text the object had when it was stored. */
  private expected: string | undefined;
  /** The object as readers share it in this operation (see Collection.view); dropped by flush. */
  view: object | undefined;

  constructor(
    readonly id: string,
    readonly created: number,
    readonly seq: number,
    obj: object,
    public fields: Record<string, FieldValue>,
  ) {
    this.pending = obj;
    if (CHECKED) this.expected = JSON.stringify(obj);
  }

  get json(): string {
    if (this.pending !== undefined) {
      this.text = JSON.stringify(this.pending);
      this.pending = undefined;
      if (CHECKED) {
        if (this.text !== this.expected)
          throw new Error(`emulator: ${this.id} was modified after it was stored (the store owns it)`);
        this.expected = undefined;
      }
    }
    return this.text;
  }

  /** Store a new version (serialized later); returns whether the last one was still waiting. */
  replace(obj: object): boolean {
    const waiting = this.pending !== undefined;
    this.pending = obj;
    if (CHECKED) this.expected = JSON.stringify(obj);
    return waiting;
  }

  /** The stored object while it waits to be serialized (the store's: read it, never modify it). */
  get pendingObject(): object | undefined {
    return this.pending;
  }
}

/** A view as handed out: frozen in checked mode, so a reader that modifies it fails there. */
export function asView<T extends object>(obj: T): T {
  return CHECKED ? deepFreeze(obj) : obj;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * How many stored objects may wait for serialization, and how many views may be held, before a store
 * lets go of them by itself within an operation (bounds memory; any operation is correct without it).
 */
const MAX_PENDING = 2048;
const MAX_VIEWS = 2048;

/**
 * What the collections of one store share within an operation: the records waiting to be serialized and
 * the records holding views. `flush` ends the operation.
 *
 * Views hang off their records, and are dropped by setting the slot back, rather than kept in a Map that
 * is cleared: a cleared table that has reached the old generation still points at its young entries, and
 * the scavenger, taking old-to-young pointers as roots, would keep them alive and promote them.
 */
export class StoreCache {
  private readonly pending: Rec[] = [];
  private readonly viewing: Rec[] = [];

  wrote(rec: Rec): void {
    this.pending.push(rec);
    if (this.pending.length >= MAX_PENDING) this.serializePending();
  }

  viewed(rec: Rec): void {
    this.viewing.push(rec);
    if (this.viewing.length >= MAX_VIEWS) this.dropViews();
  }

  /** End of an operation: every stored object becomes text, every view is dropped. */
  flush(): void {
    this.serializePending();
    this.dropViews();
  }

  private serializePending(): void {
    for (const rec of this.pending) void rec.json;
    this.pending.length = 0;
  }

  private dropViews(): void {
    for (const rec of this.viewing) rec.view = undefined;
    this.viewing.length = 0;
  }
}
