/**
 * Fault injection by rule, to prove the extractor survives what Stripe and networks do: error statuses,
 * 429 `lock_timeout` (no rate-limit header: docs.stripe.com/rate-limits), 5xx with `Stripe-Should-Retry`,
 * connection resets, requests that hang past the client's timeout, and truncated bodies.
 */
import { z } from 'zod';

export const FaultRuleSchema = z.object({
  /** Regular expression matched against the request path (without query), e.g. '^/v1/charges'. */
  path: z.string().default('.*'),
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
  /** For `server_error`: value of `Stripe-Should-Retry` (omitted = header absent). */
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
