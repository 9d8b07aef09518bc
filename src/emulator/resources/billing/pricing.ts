/**
 * Price semantics shared by the catalogue and everything that bills: building a price from create
 * parameters (per-unit, decimal, tiered, custom amount, recurring, transform_quantity), inline prices
 * from `price_data` (Stripe creates them inactive and leaves them out of `GET /v1/prices`), the amount a
 * quantity of a price costs, and the legacy `plan` view of a recurring price.
 */
import { ApiError, invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormParams, FormValue } from '../../formBody.js';
import type { MutationContext, StripeObject } from '../../resource.js';
import { bool, currency, int, metadata, obj, oneOf, str } from '../params.js';

const INTERVALS = ['day', 'week', 'month', 'year'] as const;
/** Union of what `price_data` takes on subscription items, invoice items, quotes and Checkout. */
const INLINE_PRICE_PARAMS = [
  'currency',
  'product',
  'product_data',
  'recurring',
  'tax_behavior',
  'unit_amount',
  'unit_amount_decimal',
];
const DECIMAL = /^-?\d+(\.\d{1,12})?$/;

export interface Tier {
  flat_amount: number | null;
  flat_amount_decimal: string | null;
  unit_amount: number | null;
  unit_amount_decimal: string | null;
  up_to: number | null;
}

/** Reject parameters the endpoint does not take, like Stripe's `parameter_unknown`. */
export function allowOnly(params: FormParams, allowed: readonly string[], prefix = ''): void {
  for (const k of Object.keys(params)) {
    if (!allowed.includes(k)) {
      const name = prefix ? `${prefix}[${k}]` : k;
      throw new ApiError(
        400,
        'invalid_request_error',
        `Received unknown parameter: ${name}`,
        'parameter_unknown',
        name,
      );
    }
  }
}

export function decimalStr(params: FormParams, name: string, param = name): string | undefined {
  const v = str(params, name);
  if (v === undefined) return undefined;
  if (!DECIMAL.test(v)) throw invalidRequest(`Invalid decimal: ${v}`, param);
  return normalizeDecimal(v);
}

function normalizeDecimal(v: string): string {
  if (!v.includes('.')) return String(Number(v));
  const [i, f] = v.split('.') as [string, string];
  const frac = f.replace(/0+$/, '');
  return frac ? `${Number(i)}.${frac}` : String(Number(i));
}

function wholeOrNull(decimal: string | null): number | null {
  if (decimal === null) return null;
  return decimal.includes('.') ? null : Number(decimal);
}

function parseRecurring(value: Record<string, FormValue>, param: string): Record<string, unknown> {
  allowOnly(value, ['interval', 'interval_count', 'meter', 'usage_type', 'trial_period_days'], param);
  const interval = oneOf(value, 'interval', INTERVALS);
  if (!interval) throw parameterMissing(`${param}[interval]`);
  const count = int(value, 'interval_count') ?? 1;
  // "The maximum of three years interval allowed (3 years, 36 months, or 156 weeks)."
  const maxCount = { day: 1095, week: 156, month: 36, year: 3 }[interval];
  if (count < 1 || count > maxCount) {
    throw invalidRequest(
      `Invalid ${param}[interval_count]: must be between 1 and ${maxCount} for ${interval}`,
      `${param}[interval_count]`,
    );
  }
  const usageType = oneOf(value, 'usage_type', ['licensed', 'metered'] as const) ?? 'licensed';
  const meter = str(value, 'meter') ?? null;
  if (usageType === 'metered' && !meter) throw parameterMissing(`${param}[meter]`);
  return {
    interval,
    interval_count: count,
    meter,
    trial_period_days: int(value, 'trial_period_days') ?? null,
    usage_type: usageType,
  };
}

function parseTiers(params: FormParams, param: string): Tier[] {
  const raw = params.tiers;
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : undefined;
  if (!list || list.length === 0) throw parameterMissing('tiers');
  const tiers = list.map((t, i): Tier => {
    if (!t || typeof t !== 'object' || Array.isArray(t))
      throw invalidRequest(`Invalid ${param}[${i}]`, `${param}[${i}]`);
    const p = `${param}[${i}]`;
    allowOnly(t, ['flat_amount', 'flat_amount_decimal', 'unit_amount', 'unit_amount_decimal', 'up_to'], p);
    const upTo = str(t, 'up_to');
    if (upTo === undefined) throw parameterMissing(`${p}[up_to]`);
    const unitDec =
      decimalStr(t, 'unit_amount_decimal', `${p}[unit_amount_decimal]`) ?? intStr(int(t, 'unit_amount'));
    const flatDec =
      decimalStr(t, 'flat_amount_decimal', `${p}[flat_amount_decimal]`) ?? intStr(int(t, 'flat_amount'));
    if (unitDec === null && flatDec === null) throw parameterMissing(`${p}[unit_amount]`);
    return {
      flat_amount: wholeOrNull(flatDec),
      flat_amount_decimal: flatDec,
      unit_amount: wholeOrNull(unitDec),
      unit_amount_decimal: unitDec,
      up_to: upTo === 'inf' ? null : Number(upTo),
    };
  });
  if (tiers[tiers.length - 1]!.up_to !== null)
    throw invalidRequest('The last tier must have up_to set to inf.', `${param}[${tiers.length - 1}][up_to]`);
  return tiers;
}

