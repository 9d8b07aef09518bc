/**
 * The `item` line object shared by quotes and Checkout Sessions (`li_…`, docs.stripe.com/api/
 * checkout/sessions/line_items): a price, a quantity and its amounts. Items are reached only through
 * their parent (`/v1/quotes/{id}/line_items`, `/v1/checkout/sessions/{id}/line_items`), and the parent's
 * `line_items` is includable. The object names no parent, so the emulator keeps it in a hidden field.
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { arr, int } from '../params.js';
import { allowOnly, amountFor, publicPrice, recurringOf, resolvePrice } from './pricing.js';

export interface ItemSpec {
  price: StripeObject;
  quantity: number;
}

/** Parse `line_items[]` ({price | price_data, quantity}) into prices and quantities. */
export function parseLineItems(
  ctx: MutationContext,
  params: FormParams,
  param = 'line_items',
  extra: string[] = [],
): ItemSpec[] | undefined {
  const raw = arr(params, param) as FormParams[] | undefined;
  if (!raw) return undefined;
  return raw.map((spec, i) => {
    const p = `${param}[${i}]`;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw invalidRequest(`Invalid ${p}`, p);
    allowOnly(spec, ['discounts', 'price', 'price_data', 'quantity', 'tax_rates', ...extra], p);
    const price = resolvePrice(ctx, spec, p, { required: true })!;
    return { price, quantity: int(spec, 'quantity', { min: 0 }) ?? 1 };
  });
}

/** Every item in one currency (Stripe rejects mixed currencies). */
export function commonCurrency(items: readonly ItemSpec[], param: string): string | null {
  const currencies = new Set(items.map((i) => String(i.price.currency)));
  if (currencies.size > 1) throw invalidRequest('All line items must use the same currency.', param);
  return items[0] ? String(items[0].price.currency) : null;
}

export function requireItems(items: ItemSpec[] | undefined, param: string): ItemSpec[] {
  if (!items || items.length === 0) throw parameterMissing(param);
  return items;
}

/** Store one `item` under its parent (`parentField` is the hidden field holding the parent id). */
export function insertItem(
  ctx: MutationContext,
  resource: string,
  parentField: string,
  parentId: string,
  spec: ItemSpec,
): StripeObject {
  const product = ctx.get('products', String(spec.price.product));
  const subtotal = amountFor(spec.price, spec.quantity);
  const item: StripeObject = Object.assign(ctx.template('item'), {
    id: ctx.newId('li'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: subtotal,
    amount_tax: 0,
    amount_total: subtotal,
    currency: spec.price.currency,
    description: (product?.name as string | undefined) ?? null,
    metadata: {},
    price: publicPrice(spec.price),
    quantity: spec.quantity,
    [parentField]: parentId,
  });
  return ctx.insert(resource, item);
}

/** Totals of a set of items: what is due now, and per recurring period. */
export function itemTotals(items: readonly ItemSpec[]): {
  upfront: number;
  recurring: number;
  interval: { interval: string; interval_count: number } | null;
} {
  let upfront = 0;
  let recurring = 0;
  let interval: { interval: string; interval_count: number } | null = null;
  for (const it of items) {
    const amount = amountFor(it.price, it.quantity);
    upfront += amount;
    if (it.price.type === 'recurring') {
      recurring += amount;
      interval ??= recurringOf(it.price);
    }
  }
  return { upfront, recurring, interval };
}

function itemResource(
  name: string,
  parentResource: string,
  parentField: string,
  path: string,
  permission: string,
): ResourceDef {
  return {
    name,
    object: 'item',
    idPrefix: 'li',
    parent: { resource: parentResource, field: parentField, path },
    operations: {},
    createdFilter: false,
    indexedFields: [parentField],
    hiddenFields: [parentField],
    permission,
  };
}

export const quoteLineItems = itemResource(
  'quote_line_items',
  'quotes',
  '_quote',
  '/v1/quotes/:parent/line_items',
  'quotes',
);
export const checkoutSessionLineItems = itemResource(
  'checkout_session_line_items',
  'checkout_sessions',
  '_checkout_session',
  '/v1/checkout/sessions/:parent/line_items',
  'checkout_sessions',
);
