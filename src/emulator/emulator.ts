/**
 * The emulator as a request → response function, independent of HTTP (the server adapts it; the seed
 * generator and tests call it in-process). Order of checks follows what a client can observe from Stripe:
 * routing, authentication, account scope, API version, rate limits, injected faults, permissions,
 * idempotency, then the operation.
 */
import { ApiError, notFound, parameterUnknown } from './apiError.js';
import { Context } from './context.js';
import { Faults, type FaultRule } from './faults.js';
import { encodeForm, FormParseError, type FormParams, parseForm } from './formBody.js';
import { IdempotencyCache } from './idempotency.js';
import { type KeyDef, KeyRing, type ResolvedKey } from './keys.js';
import { Latency, type LatencyConfig } from './latency.js';
import { listPage, parseExpand } from './listing.js';
import { IdGenerator, Random } from './random.js';
import { RateLimiter, type RateLimits, type RateProfile } from './rateLimiter.js';
import { Registry } from './registry.js';
import { Renderer } from './render.js';
import type { ResourceDef, StripeObject } from './resource.js';
import { type CustomRoute, type RouteMatch, Router } from './routes.js';
import { RequestStats } from './stats.js';
import { type AccountData, Store } from './store.js';
import { EmulatorClock } from './clock.js';

/** The API version the pinned `stripe` SDK speaks (node_modules/stripe/esm/apiVersion.js). */
export const PINNED_API_VERSION = '2026-10-28.endive';
const VERSION_RE = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

export interface EmulatorOptions {
  /** Seed for ids and generated data. */
  seed?: number;
  /** Emulator clock start (unix seconds); defaults to the real time. */
  now?: number;
  keys?: KeyDef[];
  rateProfile?: RateProfile;
  rateLimits?: Partial<RateLimits>;
  latency?: Partial<LatencyConfig>;
  /** Platform account id; derived from the seed when omitted. */
  platformAccount?: string;
  livemode?: boolean;
}

export interface ApiRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query?: string;
  body?: string;
  headers?: Record<string, string | undefined>;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** How many objects the response carried (drives simulated latency). */
  objects: number;
  /** A transport-level fault the HTTP layer must act out (reset, hang, truncate). */
  transportFault?: FaultRule;
}

export type ControlHandler = (emulator: Emulator, req: ApiRequest, params: FormParams) => Promise<ApiResponse> | ApiResponse;

export class Emulator {
  readonly registry: Registry;
  readonly router: Router;
  readonly store: Store;
  readonly clock: EmulatorClock;
  readonly renderer: Renderer;
  readonly rateLimiter: RateLimiter;
  readonly faults: Faults;
  readonly latency: Latency;
  readonly stats = new RequestStats();
  readonly idempotency = new IdempotencyCache();
  keys: KeyRing;
  random: Random;
  private ids: IdGenerator;
  platformAccount: string;
  livemode: boolean;
  /** Events dated before this are dropped (set by the seed generator). */
  eventsSince = 0;
  private control?: ControlHandler;

  constructor(
    defs: readonly ResourceDef[],
    customRoutes: readonly CustomRoute[],
    readonly options: EmulatorOptions = {},
  ) {
    this.registry = new Registry(defs);
    this.router = new Router(this.registry, customRoutes);
    this.store = new Store(this.registry);
    this.clock = new EmulatorClock(options.now);
    this.renderer = new Renderer(this.registry);
    this.random = new Random(options.seed ?? 1);
    this.ids = new IdGenerator(this.random);
    this.platformAccount = options.platformAccount ?? this.ids.next('acct', 16);
    this.livemode = options.livemode ?? false;
    this.keys = new KeyRing(this.platformAccount, options.keys);
    this.rateLimiter = new RateLimiter(options.rateProfile ?? 'off', options.rateLimits);
    this.faults = new Faults(() => this.random.next());
    this.latency = new Latency(options.latency);
    this.reset(options.seed ?? 1);
  }

  setControlHandler(handler: ControlHandler): void {
    this.control = handler;
  }

