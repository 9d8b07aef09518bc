/**
 * `/v1/subscription_items` (docs.stripe.com/api/subscription_items): the list "requires `subscription`"
 * (400 parameter_missing without it). Items have no events of their own: every change is announced as
 * customer.subscription.updated on the parent, whose `previous_attributes.items` holds the old embedded
 * list. Since basil each item carries its own `current_period_start/end`. A subscription keeps at least
 * one item, and a price appears on it at most once.
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { int, metadata, str } from '../params.js';
import { allowOnly, planFromPrice, publicPrice, resolvePrice } from './pricing.js';
import { cannot, taxRateObjects } from './shared.js';
import { saveSubscription } from './subscriptionLifecycle.js';

export const EMBEDDED_ITEMS = 10;

/** The `items` list as the subscription embeds it (newest first, 10, has_more, url). */
export function itemsList(ctx: MutationContext, subId: string): Record<string, unknown> {
  // Read-only views: the list only goes into previous_attributes and comparisons.
  const all = ctx.viewBy('subscription_items', 'subscription', subId).reverse();
  return {
    object: 'list',
    data: all.slice(0, EMBEDDED_ITEMS),
    has_more: all.length > EMBEDDED_ITEMS,
    url: `/v1/subscription_items?subscription=${subId}`,
  };
}

export function liveItems(ctx: MutationContext, subId: string): StripeObject[] {
  return ctx.findBy('subscription_items', 'subscription', subId);
}

/** The live items as read-only views (see MutationContext.view), for code that only reads them. */
export function liveItemViews(ctx: MutationContext, subId: string): StripeObject[] {
  return ctx.viewBy('subscription_items', 'subscription', subId);
}

/** A new item for `sub` from an item spec (`price` | `plan` | `price_data`, quantity, metadata, tax_rates). */
export function buildItem(
  ctx: MutationContext,
  sub: { id: string; currency?: string | null },
  spec: FormParams,
  param: string,
  period: { start: number; end: number },
): StripeObject {
  const price = resolvePrice(ctx, spec, param, {
    recurring: true,
    required: true,
    currency: sub.currency ?? undefined,
  })!;
  const quantity = int(spec, 'quantity', { min: 0 }) ?? 1;
  return Object.assign(ctx.template('subscription_item'), {
    id: ctx.newId('si', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: ctx.now,
    current_period_end: period.end,
    current_period_start: period.start,
    current_trial: null,
    discounts: [],
    metadata: metadata(spec),
    plan: planFromPrice(ctx, price),
    price: publicPrice(price),
    quantity,
    subscription: sub.id,
    tax_rates: taxRateObjects(ctx, spec.tax_rates, `${param}[tax_rates]`) ?? [],
  });
}

/** Apply an item update spec (price, quantity, metadata, tax_rates) to an existing item. */
export function changeItem(
  ctx: MutationContext,
  item: StripeObject,
  spec: FormParams,
  param: string,
  currency: string,
): StripeObject {
  const next: StripeObject = { ...item, metadata: metadata(spec, item.metadata as Record<string, string>) };
  if (spec.price !== undefined || spec.plan !== undefined || spec.price_data !== undefined) {
    const price = resolvePrice(ctx, spec, param, { recurring: true, currency })!;
    next.price = publicPrice(price);
    next.plan = planFromPrice(ctx, price);
  }
  const quantity = int(spec, 'quantity', { min: 0 });
  if (quantity !== undefined) next.quantity = quantity;
  const rates = taxRateObjects(ctx, spec.tax_rates, `${param}[tax_rates]`);
  if (rates) next.tax_rates = rates;
  return next;
}

export function assertDistinctPrices(items: readonly StripeObject[]): void {
  const seen = new Set<string>();
  for (const it of items) {
    const id = String((it.price as StripeObject).id);
    if (seen.has(id)) {
      throw invalidRequest(
        'Cannot add multiple subscription items with the same price to the same subscription. Consider updating the quantity of the existing subscription item instead.',
        'items',
      );
    }
    seen.add(id);
  }
}

const ITEM_PARAMS = [
  'billing_thresholds',
  'current_trial',
  'discounts',
  'metadata',
  'payment_behavior',
  'plan',
  'price',
  'price_data',
  'proration_behavior',
  'proration_date',
  'quantity',
  'tax_rates',
];

function editableSubscription(ctx: MutationContext, id: string, param: string): StripeObject {
  const sub = ctx.require('subscriptions', id, param);
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw cannot('A canceled subscription can only update its cancellation_details and metadata.', param);
  }
  return sub;
}

export const subscriptionItems: ResourceDef = {
  name: 'subscription_items',
  object: 'subscription_item',
  idPrefix: 'si',
  idLength: 14,
  path: '/v1/subscription_items',
  operations: { list: true, retrieve: true, create: true, update: true, del: true },
  createdFilter: false,
  indexedFields: ['subscription'],
  listParams: { subscription: { required: true } },
  permission: 'subscriptions',

  create(ctx, params) {
    allowOnly(params, [...ITEM_PARAMS, 'subscription']);
    const subId = str(params, 'subscription');
    if (!subId) throw parameterMissing('subscription');
    const sub = editableSubscription(ctx, subId, 'subscription');
    const prevItems = itemsList(ctx, sub.id);
    const first = liveItems(ctx, sub.id)[0];
    const period = first
      ? { start: Number(first.current_period_start), end: Number(first.current_period_end) }
      : { start: ctx.now, end: ctx.now };
    const item = buildItem(
      ctx,
      { id: sub.id, currency: sub.currency as string },
      params,
      'subscription_item',
      period,
    );
    assertDistinctPrices([...liveItems(ctx, sub.id), item]);
    ctx.insert('subscription_items', item);
    saveSubscription(ctx, sub, prevItems);
    return item;
  },

  update(ctx, current, params) {
    allowOnly(params, [...ITEM_PARAMS, 'off_session']);
    const sub = editableSubscription(ctx, String(current.subscription), 'subscription');
    const prevItems = itemsList(ctx, sub.id);
    const next = changeItem(ctx, current, params, 'subscription_item', String(sub.currency));
    assertDistinctPrices(liveItems(ctx, sub.id).map((it) => (it.id === next.id ? next : it)));
    // Stored here so the parent's customer.subscription.updated already shows the new item.
    ctx.save('subscription_items', next);
    saveSubscription(ctx, sub, prevItems);
    return next;
  },

  del(ctx, current) {
    const sub = editableSubscription(ctx, String(current.subscription), 'subscription');
    if (liveItems(ctx, sub.id).length <= 1) {
      throw invalidRequest(
        'A subscription must have at least one active plan. To cancel a subscription, please use the cancel API endpoint on /v1/subscriptions.',
        'subscription',
      );
    }
    const prevItems = itemsList(ctx, sub.id);
    ctx.remove('subscription_items', current.id);
    saveSubscription(ctx, sub, prevItems);
    return { id: current.id, object: 'subscription_item', deleted: true };
  },
};
