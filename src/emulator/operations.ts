/**
 * The operation behind a matched route, once the request passed authentication, limits, faults,
 * permissions and idempotency: list, retrieve, create, update, delete, actions and custom routes, all
 * derived from the ResourceDef. Responses are rendered (embedded lists, `expand[]`) here.
 */
import { ApiError, parameterUnknown, resourceMissing } from './apiError.js';
import type { Context } from './context.js';
import type { FormParams } from './formBody.js';
import { listPage, parseExpand } from './listing.js';
import type { Registry } from './registry.js';
import type { Renderer } from './render.js';
import type { ResourceDef, StripeObject } from './resource.js';
import type { RouteMatch } from './routes.js';
import type { AccountData } from './store.js';

export interface OperationDeps {
  registry: Registry;
  renderer: Renderer;
}

export interface OperationResult {
  body: string;
  /** How many objects the response carried (drives simulated latency). */
  objects: number;
}

function withoutExpand(params: FormParams): FormParams {
  const { expand: _expand, ...rest } = params;
  return rest;
}

export function operate(
  deps: OperationDeps,
  ctx: Context,
  account: AccountData,
  match: RouteMatch,
  params: FormParams,
  path: string,
  /** The caller will not read the result (ApiRequest.discardBody): skip rendering it. */
  discard = false,
): OperationResult {
  const { route } = match;
  if (route.custom) {
    const obj = route.custom.handle(ctx, params, match.params);
    return { body: JSON.stringify(obj), objects: 1 };
  }
  const def = route.def!;
  const coll = account.collection(def.name);
  const parentId = route.child ? match.params.parent : undefined;
  if (parentId !== undefined) requireParent(deps.registry, ctx, def, parentId);
  const respond = (obj: StripeObject): OperationResult =>
    // Rendering reads only; with `expand` it may still fail (an unknown path), so that case renders.
    discard && params.expand === undefined
      ? { body: '', objects: 1 }
      : { body: JSON.stringify(deps.renderer.render(account, def, obj, parseExpand(params))), objects: 1 };
  const load = (id: string): StripeObject => {
    const obj = coll.getObject<StripeObject>(id);
    // Events older than the retention window are gone for retrieve too ("if it was created in the last 30 days").
    const expired =
      obj && def.retentionSeconds !== undefined && Number(obj.created) < ctx.now - def.retentionSeconds;
    // A child fetched under another parent's path does not exist there.
    const foreign = obj && parentId !== undefined && referenceId(obj[def.parent!.field]) !== parentId;
    if (!obj || expired || foreign) {
      throw resourceMissing(def.object, id);
    }
    return obj;
  };
  switch (route.kind) {
    case 'list': {
      const r = listPage({ account, def, params, url: path, parentId, now: ctx.now }, deps.renderer);
      return { body: r.body, objects: r.count };
    }
    case 'retrieve': {
      // Retrieve endpoints take nothing but `expand`; Stripe rejects anything else.
      const unknown = Object.keys(params).find((k) => k !== 'expand');
      if (unknown !== undefined) throw parameterUnknown(unknown);
      const id = match.params.id!;
      if (def.retrieveDeleted && !coll.has(id) && coll.deleted.has(id)) {
        return { body: JSON.stringify({ id, object: def.object, deleted: true }), objects: 1 };
      }
      return respond(load(id));
    }
    case 'create': {
      if (!def.create) throw new ApiError(400, 'invalid_request_error', `${def.name} cannot be created`);
      const rest = withoutExpand(params);
      const withParent = parentId !== undefined ? { ...rest, [def.parent!.field]: parentId } : rest;
      return respond(def.create(ctx, withParent));
    }
    case 'update': {
      if (!def.update) throw new ApiError(400, 'invalid_request_error', `${def.name} cannot be updated`);
      const current = load(match.params.id!);
      const before = JSON.stringify(current);
      // The hook gets its own copy: one that edits `current` in place must still be seen as a change.
      const next = def.update(ctx, structuredClone(current), withoutExpand(params));
      if (JSON.stringify(next) !== before) ctx.save(def.name, next);
      return respond(next);
    }
    case 'del': {
      const current = load(match.params.id!);
      const unknown = Object.keys(params)[0];
      if (unknown !== undefined) throw parameterUnknown(unknown);
      if (def.del) return { body: JSON.stringify(def.del(ctx, current)), objects: 1 };
      ctx.remove(def.name, current.id);
      return { body: JSON.stringify({ id: current.id, object: def.object, deleted: true }), objects: 1 };
    }
    case 'action': {
      const current = load(match.params.id!);
      return respond(route.action!.handle(ctx, current, withoutExpand(params)));
    }
    default:
      throw new Error(`unhandled route kind ${route.kind}`);
  }
}

/** The id held in a reference field, whether stored as the id or as an expanded object. */
function referenceId(value: unknown): unknown {
  return value && typeof value === 'object' && 'id' in value ? (value as { id: unknown }).id : value;
}

function requireParent(registry: Registry, ctx: Context, def: ResourceDef, parentId: string): void {
  const parentDef = registry.get(def.parent!.resource);
  if (!ctx.get(parentDef.name, parentId)) {
    throw resourceMissing(parentDef.object, parentId);
  }
}
