/**
 * Lookups derived once from the stream catalogue: by name, children of a parent, and the event routing
 * table (Stripe `object` value → stream), which replaces any `switch (event.type)` (ARCHITECTURE.md §7.2).
 */
import type { StreamDefinition } from './streamDefinition.js';
import { STREAMS } from './streams.js';

export class Catalog {
  private readonly byName = new Map<string, StreamDefinition>();
  private readonly byObject = new Map<string, StreamDefinition>();
  private readonly childrenOf = new Map<string, StreamDefinition[]>();

  constructor(readonly streams: readonly StreamDefinition[] = STREAMS) {
    for (const s of streams) {
      if (this.byName.has(s.name)) throw new Error(`catalog: stream ${s.name} defined twice`);
      this.byName.set(s.name, s);
    }
    for (const s of streams) {
      if (s.parent) {
        if (!this.byName.has(s.parent.stream))
          throw new Error(`catalog: ${s.name} has unknown parent ${s.parent.stream}`);
        const list = this.childrenOf.get(s.parent.stream) ?? [];
        list.push(s);
        this.childrenOf.set(s.parent.stream, list);
      }
      if (!s.list && !s.parent && !s.reference)
        throw new Error(`catalog: ${s.name} has neither a list nor a parent`);
      // Routing: one stream per object type. fee_detail never arrives in events; line_item and item are
      // children without events of their own.
      if (!s.reference && !this.byObject.has(s.object)) this.byObject.set(s.object, s);
    }
  }

  get(name: string): StreamDefinition {
    const s = this.byName.get(name);
    if (!s) throw new Error(`unknown stream '${name}' (see \`stripe-elt streams\`)`);
    return s;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The stream an event's `data.object` belongs to, by its `object` value. */
  streamForObject(object: string): StreamDefinition | undefined {
    return this.byObject.get(object);
  }

  children(parent: string): readonly StreamDefinition[] {
    return this.childrenOf.get(parent) ?? [];
  }

  names(): string[] {
    return this.streams.map((s) => s.name);
  }
}

export const catalog = new Catalog();
