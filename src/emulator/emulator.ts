/**
 * The emulator as a request → response function, independent of HTTP (the server adapts it; the seed
 * generator and tests call it in-process). Order of checks follows what a client can observe from Stripe:
 * routing, authentication, account scope, API version, rate limits, injected faults, permissions,
 * idempotency, then the operation.
 */
import { ApiError, notFound } from './apiError.js';
import { CHECKED } from './checks.js';
import { EmulatorClock } from './clock.js';
import { Context } from './context.js';
import { type FaultRule, Faults, faultError } from './faults.js';
import { encodeForm, type FormParams, FormParseError, formParams, parseForm } from './formBody.js';
import { IdempotencyCache } from './idempotency.js';
import { DEFAULT_TEST_KEY, type KeyDef, KeyRing, type ResolvedKey } from './keys.js';
import { Latency, type LatencyConfig } from './latency.js';
import { operate } from './operations.js';
import { IdGenerator, Random } from './random.js';
import { RateLimiter, type RateLimits, type RateProfile, rateLimited } from './rateLimiter.js';
import { Registry } from './registry.js';
import { Renderer } from './render.js';
import type { ResourceDef } from './resource.js';
import { type CustomRoute, type RouteMatch, Router } from './routes.js';
import { RequestStats } from './stats.js';
import { type AccountData, Store } from './store.js';

/** The API version the pinned `stripe` SDK speaks (node_modules/stripe/esm/apiVersion.js). */
export const PINNED_API_VERSION = '2026-10-28.endive';
const VERSION_RE = /^(\d{4})-(\d{2})-(\d{2})(\.[a-z]+)?$/;