function intStr(n: number | undefined): string | null {
  return n === undefined ? null : String(n);
}

/**
 * A price object from create parameters (POST /v1/prices, or `price_data` when `inline`). The product
 * must exist; `product_data` creates one first.
 */
export function buildPrice(
  ctx: MutationContext,
  params: FormParams,
  opts: { inline: boolean; param?: string },
): StripeObject {
  const param = opts.param ?? '';
  const p = (n: string) => (param ? `${param}[${n}]` : n);
  const cur = currency(params, 'currency');
  if (!cur) throw parameterMissing(p('currency'));
  let productId = str(params, 'product');
  const productData = obj(params, 'product_data');
  if (productId && productData)
    throw invalidRequest(
      `You may only specify one of these parameters: ${p('product')}, ${p('product_data')}.`,
      p('product'),
    );
  if (productId) ctx.require('products', productId, p('product'));
  else if (productData) productId = ctx.create('products', productData).id;
  else throw parameterMissing(p('product'));

  const recurringParam = obj(params, 'recurring');
  const recurring = recurringParam ? parseRecurring(recurringParam, p('recurring')) : null;
  const billingScheme = oneOf(params, 'billing_scheme', ['per_unit', 'tiered'] as const) ?? 'per_unit';
  let unitDecimal: string | null = null;
  let tiers: Tier[] | undefined;
  let tiersMode: string | null = null;
  let customUnitAmount: Record<string, unknown> | null = null;
  const custom = obj(params, 'custom_unit_amount');
  if (billingScheme === 'tiered') {
    tiersMode = oneOf(params, 'tiers_mode', ['graduated', 'volume'] as const) ?? null;
    if (!tiersMode) throw parameterMissing(p('tiers_mode'));
    tiers = parseTiers(params, p('tiers'));
  } else if (custom && custom.enabled === 'true') {
    if (recurring)
      throw invalidRequest(
        'custom_unit_amount is not supported for recurring prices.',
        p('custom_unit_amount'),
      );
    customUnitAmount = {
      maximum: int(custom, 'maximum') ?? null,
      minimum: int(custom, 'minimum') ?? null,
      preset: int(custom, 'preset') ?? null,
    };
  } else {
    const dec = decimalStr(params, 'unit_amount_decimal', p('unit_amount_decimal'));
    const amount = int(params, 'unit_amount');
    if (dec !== undefined && amount !== undefined) {
      throw invalidRequest(
        `You may only specify one of these parameters: ${p('unit_amount')}, ${p('unit_amount_decimal')}.`,
        p('unit_amount'),
      );
    }
    unitDecimal = dec ?? intStr(amount);
    if (unitDecimal === null) throw parameterMissing(p('unit_amount'));
    if (Number(unitDecimal) < 0)
      throw invalidRequest('This value must be greater than or equal to 0.', p('unit_amount'));
  }
  const transform = obj(params, 'transform_quantity');
  const price: StripeObject = Object.assign(ctx.template('price'), {
    id: ctx.newId('price'),
    object: 'price',
    active: opts.inline ? false : (bool(params, 'active') ?? true),
    billing_scheme: billingScheme,
    created: ctx.now,
    currency: cur,
    custom_unit_amount: customUnitAmount,
    livemode: ctx.livemode,
    lookup_key: opts.inline ? null : (str(params, 'lookup_key') ?? null),
    metadata: opts.inline ? {} : metadata(params),
    nickname: opts.inline ? null : (str(params, 'nickname') ?? null),
    product: productId,
    recurring,
    tax_behavior:
      oneOf(params, 'tax_behavior', ['exclusive', 'inclusive', 'unspecified'] as const) ?? 'unspecified',
    tiers_mode: tiersMode,
    transform_quantity: transform
      ? {
          divide_by: int(transform, 'divide_by', { required: true, min: 1 }),
          round: oneOf(transform, 'round', ['down', 'up'] as const) ?? 'down',
        }
      : null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: wholeOrNull(unitDecimal),
    unit_amount_decimal: unitDecimal,
  });
  if (tiers) price.tiers = tiers;
  if (opts.inline) price._inline = true;
  return price;
}

/**
 * Resolve the price of a subscription item / invoice item / line item spec: `price` (an existing id),
 * `plan` (legacy alias: plans share price ids) or `price_data` (an inline price, created here).
 */
