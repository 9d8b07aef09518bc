/**
 * The Stripe seam: every call the extractor makes goes through here. It adds what the SDK leaves to
 * us: the account's shared rate budget, our retry policy (p-retry, with rate-limit 429s not consuming
 * retries), Connect scoping (`Stripe-Account`), a pinned API version, per-request timeouts, and typed
 * errors. The SDK's own retries and telemetry are off so that each attempt is counted and budgeted.
 */
import pRetry, { AbortError } from 'p-retry';
import Stripe from 'stripe';
import { redactSecrets } from '../config/redact.js';
import { endpointOf } from './endpoint.js';
import { StripeApiError, StripeAuthError, StripeNetworkError, StripePermissionError } from './errors.js';
import { encodeForm } from './formEncoding.js';
import { RateBudget } from './rateBudget.js';
import { DEFAULT_RETRY, isRateLimited, isRetryable, type RetrySettings } from './retryPolicy.js';

/** The API version of the pinned SDK (stripe 23.x); every request sends it. */
export const PINNED_API_VERSION = '2026-10-28.endive';

export type KeyMode = 'live' | 'test';

export interface StripeClientOptions {
  apiKey: string;
  /** e.g. http://127.0.0.1:12111 for the emulator; default Stripe's API. */
  apiBase?: string;
  timeoutMs?: number;
  retry?: Partial<RetrySettings>;
  /** Requests/s per account; default from the key's mode (live 100, test 25). */
  globalRate?: number;
  endpointRate?: number;
}

/** Counters a caller (one stream's run) wants updated. */
export interface RequestCounters {
  requests: number;
  rateLimited: number;
  retries: number;
}

export interface RequestOptions {
  /** Connected account to act as (`Stripe-Account`); omit for the key's own account. */
  account?: string;
  /** Rate-limit endpoint name when the path alone does not identify it. */
  endpoint?: string;
  signal?: AbortSignal;
  counters?: RequestCounters;
}

export interface ListPage<T = Record<string, unknown>> {
  data: T[];
  has_more: boolean;
  url: string;
}

export function keyMode(apiKey: string): KeyMode {
  return /^(sk|rk)_live_/.test(apiKey) ? 'live' : 'test';
}

export class StripeClient {
  readonly mode: KeyMode;
  private readonly sdk: Stripe;
  private readonly budgets = new Map<string, RateBudget>();
  private readonly retry: RetrySettings;
  private readonly globalRate: number;
  private readonly endpointRate: number;

  constructor(opts: StripeClientOptions) {
    this.mode = keyMode(opts.apiKey);
    const base = opts.apiBase ? new URL(opts.apiBase) : undefined;
    this.sdk = new Stripe(opts.apiKey, {
      apiVersion: PINNED_API_VERSION as Stripe.StripeConfig['apiVersion'],
      maxNetworkRetries: 0,
      telemetry: false,
      timeout: opts.timeoutMs ?? 80_000,
      ...(base
        ? {
            host: base.hostname,
            port: base.port ? Number(base.port) : base.protocol === 'https:' ? 443 : 80,
            protocol: base.protocol.replace(':', '') as 'http' | 'https',
          }
        : {}),
      appInfo: { name: 'stripe-elt', url: 'https://github.com/stripe-elt/stripe-elt' },
    });
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.globalRate = opts.globalRate ?? (this.mode === 'live' ? 100 : 25);
    this.endpointRate = opts.endpointRate ?? 25;
  }

  /** The shared budget of one account (the key's own = 'self'). */
  budget(account?: string): RateBudget {
    const k = account ?? 'self';
    let b = this.budgets.get(k);
    if (!b) {
      b = new RateBudget({ globalRate: this.globalRate, endpointRate: this.endpointRate });
      this.budgets.set(k, b);
    }
    return b;
  }

  async get<T = Record<string, unknown>>(
    path: string,
    params: Record<string, unknown> = {},
    opts: RequestOptions = {},
  ): Promise<T> {
    const qs = encodeForm(params);
    return this.request<T>('GET', qs ? `${path}?${qs}` : path, undefined, opts);
  }

  async list<T = Record<string, unknown>>(
    path: string,
    params: Record<string, unknown>,
    opts: RequestOptions = {},
  ): Promise<ListPage<T>> {
    return this.get<ListPage<T>>(path, params, opts);
  }

