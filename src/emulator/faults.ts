/**
 * Fault injection by rule, to prove the extractor survives what Stripe and networks do: error statuses,
 * 429 `lock_timeout` (no rate-limit header: docs.stripe.com/rate-limits), 5xx with `Stripe-Should-Retry`,
 * connection resets, requests that hang past the client's timeout, and truncated bodies.
 */
import { z } from 'zod';
import { ApiError } from './apiError.js';

export const FaultRuleSchema = z.object({
  /** Regular expression matched against the request path (without query), e.g. '^/v1/charges'. */
  path: z
    .string()
    .default('.*')
    .refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }, 'not a valid regular expression'),
  method: z.enum(['GET', 'POST', 'DELETE', '*']).default('*'),
  /** Chance per matching request, 0..1. */
  probability: z.number().min(0).max(1).optional(),
  /** Start failing after this many matching requests went through. */
  after: z.number().int().min(0).optional(),
  /** How many times the rule may fire; unlimited when omitted. */
  count: z.number().int().min(1).optional(),
  action: z.enum(['status', 'lock_timeout', 'server_error', 'reset', 'hang', 'truncate']),
  /** For `status`: the HTTP status (and optional Stripe error fields). */
  status: z.number().int().min(400).max(599).optional(),
  code: z.string().optional(),
  /** For `server_error` (and `status` ≥ 500): value of `Stripe-Should-Retry` (omitted = header absent). */
  shouldRetry: z.boolean().optional(),
  /** For `hang`: how long to hold the connection before closing it (ms). */
  hangMs: z.number().int().min(0).default(120_000),
});
export type FaultRule = z.infer<typeof FaultRuleSchema>;

export interface FaultAction {
  rule: FaultRule;
}

interface LiveRule {
  rule: FaultRule;
  regex: RegExp;
  seen: number;
  fired: number;
}

export class Faults {
  private rules: LiveRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  set(rules: unknown): FaultRule[] {
    const parsed = z.array(FaultRuleSchema).parse(rules);
    this.rules = parsed.map((rule) => ({ rule, regex: new RegExp(rule.path), seen: 0, fired: 0 }));
    return parsed;
  }

  list(): (FaultRule & { seen: number; fired: number })[] {
    return this.rules.map((r) => ({ ...r.rule, seen: r.seen, fired: r.fired }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault to inject for this request, if any rule fires. */
  match(method: string, path: string): FaultAction | undefined {
    for (const r of this.rules) {
      if (r.rule.method !== '*' && r.rule.method !== method) continue;
      if (!r.regex.test(path)) continue;
      r.seen++;
      if (r.rule.count !== undefined && r.fired >= r.rule.count) continue;
      if (r.rule.after !== undefined && r.seen <= r.rule.after) continue;
      if (r.rule.probability !== undefined && this.random() >= r.rule.probability) continue;
      r.fired++;
      return { rule: r.rule };
    }
    return undefined;
  }
}

const LOCK_TIMEOUT_MESSAGE =
  'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate.';

/**
 * The Stripe error an HTTP-level fault answers with; undefined for transport faults (reset, hang,
 * truncate), which the HTTP server acts out.
 */
export function faultError(rule: FaultRule): ApiError | undefined {
  const retryHeader = (): Record<string, string> =>
    rule.shouldRetry === undefined ? {} : { 'stripe-should-retry': String(rule.shouldRetry) };
  switch (rule.action) {
    case 'lock_timeout':
      // A 429 that is not the rate limiter: no `Stripe-Rate-Limited-Reason` (docs.stripe.com/rate-limits),
      // but `Stripe-Should-Retry: true`, which is how Stripe's SDKs know to retry lock timeouts
      // (stripe/stripe-node#692). Set `shouldRetry: false` in the rule to send `false` instead.
      return new ApiError(429, 'invalid_request_error', LOCK_TIMEOUT_MESSAGE, 'lock_timeout', undefined, {
        'stripe-should-retry': String(rule.shouldRetry ?? true),
      });
    case 'server_error':
      return new ApiError(
        rule.status ?? 500,
        'api_error',
        'An unknown error occurred',
        rule.code,
        undefined,
        retryHeader(),
      );
    case 'status': {
      const status = rule.status ?? 500;
      if (status >= 500)
        return new ApiError(
          status,
          'api_error',
          `Injected fault (${status})`,
          rule.code,
          undefined,
          retryHeader(),
        );
      return new ApiError(status, 'invalid_request_error', `Injected fault (${status})`, rule.code);
    }
    default:
      return undefined;
  }
}
