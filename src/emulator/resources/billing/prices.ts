/**
 * `/v1/prices` (docs.stripe.com/api/prices). The list "returns a list of your active prices, excluding
 * inline prices. For the list of inactive prices, set active to false" — inline prices (made from
 * `price_data`) are never listed, though they retrieve. Prices cannot be deleted through the API; a
 * recurring price is also a plan (`/v1/plans` is the older view of the same objects), so creating or
 * changing one mirrors into `plans` with its own plan.* events. `tiers` is includable (`expand[]=tiers`).
 */
import { invalidRequest } from '../../apiError.js';
import type { FormValue } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { bool, metadata, nullableStr, oneOf } from '../params.js';
import { allowOnly, buildPrice, planFromPrice } from './pricing.js';
import { nestedParam, oneOfParam } from './shared.js';

const CREATE_PARAMS = [
  'active',
  'billing_scheme',
  'currency',
  'currency_options',
  'custom_unit_amount',
  'lookup_key',
  'metadata',
  'nickname',
  'product',
  'product_data',
  'recurring',
  'tax_behavior',
  'tiers',
  'tiers_mode',
  'transfer_lookup_key',
  'transform_quantity',
  'unit_amount',
  'unit_amount_decimal',
];

/** Lookup keys are unique per account; `transfer_lookup_key` moves one from the price holding it. */
function claimLookupKey(ctx: MutationContext, key: string, transfer: boolean, self?: string): void {
  for (const holder of ctx.findBy('prices', 'lookup_key', key)) {
    if (holder.id === self) continue;
    if (!transfer) {
      throw invalidRequest(
        `A price (\`${holder.id}\`) already uses that lookup key. Use \`transfer_lookup_key\` to move it to this price.`,
        'lookup_key',
      );
    }
    ctx.save('prices', { ...holder, lookup_key: null });
  }
}

/** Store a new (non-inline) price: price.created, plus its plan twin when recurring. */
export function storePrice(
  ctx: MutationContext,
  price: StripeObject,
  opts: { mirror?: boolean } = {},
): StripeObject {
  ctx.insert('prices', price);
  if (price.type === 'recurring' && opts.mirror !== false) ctx.insert('plans', planFromPrice(ctx, price));
  return price;
}

/** Keep a recurring price's plan twin in step (plan.updated). */
export function mirrorToPlan(ctx: MutationContext, price: StripeObject): void {
  const plan = ctx.get('plans', price.id);
  if (plan)
    ctx.save('plans', { ...plan, active: price.active, metadata: price.metadata, nickname: price.nickname });
}

function activeFilter(value: FormValue) {
  if (value !== 'true' && value !== 'false')
    throw invalidRequest(`Invalid boolean: ${String(value)}`, 'active');
  const want = value === 'true';
  return (f: Record<string, unknown>) => f.active === want && f._inline !== true;
}

export const prices: ResourceDef = {
  name: 'prices',
  readMostly: true,
  object: 'price',
  idPrefix: 'price',
  path: '/v1/prices',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: [
    'active',
    'currency',
    'type',
    'recurring.interval',
    'recurring.usage_type',
    'recurring.meter',
    '_inline',
  ],
  indexedFields: ['product', 'lookup_key'],
  hiddenFields: ['_inline'],
  includableFields: ['tiers'],
  listParams: {
    active: { test: activeFilter },
    currency: {},
    product: {},
    type: { enum: ['one_time', 'recurring'] },
    recurring: nestedParam('recurring', { interval: 'string', usage_type: 'string', meter: 'string' }),
    lookup_keys: oneOfParam('lookup_key'),
  },
  defaultListFilter: { overriddenBy: ['active'], test: (f) => f.active === true && f._inline !== true },
  expandable: { product: ['products'] },
  events: { created: 'price.created', updated: 'price.updated', deleted: 'price.deleted' },
  permission: 'prices',

  create(ctx, params) {
    allowOnly(params, CREATE_PARAMS);
    const price = buildPrice(ctx, params, { inline: false });
    const key = price.lookup_key as string | null;
    if (key) claimLookupKey(ctx, key, bool(params, 'transfer_lookup_key') ?? false);
    return storePrice(ctx, price);
  },

  update(ctx, current, params) {
    allowOnly(params, [
      'active',
      'currency_options',
      'lookup_key',
      'metadata',
      'nickname',
      'tax_behavior',
      'transfer_lookup_key',
    ]);
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    const active = bool(params, 'active');
    if (active !== undefined) next.active = active;
    const nickname = nullableStr(params, 'nickname');
    if (nickname !== undefined) next.nickname = nickname;
    const key = nullableStr(params, 'lookup_key');
    if (key) claimLookupKey(ctx, key, bool(params, 'transfer_lookup_key') ?? false, current.id);
    if (key !== undefined) next.lookup_key = key;
    const tb = oneOf(params, 'tax_behavior', ['exclusive', 'inclusive', 'unspecified'] as const);
    if (tb !== undefined) {
      // "Once specified as either inclusive or exclusive, it cannot be changed."
      if (current.tax_behavior !== 'unspecified' && tb !== current.tax_behavior) {
        throw invalidRequest('The tax_behavior of a price cannot be changed once it is set.', 'tax_behavior');
      }
      next.tax_behavior = tb;
    }
    // Saved here (the emulator's own save then finds nothing changed) so price.updated precedes the
    // plan twin's plan.updated.
    if (JSON.stringify(next) !== JSON.stringify(current)) {
      ctx.save('prices', next);
      if (next.type === 'recurring') mirrorToPlan(ctx, next);
    }
    return next;
  },
};