  /** Forget all data (keys, limits, faults and latency settings stay). */
  reset(seed = this.options.seed ?? 1): void {
    this.store.clear();
    this.idempotency.clear();
    this.random = new Random(seed);
    this.ids = new IdGenerator(this.random);
    this.eventsSince = 0;
    this.store.addAccount({
      id: this.platformAccount,
      apiVersion: PINNED_API_VERSION,
      object: platformAccountObject(this.platformAccount, this.clock.now()),
    });
  }

  newId(prefix: string, length = 24): string {
    return this.ids.next(prefix, length);
  }

  platform(): AccountData {
    return this.store.account(this.platformAccount)!;
  }

  /** A mutation context outside any HTTP request (seed generator, tests). */
  context(account = this.platformAccount): Context {
    const data = this.store.account(account);
    if (!data) throw new Error(`no such account ${account}`);
    return new Context(this.contextDeps(), data, this.clock.now(), { requestId: null, idempotencyKey: null });
  }

  /** Call the API in-process with a params object (the seed generator's way in). */
  async call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Record<string, unknown> = {},
    opts: { key?: string; account?: string; idempotencyKey?: string } = {},
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const encoded = encodeForm(params);
    const res = await this.handle({
      method,
      path,
      query: method === 'POST' ? '' : encoded,
      body: method === 'POST' ? encoded : '',
      headers: {
        authorization: `Bearer ${opts.key ?? 'sk_test_emulator_0000000000000000'}`,
        ...(opts.account ? { 'stripe-account': opts.account } : {}),
        ...(opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {}),
      },
    });
    return { status: res.status, json: JSON.parse(res.body) as Record<string, unknown> };
  }

  async handle(req: ApiRequest): Promise<ApiResponse> {
    const requestId = `req_${this.random.chars(14)}`;
    const headers: Record<string, string> = { 'request-id': requestId };
    if (req.path.startsWith('/_emulator/') || req.path === '/_emulator') {
      if (!this.control) return errorResponse(notFound(req.method, req.path), headers, requestId);
      try {
        return await this.control(this, req, parseForm(req.method === 'POST' ? (req.body ?? '') : (req.query ?? '')));
      } catch (err) {
        return errorResponse(asApiError(err), headers, requestId);
      }
    }
    let endpoint = `${req.method} (unmatched)`;
    let res: ApiResponse;
    try {
      const match = this.router.match(req.method, req.path);
      if (!match) throw notFound(req.method, req.path);
      endpoint = match.route.endpoint;
      res = this.dispatch(req, match, headers, requestId);
    } catch (err) {
      res = errorResponse(asApiError(err), headers, requestId);
    }
    this.stats.record(endpoint, res.transportFault ? 0 : res.status);
    return res;
  }

  private dispatch(req: ApiRequest, match: RouteMatch, headers: Record<string, string>, requestId: string): ApiResponse {
    const h = req.headers ?? {};
    const key = this.keys.authenticate(h.authorization);
    const account = this.resolveAccount(key, h['stripe-account']);
    const version = h['stripe-version'] ?? account.info.apiVersion;
    if (!VERSION_RE.test(version)) {
      throw new ApiError(400, 'invalid_request_error', `Invalid Stripe API version: ${version}`, 'api_version_invalid');
    }
    headers['stripe-version'] = version;
    if (account.info.platform) headers['stripe-account'] = account.info.id;

    const limited = this.rateLimiter.check(account.info.id, match.route.endpoint);
    if (limited.limited) {
      throw new ApiError(
        429,
        'invalid_request_error',
        'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
        'rate_limit',
        undefined,
        { 'stripe-rate-limited-reason': limited.reason },
      );
    }

    const fault = this.faults.match(req.method, req.path);
    if (fault) {
      const r = fault.rule;
      switch (r.action) {
        case 'reset':
        case 'hang':
        case 'truncate':
          // Acted out by the HTTP layer; truncation needs the real body, so the request still runs.
          if (r.action !== 'truncate') return { status: 0, headers, body: '', objects: 0, transportFault: r };
          break;
        case 'lock_timeout':
          throw new ApiError(
            429,
            'invalid_request_error',
            'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate.',
            'lock_timeout',
          );
        case 'server_error':
          throw new ApiError(
            r.status ?? 500,
            'api_error',
            'An unknown error occurred',
            r.code,
            undefined,
            r.shouldRetry === undefined ? {} : { 'stripe-should-retry': String(r.shouldRetry) },
          );
        case 'status':
          throw new ApiError(r.status ?? 500, (r.status ?? 500) >= 500 ? 'api_error' : 'invalid_request_error', `Injected fault (${r.status ?? 500})`, r.code);
      }
    }

    const route = match.route;
    const permission = route.def?.permission ?? route.custom?.permission ?? 'all';
    this.keys.authorize(key, permission, req.method !== 'GET', account.info.id);

    let params: FormParams;
    try {
      params = parseForm(req.method === 'POST' ? (req.body ?? '') : (req.query ?? ''));
      if (req.method === 'POST' && req.query) params = { ...parseForm(req.query), ...params };
    } catch (err) {
      throw new ApiError(400, 'invalid_request_error', `Invalid request body: ${(err as FormParseError).message}`);
    }

    const idemKey = req.method === 'POST' ? h['idempotency-key'] : undefined;
    const now = this.clock.now();
    const fingerprint = `${req.path}?${req.body ?? ''}`;
    if (idemKey) {
      const hit = this.idempotency.lookup(account.info.id, idemKey, fingerprint, now);
      if (hit) {
        return { status: hit.status, headers: { ...headers, 'idempotent-replayed': 'true', 'idempotency-key': idemKey }, body: hit.body, objects: 1 };
      }
      headers['idempotency-key'] = idemKey;
    }
    const ctx = new Context(this.contextDeps(), account, now, {
      requestId: req.method === 'GET' ? null : requestId,
      idempotencyKey: idemKey ?? null,
    });
    const result = this.operate(ctx, account, match, params, req.path);
    if (idemKey) this.idempotency.store(account.info.id, idemKey, fingerprint, 200, result.body, now);
    return {
      status: 200,
      headers,
      body: result.body,
      objects: result.objects,
      transportFault: fault?.rule.action === 'truncate' ? fault.rule : undefined,
    };
  }

  private operate(ctx: Context, account: AccountData, match: RouteMatch, params: FormParams, path: string): { body: string; objects: number } {
    const { route } = match;
    if (route.custom) {
      const obj = route.custom.handle(ctx, params, match.params);
      return { body: JSON.stringify(obj), objects: 1 };
    }
    const def = route.def!;
    const coll = account.collection(def.name);
    const parentId = match.params.parent;
    if (route.child && parentId !== undefined) this.requireParent(ctx, def, parentId);
    const expand = () => parseExpand(params);
    const respond = (obj: StripeObject) => ({
      body: JSON.stringify(this.renderer.render(account, def, obj, expand())),
      objects: 1,
    });
    const load = (id: string): StripeObject => {
      const obj = coll.getObject<StripeObject>(id);
      const stale = obj && def.retentionSeconds !== undefined && Number(obj.created) < ctx.now - def.retentionSeconds;
      if (!obj || stale || (route.child && parentId !== undefined && obj[def.parent!.field] !== parentId)) {
        throw new ApiError(404, 'invalid_request_error', `No such ${def.object}: '${id}'`, 'resource_missing', 'id');
      }
      return obj;
    };
    switch (route.kind) {
      case 'list': {
        const { expand: _e, ...rest } = params;
        void _e;
        const r = listPage({ account, def, params, url: path, parentId, now: ctx.now }, this.renderer);
        void rest;
        return { body: r.body, objects: r.count };
      }
      case 'retrieve': {
        const id = match.params.id!;
        if (def.retrieveDeleted && !coll.has(id) && coll.deleted.has(id)) {
          return { body: JSON.stringify({ id, object: def.object, deleted: true }), objects: 1 };
        }
        return respond(load(id));
      }
      case 'create': {
        if (!def.create) throw new ApiError(400, 'invalid_request_error', `${def.name} cannot be created`);
        const { expand: _e, ...rest } = params;
        void _e;
        const withParent = route.child && parentId !== undefined ? { ...rest, [def.parent!.field]: parentId } : rest;
        return respond(def.create(ctx, withParent));
      }
      case 'update': {
        if (!def.update) throw new ApiError(400, 'invalid_request_error', `${def.name} cannot be updated`);
        const current = load(match.params.id!);
        const { expand: _e, ...rest } = params;
        void _e;
        const next = def.update(ctx, current, rest);
        if (JSON.stringify(next) !== JSON.stringify(current)) ctx.save(def.name, next);
        return respond(next);
      }
      case 'del': {
        const current = load(match.params.id!);
        if (Object.keys(params).length > 0) throw parameterUnknown(Object.keys(params)[0]!);
        const body = def.del ? def.del(ctx, current) : (ctx.remove(def.name, current.id), { id: current.id, object: def.object, deleted: true });
        return { body: JSON.stringify(body), objects: 1 };
      }
      case 'action': {
        const current = load(match.params.id!);
        const { expand: _e, ...rest } = params;
        void _e;
        return respond(route.action!.handle(ctx, current, rest));
      }
      default:
        throw new Error(`unhandled route kind ${route.kind}`);
    }
  }

  private requireParent(ctx: Context, def: ResourceDef, parentId: string): void {
    const parentDef = this.registry.get(def.parent!.resource);
    if (!ctx.get(parentDef.name, parentId)) {
      throw new ApiError(404, 'invalid_request_error', `No such ${parentDef.object}: '${parentId}'`, 'resource_missing', 'id');
    }
  }

  private resolveAccount(key: ResolvedKey, header: string | undefined): AccountData {
    const own = this.store.account(key.account);
    if (!own) throw new ApiError(401, 'invalid_request_error', 'Invalid API Key provided: account no longer exists');
    if (!header || header === key.account) return own;
    const target = this.store.account(header);
    if (!target || target.info.platform !== key.account) {
      throw new ApiError(
        403,
        'invalid_request_error',
        `The provided key does not have access to account '${header}' (or that account does not exist). Application access may have been revoked.`,
        'account_invalid',
      );
    }
    return target;
  }

  private contextDeps() {
    return {
      registry: this.registry,
      store: this.store,
      renderer: this.renderer,
      random: this.random,
      newId: (p: string, n?: number) => this.newId(p, n),
      eventsSince: () => this.eventsSince,
      livemode: this.livemode,
    };
  }
}

function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof FormParseError) return new ApiError(400, 'invalid_request_error', err.message);
  if (err && typeof err === 'object' && 'issues' in err) {
    return new ApiError(400, "invalid_request_error", `Invalid request: ${String((err as { message?: unknown }).message)}`);
  }
  const e = new ApiError(500, 'api_error', 'An unknown error occurred');
  (e as { cause?: unknown }).cause = err;
  return e;
}

export function errorResponse(err: ApiError, headers: Record<string, string>, requestId: string): ApiResponse {
  return {
    status: err.status,
    headers: { ...headers, ...err.headers },
    body: JSON.stringify(err.toBody(requestId)),
    objects: 0,
  };
}

function platformAccountObject(id: string, now: number): Record<string, unknown> {
  return {
    id,
    object: 'account',
    business_profile: { name: 'Emulated Platform', url: 'https://example.com' },
    business_type: 'company',
    capabilities: { card_payments: 'active', transfers: 'active' },
    charges_enabled: true,
    country: 'US',
    created: now - 3 * 365 * 86400,
    default_currency: 'usd',
    details_submitted: true,
    email: 'platform@example.com',
    metadata: {},
    payouts_enabled: true,
    settings: {},
    type: 'standard',
  };
}
