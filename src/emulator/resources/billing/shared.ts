/**
 * Small pieces every billing resource uses: list-filter builders for the shapes Stripe's list endpoints
 * take (ranges, booleans, arrays, nested objects), event-emitting state transitions, and lookups that
 * fail with Stripe's own errors.
 */
import { ApiError, invalidRequest } from '../../apiError.js';
import type { FieldValue } from '../../collection.js';
import type { FormValue } from '../../formBody.js';
import { parseCreated } from '../../listing.js';
import type { ListParamDef, MutationContext, StripeObject } from '../../resource.js';

type Fields = Record<string, FieldValue>;

/** A timestamp filter like `due_date` / `current_period_end`: an integer or `{gt,gte,lt,lte}`. */
export function rangeParam(field: string): ListParamDef {
  return {
    test(value: FormValue) {
      const r = parseCreated(value, field) ?? {};
      return (f: Fields) => {
        const v = f[field];
        if (typeof v !== 'number') return false;
        return (
          (r.gt === undefined || v > r.gt) &&
          (r.gte === undefined || v >= r.gte) &&
          (r.lt === undefined || v < r.lt) &&
          (r.lte === undefined || v <= r.lte)
        );
      };
    },
  };
}

/** An array filter (`ids[]`, `lookup_keys[]`): the field's value must be one of the given strings. */
export function oneOfParam(field: string): ListParamDef {
  return {
    test(value: FormValue) {
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((v) => typeof v === 'string')) throw invalidRequest('Invalid array', field);
      const wanted = new Set(list as string[]);
      return (f: Fields) => wanted.has(String(f[field]));
    },
  };
}

/**
 * A nested-object filter (`recurring[interval]`, `automatic_tax[enabled]`): each given key compares to
 * the extracted field `<prefix>.<key>`; booleans arrive as 'true'/'false'.
 */
export function nestedParam(name: string, keys: Record<string, 'string' | 'boolean'>): ListParamDef {
  return {
    test(value: FormValue) {
      if (typeof value !== 'object' || Array.isArray(value))
        throw invalidRequest(`Invalid object: ${name}`, name);
      const checks: [string, FieldValue][] = [];
      for (const [k, v] of Object.entries(value)) {
        const kind = keys[k];
        if (!kind)
          throw new ApiError(
            400,
            'invalid_request_error',
            `Received unknown parameter: ${name}[${k}]`,
            'parameter_unknown',
            `${name}[${k}]`,
          );
        if (typeof v !== 'string') throw invalidRequest(`Invalid ${name}[${k}]`, `${name}[${k}]`);
        if (kind === 'boolean' && v !== 'true' && v !== 'false')
          throw invalidRequest(`Invalid boolean: ${v}`, `${name}[${k}]`);
        checks.push([`${name}.${k}`, kind === 'boolean' ? v === 'true' : v]);
      }
      return (f: Fields) => checks.every(([field, want]) => f[field] === want);
    },
  };
}

/**
 * Store a changed object and emit Stripe's event(s) for the change: the resource's `*.updated` (with
 * previous_attributes) when it has one, then each specific event (`invoice.paid`, `quote.accepted`…),
 * which carry no previous_attributes (Stripe sends those only on `*.updated`).
 */
export function transition<T extends StripeObject>(
  ctx: MutationContext,
  resource: string,
  next: T,
  ...types: string[]
): T {
  ctx.save(resource, next);
  for (const t of types) ctx.emit(t, next);
  return next;
}

/** Store silently (no event), for bookkeeping Stripe does not announce. */
export function saveQuietly<T extends StripeObject>(ctx: MutationContext, resource: string, next: T): T {
  ctx.save(resource, next, { emit: false });
  return next;
}

/**
 * Whether another part of the emulator registered `resource` (the payments resources land separately;
 * billing must work with and without them). Looking up an unregistered collection throws.
 */
export function canCreate(ctx: MutationContext, resource: string): boolean {
  try {
    ctx.get(resource, '__probe__');
    return true;
  } catch (err) {
    if (err instanceof Error && err.message === `unknown resource ${resource}`) return false;
    throw err;
  }
}

/** An id list parameter (`default_tax_rates[]`): strings, '' clears to []. */
export function idList(value: FormValue | undefined, param: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (value === '') return [];
  const list = Array.isArray(value) ? value : typeof value === 'object' ? Object.values(value) : [value];
  if (!list.every((v) => typeof v === 'string')) throw invalidRequest(`Invalid array: ${param}`, param);
  return list as string[];
}

/** Random upper-case code (invoice prefixes, promotion codes). */
export function upperCode(
  ctx: MutationContext,
  n: number,
  alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789',
): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(ctx.random.next() * alphabet.length)];
  return s;
}

export function cannot(message: string, param?: string, code?: string): ApiError {
  return new ApiError(400, 'invalid_request_error', message, code, param);
}

const ADDRESS_KEYS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const;

/** An address parameter (`address[city]`…) as Stripe stores it: every key present, unset ones null. */
export function addressParam(
  value: FormValue | undefined,
  param: string,
): Record<string, string | null> | null | undefined {
  if (value === undefined) return undefined;
  if (value === '') return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidRequest(`Invalid object: ${param}`, param);
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!(ADDRESS_KEYS as readonly string[]).includes(k)) {
      throw new ApiError(
        400,
        'invalid_request_error',
        `Received unknown parameter: ${param}[${k}]`,
        'parameter_unknown',
        `${param}[${k}]`,
      );
    }
    if (typeof v !== 'string') throw invalidRequest(`Invalid string: ${param}[${k}]`, `${param}[${k}]`);
  }
  for (const k of ADDRESS_KEYS) {
    const v = (value as Record<string, FormValue>)[k];
    out[k] = typeof v === 'string' && v !== '' ? v : null;
  }
  return out;
}

/** `shipping[name]`, `shipping[phone]`, `shipping[address][…]`. */
export function shippingParam(
  value: FormValue | undefined,
  param: string,
): Record<string, unknown> | null | undefined {
  if (value === undefined) return undefined;
  if (value === '') return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidRequest(`Invalid object: ${param}`, param);
  const v = value as Record<string, FormValue>;
  if (typeof v.name !== 'string')
    throw new ApiError(
      400,
      'invalid_request_error',
      `Missing required param: ${param}[name].`,
      'parameter_missing',
      `${param}[name]`,
    );
  return {
    address: addressParam(v.address ?? {}, `${param}[address]`),
    name: v.name,
    phone: typeof v.phone === 'string' ? v.phone : null,
  };
}

/** `tax_rates[]` / `default_tax_rates[]`: ids → the TaxRate objects Stripe embeds; '' clears. */
export function taxRateObjects(
  ctx: MutationContext,
  value: FormValue | undefined,
  param: string,
): StripeObject[] | undefined {
  const ids = idList(value, param);
  return ids?.map((id, i) => ctx.require('tax_rates', id, `${param}[${i}]`));
}
