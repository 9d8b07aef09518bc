/**
 * Stripe's rate limiters, per account (docs.stripe.com/rate-limits): a global limit (live mode 100
 * operations/s, sandbox 25) and a per-endpoint limit ("API endpoints have a default limit of 25 requests
 * per second"; each method + route is its own endpoint), both counted over sliding one-second windows.
 * Rejections are 429s carrying `Stripe-Rate-Limited-Reason` (`global-rate` / `endpoint-rate`).
 */
import { ApiError } from './apiError.js';

export type RateProfile = 'live' | 'test' | 'off';

export interface RateLimits {
  /** Requests per second per account, all endpoints together. 0 = unlimited. */
  global: number;
  /** Requests per second per account and endpoint. 0 = unlimited. */
  endpoint: number;
}

export const RATE_PROFILES: Record<RateProfile, RateLimits> = {
  live: { global: 100, endpoint: 25 },
  test: { global: 25, endpoint: 25 },
  off: { global: 0, endpoint: 0 },
};

export type RateDecision = { limited: false } | { limited: true; reason: 'global-rate' | 'endpoint-rate' };

/** Timestamps of admitted requests within the last second, as a ring buffer. */
class Window {
  private readonly times: Float64Array;
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(Math.max(1, capacity));
  }

  /** Whether one more request fits in the window ending at `nowMs`. */
  fits(nowMs: number, limit: number): boolean {
    this.expire(nowMs);
    return this.count < limit;
  }

  add(nowMs: number): void {
    const cap = this.times.length;
    this.times[(this.head + this.count) % cap] = nowMs;
    if (this.count < cap) this.count++;
    else this.head = (this.head + 1) % cap;
  }

  private expire(nowMs: number): void {
    const cap = this.times.length;
    while (this.count > 0 && this.times[this.head]! <= nowMs - 1000) {
      this.head = (this.head + 1) % cap;
      this.count--;
    }
  }
}

export class RateLimiter {
  private limits: RateLimits;
  private profile: RateProfile;
  private readonly windows = new Map<string, Window>();

  constructor(profile: RateProfile = 'test', overrides: Partial<RateLimits> = {}) {
    this.profile = profile;
    this.limits = { ...RATE_PROFILES[profile], ...overrides };
  }

  configure(profile: RateProfile, overrides: Partial<RateLimits> = {}): void {
    this.profile = profile;
    this.limits = { ...RATE_PROFILES[profile], ...overrides };
    this.windows.clear();
  }

  /** Forget the requests counted so far (the profile stays). */
  clearWindows(): void {
    this.windows.clear();
  }

  describe(): { profile: RateProfile } & RateLimits {
    return { profile: this.profile, ...this.limits };
  }

  /** Admit or reject one request; admitted requests count against both limits. */
  check(account: string, endpoint: string, nowMs = Date.now()): RateDecision {
    const { global, endpoint: perEndpoint } = this.limits;
    const g = global > 0 ? this.window(`${account}`, global) : undefined;
    const e = perEndpoint > 0 ? this.window(`${account} ${endpoint}`, perEndpoint) : undefined;
    if (e && !e.fits(nowMs, perEndpoint)) return { limited: true, reason: 'endpoint-rate' };
    if (g && !g.fits(nowMs, global)) return { limited: true, reason: 'global-rate' };
    e?.add(nowMs);
    g?.add(nowMs);
    return { limited: false };
  }

  private window(key: string, limit: number): Window {
    let w = this.windows.get(key);
    if (!w) {
      w = new Window(limit);
      this.windows.set(key, w);
    }
    return w;
  }
}

/** Stripe's rate-limiter 429 (stripe-node maps any 429 to StripeRateLimitError; the code is `rate_limit`). */
export function rateLimited(reason: 'global-rate' | 'endpoint-rate'): ApiError {
  return new ApiError(
    429,
    'invalid_request_error',
    'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
    'rate_limit',
    undefined,
    { 'stripe-rate-limited-reason': reason },
  );
}
