/**
 * Child rows of a parent object (STRIPE-API-NOTES.md §4): taken from the embedded list when it is
 * complete, completed through the child endpoint when `has_more` ("any embedded list with has_more: true
 * must be completed via its url"), read from a plain array (fee_details), or — for children that are not
 * embedded — fetched with one request per parent. Each parent's children replace its previous set, so a
 * line removed from an invoice is flagged `_deleted`.
 */
import type { StreamDefinition } from '../catalog/streamDefinition.js';
import { StripeApiError } from '../stripe/errors.js';
import type { Item } from './batchWriter.js';
import { type AccountScope, counterKey, type SyncContext } from './syncContext.js';

type Obj = Record<string, unknown>;

interface ListEnvelope {
  object?: string;
  data?: Obj[];
  has_more?: boolean;
}

function childPath(
  child: StreamDefinition,
  parentId: string,
): { path: string; params: Record<string, string> } {
  const p = child.parent!;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.params ?? {})) params[k] = v.replace('{id}', parentId);
  return { path: p.path.replace('{id}', encodeURIComponent(parentId)), params };
}

/** Every child of `parentId`, paging the child endpoint after `startingAfter` (if given) to the end. */
export async function fetchChildren(
  ctx: SyncContext,
  account: AccountScope,
  child: StreamDefinition,
  parentId: string,
  startingAfter?: string,
): Promise<Obj[]> {
  const { path, params } = childPath(child, parentId);
  const out: Obj[] = [];
  let cursor = startingAfter;
  for (;;) {
    let page: { data: Obj[]; has_more: boolean };
    try {
      page = await ctx.client.list<Obj>(
        path,
        { ...params, limit: 100, ...(cursor ? { starting_after: cursor } : {}) },
        {
          account: account.header,
          signal: ctx.signal,
          // The scheduler's slot and the request budget must name the same endpoint.
          endpoint: endpointForChild(child),
          counters: ctx.counters(account.id, child.name),
        },
      );
    } catch (err) {
      // The parent was deleted after we saw it (404 on the child endpoint): it has no children now;
      // its own delete event or a sweep flags the parent.
      if (err instanceof StripeApiError && err.status === 404) return out;
      throw err;
    }
    out.push(...page.data);
    if (!page.has_more || page.data.length === 0) return out;
    cursor = page.data[page.data.length - 1]!.id as string;
  }
}

export interface ChildRows {
  stream: StreamDefinition;
  parentId: string;
  items: Item[];
}

/**
 * Children available from the parent object itself (embedded lists, completed when truncated; plain
 * arrays). Per-parent-request children are not included: see `perParentChildren`.
 */
export async function embeddedChildren(
  ctx: SyncContext,
  account: AccountScope,
  parentStream: StreamDefinition,
  parent: Obj,
  version: number,
  consumers: ReadonlySet<string> = ctx.enabled,
): Promise<ChildRows[]> {
  const out: ChildRows[] = [];
  const parentId = parent.id as string;
  for (const child of ctx.catalog.children(parentStream.name)) {
    if (!consumers.has(child.name)) continue;
    const spec = child.parent!;
    if (spec.embeddedArray) {
      const arr = parent[spec.embeddedArray];
      const items: Item[] = Array.isArray(arr)
        ? arr.map((o, index) => ({
            obj: o as Obj,
            account: account.id,
            version,
            deleted: false,
            parentId,
            index,
          }))
        : [];
      out.push({ stream: child, parentId, items });
      continue;
    }
    if (!spec.embeddedField) continue;
    const list = parent[spec.embeddedField] as ListEnvelope | null | undefined;
    let objs: Obj[];
    if (list && Array.isArray(list.data)) {
      objs = [...list.data];
      if (list.has_more) {
        const last = objs[objs.length - 1]?.id as string | undefined;
        objs.push(...(await fetchChildren(ctx, account, child, parentId, last)));
      }
    } else {
      // Not embedded in this payload (e.g. an event rendered at another API version): ask the endpoint.
      objs = await fetchChildren(ctx, account, child, parentId);
    }
    out.push({
      stream: child,
      parentId,
      items: objs.map((o) => ({ obj: o, account: account.id, version, deleted: false, parentId })),
    });
  }
  return out;
}

/** Children that cost one request per parent (not embedded in the parent object). */
export function perParentChildren(ctx: SyncContext, parentStream: StreamDefinition): StreamDefinition[] {
  return ctx.catalog
    .children(parentStream.name)
    .filter((c) => ctx.enabled.has(c.name) && !c.parent!.embeddedField && !c.parent!.embeddedArray);
}

export function endpointForChild(child: StreamDefinition): string {
  const p = child.parent!;
  return `GET ${p.path.replace('{id}', ':id')}`;
}

export { counterKey };