/** `2026-10-28.endive` or `2020-08-27`: a real calendar date, optionally with a release name. */
export function isApiVersion(v: string): boolean {
  const m = VERSION_RE.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 2011 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

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
  /** In-process calls: the parameters already decoded (what `body`, or `query` for GET, parses to). */
  params?: FormParams;
  /**
   * In-process calls that do not read a successful response: the operation runs, its result is not
   * rendered (the body is empty). Ignored when the request asks for `expand` or has an idempotency key.
   */
  discardBody?: boolean;
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

export type ControlHandler = (
  emulator: Emulator,
  req: ApiRequest,
  params: FormParams,
) => Promise<ApiResponse> | ApiResponse;

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
  /**
   * Things Stripe does by itself as time passes (funds becoming available, payouts paid), applied to an
   * account before each of its requests and before ground-truth dumps — so every reader sees them.
   */
  readonly tickers: ((ctx: Context) => void)[] = [];
  readonly idempotency = new IdempotencyCache();
  keys: KeyRing;
  random: Random;
  private ids: IdGenerator;
  private readonly requestIds: Random;
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
    // Faults, latency jitter and request ids draw from their own generators: reads and injected faults
    // must not shift the ids and data that a seed number produces.
    const side = new Random((options.seed ?? 1) ^ 0x5eed);
    this.requestIds = new Random((options.seed ?? 1) ^ 0x4e9);
    this.faults = new Faults(() => side.next());
    this.latency = new Latency(options.latency, () => side.next());
    this.reset(options.seed ?? 1);
  }

  setControlHandler(handler: ControlHandler): void {
    this.control = handler;
  }

  /**
   * Forget all data, idempotency keys and rate-limit windows (keys, limit profile, faults, latency and the
   * clock stay).
   */
  reset(seed = this.options.seed ?? 1): void {
    this.store.clear();
    this.idempotency.clear();
    this.rateLimiter.clearWindows();
    this.random = new Random(seed);
    this.ids = new IdGenerator(this.random);
    // The platform id was drawn from this same seed: the first `acct_` id drawn again would collide with it.
    this.ids.reserve(this.platformAccount);
    this.eventsSince = 0;
    this.store.addAccount({
      id: this.platformAccount,
      apiVersion: PINNED_API_VERSION,
      object: platformAccountObject(this.platformAccount, this.clock.now()),
    });
  }

  /** Apply time-driven changes in every account (after the clock moved, before a ground-truth dump). */
  tickAll(): void {
    if (this.tickers.length === 0) return;
    for (const account of this.store.allAccounts()) {
      const ctx = this.context(account.info.id);
      for (const tick of this.tickers) tick(ctx);
    }
    this.store.flush();
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
    opts: { key?: string; account?: string; idempotencyKey?: string; discardBody?: boolean } = {},
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    // The decoded parameters go straight in; the form text is made only when they need the real
    // parser's judgement (see formParams), or for the control routes, which read the text themselves.
    const direct = path.startsWith('/_emulator') ? undefined : formParams(params);
    if (CHECKED && direct) checkFormParams(params, direct);
    const encoded = direct ? '' : encodeForm(params);
    const res = await this.handle({
      method,
      path,
      query: method === 'POST' ? '' : encoded,
      body: method === 'POST' ? encoded : '',
      params: direct,
      discardBody: opts.discardBody,
      headers: {
        authorization: `Bearer ${opts.key ?? DEFAULT_TEST_KEY}`,
        ...(opts.account ? { 'stripe-account': opts.account } : {}),
        ...(opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {}),
      },
    });
    if (res.transportFault && res.transportFault.action !== 'truncate') {
      throw new Error(`injected transport fault (${res.transportFault.action}) on ${method} ${path}`);
    }
    if (opts.discardBody && res.body === '') return { status: res.status, json: {} };
    return { status: res.status, json: JSON.parse(res.body) as Record<string, unknown> };
  }

  async handle(req: ApiRequest): Promise<ApiResponse> {
    try {
      return await this.handleRequest(req);
    } finally {
      // The request is over: what it stored becomes text, its views are dropped (storedRecord.ts).
      this.store.flush();
    }
  }

  private async handleRequest(req: ApiRequest): Promise<ApiResponse> {
    const requestId = `req_${this.requestIds.chars(14)}`;
    const headers: Record<string, string> = { 'request-id': requestId };
    if (req.path.startsWith('/_emulator/') || req.path === '/_emulator') {
      if (!this.control) return errorResponse(notFound(req.method, req.path), headers, requestId);
      try {
        // Control bodies may be JSON (read by the control handler itself); then only the query is a form.
        const body = req.method === 'POST' ? (req.body ?? '').trim() : '';
        const json = body.startsWith('{') || body.startsWith('[');
        return await this.control(this, req, parseForm(body && !json ? body : (req.query ?? '')));
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
    this.stats.record(endpoint, res.transportFault ? 0 : res.status, requestAccount(req));
    return res;
  }

  private dispatch(
    req: ApiRequest,
    match: RouteMatch,
    headers: Record<string, string>,
    requestId: string,
  ): ApiResponse {
    // Header names are case-insensitive; node:http lowercases them, in-process callers might not.
    const h: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) h[k.toLowerCase()] = v;
    const key = this.keys.authenticate(h.authorization);
    const account = this.resolveAccount(key, h['stripe-account']);
    const version = h['stripe-version'] ?? account.info.apiVersion;
    if (!isApiVersion(version)) {
      throw new ApiError(
        400,
        'invalid_request_error',
        `Invalid Stripe API version: ${version}`,
        'api_version_invalid',
      );
    }
    headers['stripe-version'] = version;
    if (account.info.platform) headers['stripe-account'] = account.info.id;

    const limited = this.rateLimiter.check(account.info.id, match.route.endpoint);
    if (limited.limited) throw rateLimited(limited.reason);

    const fault = this.faults.match(req.method, req.path);
    if (fault) {
      const err = faultError(fault.rule);
      if (err) throw err;
      // Reset and hang are acted out by the HTTP layer without running the request; a truncated body
      // needs the real response, so that request runs (and its side effects happen, as on a real network).
      if (fault.rule.action !== 'truncate')
        return { status: 0, headers, body: '', objects: 0, transportFault: fault.rule };
    }

    const route = match.route;
    const permission = route.def?.permission ?? route.custom?.permission ?? 'all';
    this.keys.authorize(key, permission, req.method !== 'GET', account.info.id);

    let params: FormParams;
    try {
      params = req.params ?? parseForm(req.method === 'POST' ? (req.body ?? '') : (req.query ?? ''));
      if (req.method === 'POST' && req.query) params = { ...parseForm(req.query), ...params };
    } catch (err) {
      throw new ApiError(
        400,
        'invalid_request_error',
        `Invalid request body: ${(err as FormParseError).message}`,
      );
    }

    const idemKey = req.method === 'POST' ? h['idempotency-key'] : undefined;
    const now = this.clock.now();
    // Same endpoint and the same decoded parameters (in any order) is "the same request". Only keyed
    // requests are compared, so the (costly) canonical form is built only for them.
    const fingerprint = idemKey !== undefined ? `${req.method} ${req.path} ${canonicalJson(params)}` : '';
    if (idemKey !== undefined) {
      const hit = this.idempotency.lookup(account.info.id, idemKey, fingerprint, now);
      if (hit) {
        const replayHeaders = { ...headers, 'idempotent-replayed': 'true', 'idempotency-key': idemKey };
        return { status: hit.status, headers: replayHeaders, body: hit.body, objects: 1 };
      }
      headers['idempotency-key'] = idemKey;
    }
    const ctx = new Context(this.contextDeps(), account, now, {
      requestId: req.method === 'GET' ? null : requestId,
      idempotencyKey: idemKey ?? null,
    });
    for (const tick of this.tickers) tick(ctx);
    const discard = req.discardBody === true && idemKey === undefined;
    const result = operate(this, ctx, account, match, params, req.path, discard);
    if (idemKey !== undefined)
      this.idempotency.store(account.info.id, idemKey, fingerprint, 200, result.body, now);
    return {
      status: 200,
      headers,
      body: result.body,
      objects: result.objects,
      transportFault: fault?.rule.action === 'truncate' ? fault.rule : undefined,
    };
  }

  private resolveAccount(key: ResolvedKey, header: string | undefined): AccountData {
    const own = this.store.account(key.account);
    if (!own)
      throw new ApiError(401, 'invalid_request_error', 'Invalid API Key provided: account no longer exists');
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
    return new ApiError(400, 'invalid_request_error', `Invalid request: ${zodMessage(err)}`);
  }
  // Anything else is an emulator bug (usually a resource hook): answer like Stripe's 500, and say where
  // on stderr, since the client only ever sees the generic message.
  process.stderr.write(`stripe-elt emulator: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  const e = new ApiError(500, 'api_error', 'An unknown error occurred');
  (e as { cause?: unknown }).cause = err;
  return e;
}

export function errorResponse(
  err: ApiError,
  headers: Record<string, string>,
  requestId: string,
): ApiResponse {
  return {
    status: err.status,
    headers: { ...headers, ...err.headers },
    body: JSON.stringify(err.toBody(requestId)),
    objects: 0,
  };
}

/** zod's issues as `path: message; …` rather than its JSON dump. */
function zodMessage(err: object): string {
  const issues = (err as { issues?: { path?: PropertyKey[]; message?: string }[] }).issues ?? [];
  return issues
    .map((i) => `${(i.path ?? []).map(String).join('.') || '(body)'}: ${i.message ?? 'invalid'}`)
    .join('; ');
}

/** Checked mode: the decoded parameters must be exactly what the form text parses to. */
function checkFormParams(params: Record<string, unknown>, direct: FormParams): void {
  const wire = JSON.stringify(parseForm(encodeForm(params)));
  if (JSON.stringify(direct) !== wire)
    throw new Error(`emulator: formParams ${JSON.stringify(direct)} differs from the form text's ${wire}`);
}

/** Stable JSON of parsed form parameters (keys sorted), for idempotency comparisons. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(v);
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

/** The account a request acts for, as the rate limiter counts it: `Stripe-Account`, else the key's own. */
function requestAccount(req: ApiRequest): string {
  for (const [k, v] of Object.entries(req.headers ?? {}))
    if (k.toLowerCase() === 'stripe-account' && v) return v;
  return 'self';
}