  /**
   * GET with the server's clock: `serverTime` is the response's `Date` (unix seconds). Row versions of
   * listed objects use Stripe's clock, the same clock as event `created`, so the two compare correctly.
   */
  async getTimed<T = Record<string, unknown>>(
    path: string,
    params: Record<string, unknown> = {},
    opts: RequestOptions = {},
  ): Promise<{ body: T; serverTime: number }> {
    const qs = encodeForm(params);
    const meta: { date?: string } = {};
    const body = await this.request<T>('GET', qs ? `${path}?${qs}` : path, undefined, opts, meta);
    const parsed = meta.date ? Date.parse(meta.date) : Number.NaN;
    return {
      body,
      serverTime: Number.isFinite(parsed) ? Math.floor(parsed / 1000) : Math.floor(Date.now() / 1000),
    };
  }

  async post<T = Record<string, unknown>>(
    path: string,
    params: Record<string, unknown>,
    opts: RequestOptions = {},
  ): Promise<T> {
    return this.request<T>('POST', path, params, opts);
  }

  private async request<T>(
    method: 'GET' | 'POST',
    pathWithQuery: string,
    body: Record<string, unknown> | undefined,
    opts: RequestOptions,
    meta?: { date?: string },
  ): Promise<T> {
    const endpoint = opts.endpoint ?? endpointOf(method, pathWithQuery);
    const budget = this.budget(opts.account);
    const attempt = async () => {
      await budget.acquire(endpoint, opts.signal);
      if (opts.counters) opts.counters.requests++;
      try {
        const res = (await this.sdk.rawRequest(method, pathWithQuery, body, {
          ...(opts.account ? { stripeAccount: opts.account } : {}),
        })) as T & { lastResponse?: unknown };
        budget.onSuccess(endpoint);
        if (res && typeof res === 'object') {
          const last = (res as { lastResponse?: { headers?: Record<string, string> } }).lastResponse;
          if (meta) meta.date = last?.headers?.date;
          // `lastResponse` is a non-enumerable, non-configurable property: invisible to Object.keys and JSON.
        }
        return res as T;
      } catch (raw) {
        const err = toStripeError(raw, method, pathWithQuery);
        if (isRateLimited(err)) {
          budget.onRateLimited(endpoint, err.rateLimitedReason);
          if (opts.counters) opts.counters.rateLimited++;
        }
        if (!isRetryable(err)) throw new AbortError(err);
        throw err;
      }
    };
    return pRetry(attempt, {
      retries: this.retry.retries,
      minTimeout: this.retry.minTimeoutMs,
      maxTimeout: this.retry.maxTimeoutMs,
      randomize: true,
      maxRetryTime: this.retry.maxRetryTimeMs,
      signal: opts.signal,
      // Any 429 (limiter or lock_timeout) is transient by definition: retried until maxRetryTime.
      shouldConsumeRetry: ({ error }) => !(error instanceof StripeApiError && error.status === 429),
      onFailedAttempt: ({ error }) => {
        if (opts.counters && isRetryable(error)) opts.counters.retries++;
      },
    });
  }
}

/** SDK error → our error tree, with a one-line message and no secrets. */
export function toStripeError(raw: unknown, method: string, path: string): StripeApiError {
  const e = raw as {
    type?: string;
    rawType?: string;
    statusCode?: number;
    code?: string;
    message?: string;
    requestId?: string;
    headers?: Record<string, string>;
  };
  const where = `${method} ${path.split('?')[0]}`;
  const status = e?.statusCode;
  const failure = {
    status,
    type: e?.rawType,
    code: e?.code,
    message: redactSecrets(String(e?.message ?? raw)),
    requestId: e?.requestId,
    headers: lowerKeys(e?.headers ?? {}),
  };
  const suffix = failure.requestId ? ` (request ${failure.requestId})` : '';
  if (status === 401) {
    return new StripeAuthError(
      `Stripe rejected the API key (401): ${failure.message}. Check STRIPE_API_KEY (a secret sk_… or restricted rk_… key from the Dashboard).`,
      false,
      failure,
      { cause: raw },
    );
  }
  if (status === 403) {
    return new StripePermissionError(
      `no permission for ${where} (403): ${failure.message}${suffix}`,
      false,
      failure,
      { cause: raw },
    );
  }
  if (status === undefined) {
    return new StripeNetworkError(`network error on ${where}: ${failure.message}`, true, failure, {
      cause: raw,
    });
  }
  const retryable = status === 429 || status === 409 || status >= 500;
  return new StripeApiError(`Stripe ${status} on ${where}: ${failure.message}${suffix}`, retryable, failure, {
    cause: raw,
  });
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}