export function resolvePrice(
  ctx: MutationContext,
  spec: FormParams,
  param: string,
  opts: { recurring?: boolean; required?: boolean; currency?: string } = {},
): StripeObject | undefined {
  const id = str(spec, 'price') ?? str(spec, 'plan');
  const data = obj(spec, 'price_data');
  if (id && data)
    throw invalidRequest(
      `You may only specify one of these parameters: ${param}[price], ${param}[price_data].`,
      `${param}[price]`,
    );
  let price: StripeObject | undefined;
  if (id) {
    price = ctx.require('prices', id, `${param}[price]`);
    if (price.active === false) {
      throw invalidRequest(
        `The price specified is inactive. This field only accepts active prices.`,
        `${param}[price]`,
      );
    }
  } else if (data) {
    allowOnly(data, INLINE_PRICE_PARAMS, `${param}[price_data]`);
    price = buildPrice(ctx, data, { inline: true, param: `${param}[price_data]` });
    ctx.insert('prices', price, { emit: false });
  } else if (opts.required) {
    throw parameterMissing(`${param}[price]`);
  }
  if (price && opts.recurring && price.type !== 'recurring') {
    throw invalidRequest(
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      `${param}[price]`,
    );
  }
  if (price && opts.currency && price.currency !== opts.currency) {
    throw invalidRequest(
      `The price specified has currency ${String(price.currency)}, which does not match ${opts.currency}.`,
      `${param}[price]`,
    );
  }
  return price;
}

function roundQuantity(price: StripeObject, quantity: number): number {
  const t = price.transform_quantity as { divide_by: number; round: string } | null;
  if (!t) return quantity;
  const q = quantity / t.divide_by;
  return t.round === 'up' ? Math.ceil(q) : Math.floor(q);
}

/** What `quantity` of `price` costs, in the currency's minor unit (Stripe rounds half up). */
export function amountFor(price: StripeObject, quantity: number): number {
  const q = roundQuantity(price, quantity);
  if (price.billing_scheme === 'tiered') {
    const tiers = (price.tiers as Tier[] | undefined) ?? [];
    const unit = (t: Tier) => Number(t.unit_amount_decimal ?? 0);
    const flat = (t: Tier) => Number(t.flat_amount_decimal ?? 0);
    if (price.tiers_mode === 'volume') {
      const tier = tiers.find((t) => t.up_to === null || q <= t.up_to) ?? tiers[tiers.length - 1];
      return tier ? Math.round(unit(tier) * q + (q > 0 ? flat(tier) : 0)) : 0;
    }
    let total = 0;
    let below = 0;
    for (const t of tiers) {
      if (q <= below) break;
      const top = t.up_to === null ? q : Math.min(q, t.up_to);
      total += unit(t) * (top - below) + flat(t);
      below = top;
    }
    return Math.round(total);
  }
  return Math.round(Number(price.unit_amount_decimal ?? 0) * q);
}

/**
 * The stored price behind an embedded copy (a subscription item's `price` carries no `tiers`, which the
 * amount of a tiered price needs).
 */
export function storedPrice(ctx: MutationContext, embedded: StripeObject): StripeObject {
  // Read-only (callers compute amounts from it).
  return ctx.view('prices', embedded.id) ?? embedded;
}

/** The price as another object embeds it (subscription items, line items): no hidden or includable fields. */
export function publicPrice(price: StripeObject): StripeObject {
  const { _inline, tiers, ...rest } = price;
  void _inline;
  void tiers;
  return rest as StripeObject;
}

/** The legacy `plan` view of a recurring price (subscription items carry both). */
export function planFromPrice(ctx: MutationContext, price: StripeObject): StripeObject {
  const recurring = (price.recurring ?? {}) as Record<string, unknown>;
  return Object.assign(ctx.template('plan'), {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: recurring.interval ?? 'month',
    interval_count: recurring.interval_count ?? 1,
    livemode: price.livemode,
    metadata: price.metadata,
    meter: recurring.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: price.tiers_mode,
    transform_usage: price.transform_quantity,
    trial_period_days: recurring.trial_period_days ?? null,
    usage_type: recurring.usage_type ?? 'licensed',
  });
}

export function recurringOf(price: StripeObject): {
  interval: (typeof INTERVALS)[number];
  interval_count: number;
} {
  const r = price.recurring as { interval: (typeof INTERVALS)[number]; interval_count: number } | null;
  return r ?? { interval: 'month', interval_count: 1 };
}

/**
 * The end of a billing period that starts at `start`, Stripe-style: months keep the anchor's day of month
 * and clamp to the month's last day (Jan 31 → Feb 28 → Mar 31).
 */
export function periodEnd(start: number, interval: string, count: number, anchor = start): number {
  const d = new Date(start * 1000);
  switch (interval) {
    case 'day':
      return start + count * 86400;
    case 'week':
      return start + count * 7 * 86400;
    default: {
      const months = interval === 'year' ? 12 * count : count;
      const a = new Date(anchor * 1000);
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth() + months;
      const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
      const day = Math.min(a.getUTCDate(), last);
      return Math.floor(Date.UTC(y, m, day, a.getUTCHours(), a.getUTCMinutes(), a.getUTCSeconds()) / 1000);
    }
  }
}
