/**
 * Small helpers shared by the payments resources: Stripe's unknown-parameter check, event emission for
 * state-change events, and the ids Stripe derives from an account (its Connect application, its default
 * bank account).
 */
import { ApiError, parameterUnknown } from '../../apiError.js';
import type { FieldValue } from '../../collection.js';
import type { FormParams, FormValue } from '../../formBody.js';
import { parseCreated } from '../../listing.js';
import type { MutationContext, StripeObject } from '../../resource.js';

/** Stripe rejects any parameter an endpoint does not know: "Received unknown parameter: x". */
export function allowParams(params: FormParams, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) if (!allowed.includes(key)) throw parameterUnknown(key);
}

/** The id in a reference field, whether stored as an id or an expanded object. */
export function refId(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') {
    return (value as { id: string }).id;
  }
  return null;
}

/**
 * Store a changed object and emit a state-change event such as `payment_intent.succeeded`: Stripe sends
 * `previous_attributes` only on `*.updated` events, so the object is saved silently and the event carries
 * the new snapshot alone.
 */
export function saveWithEvent(
  ctx: MutationContext,
  resource: string,
  obj: StripeObject,
  type: string,
): StripeObject {
  ctx.save(resource, obj, { emit: false });
  ctx.emit(type, obj);
  return obj;
}

/** `client_secret` of intents: `<id>_secret_<random>`. */
export function clientSecret(ctx: MutationContext, id: string): string {
  return `${id}_secret_${ctx.random.chars(25)}`;
}

export const DAY = 86400;

/** Midnight UTC of the day `t` falls in: Stripe dates `available_on` and `arrival_date` at day starts. */
export function dayStart(t: number): number {
  return Math.floor(t / DAY) * DAY;
}

/** The platform's Connect application id (`ca_…`), stable per platform account. */
export function applicationId(platformAccount: string): string {
  return `ca_${platformAccount.replace(/^acct_/, '').padEnd(32, '0')}`;
}

/** The default external bank account of an account (`ba_…`), where its payouts go. */
export function defaultBankAccountId(account: string): string {
  return `ba_${account.replace(/^acct_/, '').padEnd(24, '0')}`;
}

/** A deterministic 16-character fingerprint (Stripe fingerprints identify a card number or bank account). */
export function fingerprint(value: string): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let h = 0x811c9dc5; // FNV-1a of the value seeds a small LCG
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 16777619) >>> 0;
  let out = '';
  for (let i = 0; i < 16; i++) {
    h = (Math.imul(h, 1664525) + 1013904223) >>> 0;
    out += alphabet[(h >>> 8) % 62];
  }
  return out;
}

/** A nested object parameter's string leaves, for shapes such as `shipping` and `billing_details`. */
export function textOf(v: FormValue | undefined): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Stripe's `address` hash with every key present. */
export function address(v: FormValue | undefined): Record<string, string | null> {
  const a = v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  return {
    city: textOf(a.city),
    country: textOf(a.country),
    line1: textOf(a.line1),
    line2: textOf(a.line2),
    postal_code: textOf(a.postal_code),
    state: textOf(a.state),
  };
}

/** `shipping` of charges and payment intents (`name` and `address` are required by Stripe when present). */
export function shipping(v: FormValue | undefined, param = 'shipping'): Record<string, unknown> | null {
  if (v === undefined || v === '') return null;
  if (typeof v !== 'object' || Array.isArray(v))
    throw new ApiError(400, 'invalid_request_error', `Invalid object: ${param}`, undefined, param);
  if (typeof v.name !== 'string')
    throw new ApiError(
      400,
      'invalid_request_error',
      `Missing required param: ${param}[name].`,
      'parameter_missing',
      `${param}[name]`,
    );
  return {
    address: address(v.address),
    carrier: textOf(v.carrier),
    name: v.name,
    phone: textOf(v.phone),
    tracking_number: textOf(v.tracking_number),
  };
}

/** A list filter on a numeric field given as `x` or `x[gt|gte|lt|lte]` (payouts' `arrival_date`, top-ups' `amount`). */
export function rangeFilter(field: string) {
  return (value: FormValue) => {
    const r = parseCreated(value, field) ?? {};
    return (f: Record<string, FieldValue>) => {
      const v = Number(f[field]);
      return (
        (r.gt === undefined || v > r.gt) &&
        (r.gte === undefined || v >= r.gte) &&
        (r.lt === undefined || v < r.lt) &&
        (r.lte === undefined || v <= r.lte)
      );
    };
  };
}
