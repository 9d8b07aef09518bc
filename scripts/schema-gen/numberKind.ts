/**
 * TypeScript has one `number` type; the warehouse needs three: integer (amounts in minor units, counts),
 * floating point (percentages, rates) and instants (unix seconds → timestamp columns). The SDK keeps that
 * knowledge only in JSDoc prose and field names, so these rules read both. They were written by reading
 * the JSDoc of every `number` field reachable from the generated streams; numberKind.test.ts pins
 * representative cases. Misclassifications surface in the fixture test (an integer-typed field holding
 * 1.5) or in review of the committed schemas.
 */
export type NumberKind = 'unix-time' | 'integer' | 'number';

/**
 * JSDoc wordings that mark a unix-seconds instant. The canonical sentence is "Measured in seconds since
 * the Unix epoch" (~160 fields); variants seen in the SDK: "Measured in seconds since Unix epoch",
 * "The Unix timestamp marking when…", "A precise Unix timestamp for…", "The timestamp at which…",
 * "The date (unix timestamp) when…", and docs that open with "Date…", "The date…", "Time at which…",
 * "The time…", "The start/end time of…" (payouts.arrival_date, balance_transaction.available_on,
 * invoice.next_payment_attempt, subscription_item.current_period_end, …).
 */
const INSTANT_DOC_PATTERNS: readonly RegExp[] = [
  /\bseconds since (the )?unix epoch\b/i,
  /\bunix timestamp\b/i,
  /\btimestamp\b/i,
  /^(the |a )?(date|time)\b/i,
  /^(the )?(start|end) (date|time)\b/i,
  /\b(the|a) date (that|when|of|on|at|after|by|in)\b/i,
  /\bthe time (used|at which|when|that)\b/i,
];

/**
 * Stripe's v1 naming convention for instants. Needed because some instants have prose that says neither
 * "date" nor "time": `trial_start` ("If the subscription has a trial, the beginning of that trial."),
 * `target_frozen_time`, `updated_at` ("Details on when…"), `webhooks_delivered_at`, and the `start`/`end`
 * of line item periods ("The end of the period, which must be greater than or equal to the start.").
 */
const INSTANT_NAME = /(_at|_date|_time)$|^(created|start|end|trial_start|trial_end)$/;

/**
 * Names that are durations or calendar parts even when their prose mentions a date or time
 * (`days_until_due`, `expires_after_seconds`, `billing_cycle_anchor_config.hour`, `dob.year`); `count`
 * because "the number of times…" counts say "time".
 */
const NOT_INSTANT_NAME = /(^|_)(days?|hours?|minutes?|seconds?|months?|years?|count)($|_)/;

/**
 * A few fields are explicitly not seconds: "Unlike most other Stripe timestamp fields which use seconds,
 * this field uses milliseconds". Those stay plain integers.
 */
const MILLISECONDS = /millisecond/i;

/**
 * Non-integer numbers. Stripe's OpenAPI spec types these as `number` (not `integer`): percentages
 * ("A non-negative decimal between 0 and 100, with at most two decimal places"), exchange rates,
 * coordinates and package dimensions ("Weight, in ounces."). Everything else in v1 is an integer.
 */
const FLOAT_NAME = /(^|_)(percent|percentage|rate)($|_)|^(latitude|longitude|weight|height|length|width)$/;
const FLOAT_DOC = /\bdecimal between\b/i;

export function numberKind(fieldName: string, doc: string): NumberKind {
  if (!MILLISECONDS.test(doc) && !NOT_INSTANT_NAME.test(fieldName)) {
    if (INSTANT_NAME.test(fieldName) || INSTANT_DOC_PATTERNS.some((p) => p.test(doc.trim())))
      return 'unix-time';
  }
  if (FLOAT_NAME.test(fieldName) || FLOAT_DOC.test(doc)) return 'number';
  return 'integer';
}
