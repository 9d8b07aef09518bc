/**
 * Prorations (docs.stripe.com/billing/subscriptions/prorations): a mid-period change of an active
 * subscription credits the unused time of what it had ("Unused time on …", negative) and charges the
 * remaining time of what it has now ("Remaining time on …"), as pending invoice items with
 * `proration: true` that the next invoice picks up — or an invoice right away (`always_invoice`,
 * `invoice_now`).
 */
import type { MutationContext, StripeObject } from '../../resource.js';
import { finalizeInvoice, payInvoice } from './invoiceActions.js';
import { attachInvoiceItem, createDraftInvoice, pendingItems } from './invoices.js';
import { amountFor, storedPrice } from './pricing.js';
import { currentPeriod } from './subscriptionLifecycle.js';

export interface ItemChange {
  before: StripeObject | null;
  after: StripeObject | null;
}

function productName(ctx: MutationContext, price: StripeObject): string {
  return (ctx.get('products', String(price.product))?.name as string | undefined) ?? String(price.product);
}

function dateText(at: number): string {
  return new Date(at * 1000).toISOString().slice(0, 10);
}

/** A proration invoice item for the rest of the period (negative = credit for unused time). */
export function prorationItem(
  ctx: MutationContext,
  sub: StripeObject,
  item: StripeObject,
  fraction: number,
  credit: boolean,
  end: number,
): void {
  const price = storedPrice(ctx, item.price as StripeObject);
  const qty = Number(item.quantity ?? 1);
  const amount = Math.round(amountFor(price, qty) * fraction) * (credit ? -1 : 1);
  if (amount === 0) return;
  const what = `${qty} × ${productName(ctx, price)}`;
  const ii: StripeObject = Object.assign(ctx.template('invoiceitem'), {
    id: ctx.newId('ii'),
    object: 'invoiceitem',
    amount,
    currency: sub.currency,
    customer: sub.customer,
    customer_account: null,
    date: ctx.now,
    description: `${credit ? 'Unused time on' : 'Remaining time on'} ${what} after ${dateText(ctx.now)}`,
    discountable: false,
    discounts: [],
    invoice: null,
    livemode: ctx.livemode,
    metadata: {},
    net_amount: amount,
    parent: {
      subscription_details: { subscription: sub.id, subscription_item: item.id },
      type: 'subscription_details',
    },
    period: { start: ctx.now, end },
    pricing: {
      price_details: { price: price.id, product: price.product },
      type: 'price_details',
      unit_amount_decimal: price.unit_amount_decimal,
    },
    proration: true,
    quantity: qty,
    quantity_decimal: String(qty),
    tax_rates: [],
    test_clock: sub.test_clock ?? null,
  });
  ctx.insert('invoice_items', ii);
}

/** Bill the subscription's pending items now (`always_invoice`, `invoice_now`). */
export function invoicePending(
  ctx: MutationContext,
  sub: StripeObject,
  reason: string,
): StripeObject | undefined {
  const customer = ctx.require('customers', String(sub.customer), 'customer');
  const pending = pendingItems(ctx, customer.id, sub.id).filter((ii) => ii.currency === sub.currency);
  if (pending.length === 0) return undefined;
  const draft = createDraftInvoice(
    ctx,
    customer,
    {
      billingReason: reason,
      collectionMethod: String(sub.collection_method),
      daysUntilDue: (sub.days_until_due as number | null) ?? undefined,
      currency: String(sub.currency),
      defaultPaymentMethod: (sub.default_payment_method as string | null) ?? null,
      defaultTaxRates: (sub.default_tax_rates as StripeObject[] | null) ?? [],
      subscription: { id: sub.id, metadata: (sub.metadata as Record<string, string>) ?? {} },
    },
    (inv) => {
      for (const ii of pending) attachInvoiceItem(ctx, inv, ii);
    },
  );
  const inv = finalizeInvoice(ctx, draft);
  return inv.status === 'open' && sub.collection_method === 'charge_automatically'
    ? payInvoice(ctx, inv)
    : inv;
}

export function prorate(ctx: MutationContext, sub: StripeObject, changes: ItemChange[]): void {
  const period = currentPeriod(ctx, sub);
  const length = period.end - period.start;
  const fraction = length > 0 ? Math.max(0, (period.end - ctx.now) / length) : 0;
  if (fraction === 0) return;
  for (const c of changes) {
    const same =
      c.before &&
      c.after &&
      JSON.stringify(c.before.price) === JSON.stringify(c.after.price) &&
      c.before.quantity === c.after.quantity;
    if (same) continue;
    if (c.before) prorationItem(ctx, sub, c.before, fraction, true, period.end);
    if (c.after) prorationItem(ctx, sub, c.after, fraction, false, period.end);
  }
}
