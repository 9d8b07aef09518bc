/**
 * Errors from the Stripe seam, classified the way the engine must react (ARCHITECTURE.md §6):
 * 401 stops everything (bad key), 403 skips one stream ("no permission"), 429/409/5xx/network are
 * retried, other 4xx are bugs or data problems reported with Stripe's message and request id.
 */
import { EltError, type ErrorDetails } from '../errors.js';

export interface StripeFailure {
  status?: number;
  type?: string;
  code?: string;
  message: string;
  requestId?: string;
  headers?: Record<string, string>;
}

export class StripeApiError extends EltError {
  readonly status?: number;
  readonly code?: string;
  readonly headers: Record<string, string>;

  constructor(message: string, retryable: boolean, failure: StripeFailure, details: ErrorDetails = {}) {
    super(message, retryable, { requestId: failure.requestId, ...details });
    this.status = failure.status;
    this.code = failure.code;
    this.headers = failure.headers ?? {};
  }

  /** `Stripe-Rate-Limited-Reason`: present only on 429s from Stripe's rate limiters. */
  get rateLimitedReason(): string | undefined {
    return this.headers['stripe-rate-limited-reason'];
  }
}

/** The API key was rejected (401): nothing else will work. */
export class StripeAuthError extends StripeApiError {
  override readonly exitCode = 2;
}

/** A restricted key lacks a permission (403): the stream is reported as "no permission". */
export class StripePermissionError extends StripeApiError {}

/** Network-level failure: reset, timeout, truncated response. */
export class StripeNetworkError extends StripeApiError {}
