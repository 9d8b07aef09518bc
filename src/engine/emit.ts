/**
 * Hands a set of parent objects (a list page, a batch of event snapshots) and their embedded children to
 * the writer, followed by the state updates they complete. Order matters: the updates are queued after
 * the rows, so they can never be committed before them.
 */
import type { StreamDefinition } from '../catalog/streamDefinition.js';
import type { Item } from './batchWriter.js';
import { embeddedChildren } from './children.js';
import type { StateUpdate } from './stateStore.js';
import type { AccountScope, SyncContext } from './syncContext.js';

type Obj = Record<string, unknown>;

export interface Emission {
  obj: Obj;
  version: number;
  deleted: boolean;
}

export async function emitParents(
  ctx: SyncContext,
  account: AccountScope,
  stream: StreamDefinition,
  objs: readonly Emission[],
  updates: StateUpdate[],
  /** Only these streams are written (the parent and/or some children); default: all enabled. */
  consumers: ReadonlySet<string> = ctx.enabled,
): Promise<void> {
  const items: Item[] = objs.map((e) => ({
    obj: e.obj,
    account: account.id,
    version: e.version,
    deleted: e.deleted,
  }));
  // Children of each live parent, completed (extra requests only when an embedded list has more).
  const childBatches = new Map<
    string,
    { stream: StreamDefinition; items: Item[]; parents: Map<number, string[]> }
  >();
  for (const e of objs) {
    // A deleted parent lists no children any more: its child rows are flagged deleted. Children with
    // events of their own (payment methods, tax ids) say themselves what happened to them.
    const children = e.deleted
      ? ctx.catalog
          .children(stream.name)
          .filter((c) => consumers.has(c.name) && c.incremental === 'parent')
          .map((c) => ({ stream: c, parentId: e.obj.id as string, items: [] as Item[] }))
      : await embeddedChildren(ctx, account, stream, e.obj, e.version, consumers);
    for (const c of children) {
      let b = childBatches.get(c.stream.name);
      if (!b) {
        b = { stream: c.stream, items: [], parents: new Map() };
        childBatches.set(c.stream.name, b);
      }
      b.items.push(...c.items);
      const ids = b.parents.get(e.version) ?? [];
      ids.push(c.parentId);
      b.parents.set(e.version, ids);
    }
  }
  if (consumers.has(stream.name)) await ctx.writer.add(stream.name, items);
  for (const b of childBatches.values()) {
    const replaceChildren = [...b.parents].map(([version, parentIds]) => ({
      column: b.stream.parent!.key,
      parentIds,
      account: account.id,
      version,
    }));
    await ctx.writer.add(b.stream.name, b.items, [], { replaceChildren });
  }
  if (updates.length > 0) await ctx.writer.update(updates);
}
