/**
 * The route table, derived from resource definitions: list/create on the collection path, retrieve/
 * update/delete on `/:id`, child endpoints under their parent, actions (`/v1/invoices/:id/pay`) and a few
 * custom singletons (`/v1/account`, `/v1/balance`). Each route is also a rate-limit "endpoint" (Stripe
 * counts each named API operation separately).
 */
import type { FormParams } from './formBody.js';
import type { Registry } from './registry.js';
import type { ActionDef, MutationContext, ResourceDef, StripeObject } from './resource.js';

export type RouteKind = 'list' | 'create' | 'retrieve' | 'update' | 'del' | 'action' | 'custom';

export interface CustomRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  permission: string;
  handle(ctx: MutationContext, params: FormParams, pathParams: Record<string, string>): StripeObject;
}

export interface Route {
  method: string;
  pattern: string;
  segments: string[];
  kind: RouteKind;
  def?: ResourceDef;
  /** True when the route is the child endpoint under `def.parent`. */
  child: boolean;
  action?: ActionDef;
  custom?: CustomRoute;
  /** Stats / rate-limit name: 'GET /v1/charges/:id'. */
  endpoint: string;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: Route[] = [];

  constructor(registry: Registry, custom: readonly CustomRoute[]) {
    for (const def of registry.all()) {
      const ops = def.operations;
      if (def.path) {
        if (ops.list) this.add('GET', def.path, 'list', def);
        if (ops.create) this.add('POST', def.path, 'create', def);
        if (ops.retrieve) this.add('GET', `${def.path}/:id`, 'retrieve', def);
        if (ops.update) this.add('POST', `${def.path}/:id`, 'update', def);
        if (ops.del) this.add('DELETE', `${def.path}/:id`, 'del', def);
      }
      if (def.parent) {
        const p = def.parent.path;
        const childOps = def.parent.operations ?? { list: true };
        if (childOps.list) this.add('GET', p, 'list', def, true);
        if (childOps.create) this.add('POST', p, 'create', def, true);
        if (childOps.retrieve) this.add('GET', `${p}/:id`, 'retrieve', def, true);
        if (childOps.update) this.add('POST', `${p}/:id`, 'update', def, true);
        if (childOps.del) this.add('DELETE', `${p}/:id`, 'del', def, true);
      }
      for (const action of def.actions ?? []) {
        const r = this.add(action.method ?? 'POST', action.path, 'action', def);
        r.action = action;
      }
    }
    for (const c of custom) {
      const r = this.add(c.method, c.path, 'custom');
      r.custom = c;
    }
    // Static segments win over parameters: '/v1/customers/search' before '/v1/customers/:id'.
    this.routes.sort((a, b) => staticWeight(b) - staticWeight(a));
  }

  all(): readonly Route[] {
    return this.routes;
  }

  match(method: string, path: string): RouteMatch | undefined {
    let segs: string[];
    try {
      // Ids travel percent-encoded; a malformed escape is simply a URL no route knows.
      segs = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return undefined;
    }
    for (const route of this.routes) {
      if (route.segments.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length; i++) {
        const want = route.segments[i]!;
        const got = segs[i]!;
        if (want.startsWith(':')) params[want.slice(1)] = got;
        else if (want !== got) {
          ok = false;
          break;
        }
      }
      if (ok && route.method === method) return { route, params };
    }
    return undefined;
  }

  private add(method: string, pattern: string, kind: RouteKind, def?: ResourceDef, child = false): Route {
    // Two definitions claiming one endpoint would silently shadow each other: fail at startup instead.
    const shape = (p: string) => p.replace(/:[^/]+/g, ':');
    const clash = this.routes.find((r) => r.method === method && shape(r.pattern) === shape(pattern));
    if (clash)
      throw new Error(
        `route ${method} ${pattern} defined twice (${clash.def?.name ?? 'custom'} and ${def?.name ?? 'custom'})`,
      );
    const route: Route = {
      method,
      pattern,
      segments: pattern.split('/').filter(Boolean),
      kind,
      def,
      child,
      endpoint: `${method} ${pattern}`,
    };
    this.routes.push(route);
    return route;
  }
}

function staticWeight(r: Route): number {
  return r.segments.reduce((w, s, i) => w + (s.startsWith(':') ? 0 : 2 ** (10 - i)), 0);
}
