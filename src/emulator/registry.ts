/**
 * The set of resource definitions, and what is derived from them once: id-prefix lookup for expansions,
 * and which resources are children of which.
 */
import type { ResourceDef } from './resource.js';

export class Registry {
  private readonly defs = new Map<string, ResourceDef>();

  constructor(defs: readonly ResourceDef[]) {
    for (const def of defs) {
      if (this.defs.has(def.name)) throw new Error(`resource ${def.name} defined twice`);
      this.defs.set(def.name, def);
    }
    for (const def of defs) {
      for (const e of def.embeds ?? []) {
        const child = this.defs.get(e.child);
        if (!child) throw new Error(`${def.name}.${e.field} embeds unknown resource ${e.child}`);
        if (!child.indexedFields?.includes(e.parentField))
          throw new Error(`${e.child}.${e.parentField} must be indexed to embed it in ${def.name}`);
      }
      if (def.parent && !def.indexedFields?.includes(def.parent.field))
        throw new Error(`${def.name}.${def.parent.field} must be indexed (it is the parent key)`);
    }
  }

  get(name: string): ResourceDef {
    const def = this.defs.get(name);
    if (!def) throw new Error(`unknown resource ${name}`);
    return def;
  }

  has(name: string): boolean {
    return this.defs.has(name);
  }

  all(): ResourceDef[] {
    return [...this.defs.values()];
  }

  /** The resource whose `object` value is `object` (first match). */
  byObject(object: string): ResourceDef | undefined {
    for (const def of this.defs.values()) if (def.object === object) return def;
    return undefined;
  }
}
