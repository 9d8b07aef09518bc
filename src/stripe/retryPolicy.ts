/**
 * Which failures are worth retrying, and how long to wait. Follows stripe-node's `_shouldRetry`
 * (src/RequestSender.ts): `Stripe-Should-Retry` wins when present; then 409 and 5xx and connection
 * errors retry. Unlike stripe-node we also retry rate-limited 429s (they are the normal way to learn the
 * budget) and 429 `lock_timeout` ("retry with exponential backoff": docs.stripe.com/rate-limits).
 * Never 400/401/403/404: repeating them cannot help.
 */
import { StripeApiError, StripeNetworkError } from './errors.js';

export function isRetryable(err: unknown): boolean {
  if (!(err instanceof StripeApiError)) return false;
  const should = err.headers['stripe-should-retry'];
  if (should === 'true') return true;
  if (should === 'false') return false;
  if (err instanceof StripeNetworkError) return true;
  const s = err.status ?? 0;
  return s === 429 || s === 409 || s >= 500;
}

/** 429s from a rate limiter are budget feedback, not failures: they should not use up the retry count. */
export function isRateLimited(err: unknown): boolean {
  return err instanceof StripeApiError && err.status === 429 && err.rateLimitedReason !== undefined;
}

export interface RetrySettings {
  /** Retries after the first attempt for failures that are not rate limiting. */
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** Give up on one request after this long in total (rate-limit waits included). */
  maxRetryTimeMs: number;
}

/**
 * 12 retries take ~2.5 min of backoff (0.5 s doubling to the 20 s cap) before a request is given up.
 * 429s do not count (client.ts), so these are 5xx, resets, truncated bodies and timeouts; on a loaded
 * machine ordinary slow responses add timeouts to the injected faults, and with 8 the faults e2e test
 * (29% of attempts failing) lost a request now and then. A sync is a background job: waiting longer
 * beats failing a stream.
 */
export const DEFAULT_RETRY: RetrySettings = {
  retries: 12,
  minTimeoutMs: 500,
  maxTimeoutMs: 20_000,
  maxRetryTimeMs: 15 * 60_000,
};
