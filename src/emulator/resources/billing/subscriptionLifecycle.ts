/**
 * What happens to a subscription over time (docs.stripe.com/billing/subscriptions/overview): each period
 * is billed by an invoice (`subscription_create`, then `subscription_cycle`), collected automatically or
 * sent; a paid invoice makes an incomplete / past_due subscription active again, a failed renewal makes
 * it past_due. Stripe does renewals and dunning by itself, without an API request; the emulator-only
 * `renewSubscription` and `setSubscriptionStatus` let the seed generator act them out with the events a
 * real account receives.
 */

import { invalidRequest } from '../../apiError.js';
import { previousAttributes } from '../../context.js';
import type { MutationContext, StripeObject } from '../../resource.js';
import { ZERO_DECIMAL_CURRENCIES } from '../payments/fees.js';
import { activeDiscounts, type DiscountRef, spendOnce } from './discounts.js';
import { finalizeInvoice, markUncollectible, payInvoice, voidInvoice } from './invoiceActions.js';
import { lineFromSubscriptionItem } from './invoiceLines.js';
import { attachInvoiceItem, createDraftInvoice, pendingItems } from './invoices.js';
import { amountFor, periodEnd, recurringOf, storedPrice } from './pricing.js';
import { itemsList, liveItemViews } from './subscriptionItems.js';
import { advanceSchedule } from './subscriptionSchedules.js';

export type SubscriptionStatus =
  | 'active'
  | 'canceled'
  | 'incomplete'
  | 'incomplete_expired'
  | 'past_due'
  | 'paused'
  | 'trialing'
  | 'unpaid';

const HIDDEN = ['_prices', '_current_period_start', '_current_period_end', '_creating', '_discounts'];

/** Refresh the hidden fields the list filters use (`price`/`plan`, `current_period_*`). */
export function withItemIndex(ctx: MutationContext, sub: StripeObject): StripeObject {
  const items = liveItemViews(ctx, sub.id);
  const first = items[0];
  return {
    ...sub,
    _prices: ` ${items.map((it) => (it.price as StripeObject).id).join(' ')} `,
    _current_period_start: first ? first.current_period_start : null,
    _current_period_end: first ? first.current_period_end : null,
  };
}

/**
 * Store a subscription and announce the change as customer.subscription.updated, with the old embedded
 * `items` list in previous_attributes when the items changed, followed by any specific events
 * (customer.subscription.paused…). Nothing changed → no event.
 */
export function saveSubscription(
  ctx: MutationContext,
  next: StripeObject,
  prevItems?: Record<string, unknown>,
  ...types: string[]
): StripeObject {
  // No event is kept now (seeded history before the retention window): skip reading and diffing.
  const recording = ctx.recordsEvents();
  const stored = recording ? ctx.view('subscriptions', next.id) : undefined;
  const indexed = withItemIndex(ctx, next);
  ctx.save('subscriptions', indexed, { emit: false });
  if (indexed._creating || !recording) return indexed;
  const prev = stored ? previousAttributes(stored, indexed) : {};
  for (const h of HIDDEN) delete prev[h];
  if (prevItems && JSON.stringify(prevItems) !== JSON.stringify(itemsList(ctx, next.id)))
    prev.items = prevItems;
  if (Object.keys(prev).length > 0) ctx.emit('customer.subscription.updated', indexed, prev);
  for (const t of types) ctx.emit(t, indexed);
  return indexed;
}

function money(amount: number, currency: string): string {
  const symbol: Record<string, string> = { usd: '$', eur: '€', gbp: '£', jpy: '¥' };
  const value = ZERO_DECIMAL_CURRENCIES.has(currency) ? String(amount) : (amount / 100).toFixed(2);
  return symbol[currency] ? `${symbol[currency]}${value}` : `${value} ${currency.toUpperCase()}`;
}

/** Stripe's line text: "1 × Pro (at $20.00 / month)", or "Trial period for Pro". */
function lineDescription(ctx: MutationContext, item: StripeObject, trial: boolean): string {
  const price = item.price as StripeObject;
  const product = ctx.view('products', String(price.product));
  const name = (product?.name as string | undefined) ?? String(price.product);
  if (trial) return `Trial period for ${name}`;
  const r = recurringOf(price);
  const every = r.interval_count === 1 ? r.interval : `${r.interval_count} ${r.interval}s`;
  const unit =
    price.unit_amount === null
      ? ''
      : ` (at ${money(Number(price.unit_amount), String(price.currency))} / ${every})`;
  return `${String(item.quantity ?? 1)} × ${name}${unit}`;
}

export interface BillOptions {
  reason: 'subscription_create' | 'subscription_cycle' | 'subscription_update';
  period: { start: number; end: number };
  trial: boolean;
  /** Share of a full period billed (a first period cut short by `billing_cycle_anchor`); default 1. */
  fraction?: number;
  /** Leave the invoice open without trying to collect (payment_behavior=default_incomplete). */
  collect?: boolean;
  /** Emulator-only: the collection attempt is declined. */
  decline?: boolean;
  /** Leave the invoice a draft (pause_collection behavior keep_as_draft). */
  finalize?: boolean;
  /** The subscription's discounts in force for this invoice. */
  discounts?: DiscountRef[];
}

/**
 * Bill one period of a subscription: invoice (with pending items), finalize, then collect it (charge
 * automatically) or leave it to be paid. `beforeCollect` runs once the invoice is final — the caller points
 * `latest_invoice` at it there, so payment hooks see the subscription's current invoice. Returns the
 * invoice as stored, read-only (see MutationContext.view).
 */
export function billPeriod(
  ctx: MutationContext,
  sub: StripeObject,
  opts: BillOptions,
  beforeCollect?: (invoice: StripeObject) => void,
): StripeObject {
  // Read-only: the draft copies the customer's details; changes to it are spreads (`{ ...customer, … }`).
  const customer = ctx.requireView('customers', String(sub.customer), 'customer');
  const invoice = createDraftInvoice(
    ctx,
    customer,
    {
      billingReason: opts.reason,
      collectionMethod: String(sub.collection_method),
      daysUntilDue: (sub.days_until_due as number | null) ?? undefined,
      currency: String(sub.currency),
      description: (sub.description as string | null) ?? null,
      defaultPaymentMethod: (sub.default_payment_method as string | null) ?? null,
      defaultTaxRates: (sub.default_tax_rates as StripeObject[] | null) ?? [],
      subscription: { id: sub.id, metadata: (sub.metadata as Record<string, string>) ?? {} },
      period: opts.reason === 'subscription_cycle' ? undefined : { start: ctx.now, end: ctx.now },
      discounts: opts.discounts,
    },
    (inv) => {
      for (const ii of pendingItems(ctx, customer.id, sub.id)) {
        if (ii.currency === inv.currency) attachInvoiceItem(ctx, inv, ii);
      }
      for (const item of liveItemViews(ctx, sub.id)) {
        const full = amountFor(storedPrice(ctx, item.price as StripeObject), Number(item.quantity ?? 1));
        const amount = opts.trial ? 0 : Math.round(full * (opts.fraction ?? 1));
        lineFromSubscriptionItem(ctx, inv, item, amount, opts.period, lineDescription(ctx, item, opts.trial));
      }
    },
  );
  if (opts.finalize === false) {
    beforeCollect?.(invoice);
    return invoice;
  }
  let inv = finalizeInvoice(ctx, invoice);
  beforeCollect?.(inv);
  if (inv.status === 'open' && sub.collection_method === 'charge_automatically' && opts.collect !== false) {
    inv = payInvoice(ctx, inv, { decline: opts.decline });
  }
  // As stored (payment hooks may have changed it), read-only: callers read its status.
  return ctx.view('invoices', inv.id) ?? inv;
}

/** The subscription's current period (from its first item). */
export function currentPeriod(ctx: MutationContext, sub: StripeObject): { start: number; end: number } {
  const first = liveItemViews(ctx, sub.id)[0];
  return first
    ? { start: Number(first.current_period_start), end: Number(first.current_period_end) }
    : { start: ctx.now, end: ctx.now };
}

export interface CancelOptions {
  comment?: string | null;
  feedback?: string | null;
  reason?: string;
  /** When the subscription ended (period end for cancel_at_period_end); defaults to now. */
  at?: number;
}

/** End a subscription: status canceled, customer.subscription.deleted (it stays listable with status=all). */
export function cancelSubscriptionNow(
  ctx: MutationContext,
  sub: StripeObject,
  opts: CancelOptions,
): StripeObject {
  const at = opts.at ?? ctx.now;
  const details = (sub.cancellation_details as Record<string, unknown> | null) ?? {};
  const next: StripeObject = {
    ...sub,
    cancel_at: sub.cancel_at ?? null,
    canceled_at: sub.canceled_at ?? at,
    cancellation_details: {
      comment: opts.comment !== undefined ? opts.comment : (details.comment ?? null),
      feedback: opts.feedback !== undefined ? opts.feedback : (details.feedback ?? null),
      feedback_option: details.feedback_option ?? null,
      reason: opts.reason ?? 'cancellation_requested',
    },
    ended_at: at,
    status: 'canceled',
  };
  const stored = withItemIndex(ctx, next);
  ctx.save('subscriptions', stored, { emit: false });
  ctx.emit('customer.subscription.deleted', stored);
  return stored;
}

/** A paid subscription invoice revives an incomplete / past_due / unpaid subscription. */
export function onInvoicePaid(ctx: MutationContext, invoice: StripeObject): void {
  const sub = subscriptionOf(ctx, invoice);
  if (!sub || sub._creating) return;
  if (
    ['incomplete', 'past_due', 'unpaid'].includes(String(sub.status)) &&
    sub.latest_invoice === invoice.id
  ) {
    saveSubscription(ctx, { ...sub, status: 'active' });
  }
}

/** A failed renewal makes the subscription past_due (Stripe's default before retries run out). */
export function onInvoicePaymentFailed(ctx: MutationContext, invoice: StripeObject): void {
  const sub = subscriptionOf(ctx, invoice);
  if (!sub || sub._creating) return;
  if (
    invoice.billing_reason !== 'subscription_create' &&
    (sub.status === 'active' || sub.status === 'trialing')
  ) {
    saveSubscription(ctx, { ...sub, status: 'past_due' });
  }
}

function subscriptionOf(ctx: MutationContext, invoice: StripeObject): StripeObject | undefined {
  const id = (invoice.parent as { subscription_details?: { subscription: string } | null } | null)
    ?.subscription_details?.subscription;
  // Read-only: callers store changes as spreads.
  return id ? ctx.view('subscriptions', id) : undefined;
}

/**
 * Emulator-only: what Stripe does at the end of a period. A subscription set to cancel then ends
 * (customer.subscription.deleted); otherwise its items move to the next period (customer.subscription.updated
 * with the old items in previous_attributes), a trial that ended becomes active, and a `subscription_cycle`
 * invoice is created and collected — declined when `fail` is set (the subscription goes past_due).
 * Paused collection keeps the invoice as a draft, voids it or marks it uncollectible. Returns the
 * subscription (read-only after a renewal, see MutationContext.view), or undefined when it cannot renew
 * (canceled, incomplete).
 */
export function renewSubscription(
  ctx: MutationContext,
  id: string,
  opts: { fail?: boolean } = {},
): StripeObject | undefined {
  // Read-only views of the subscription and its items: every change below is stored as a spread copy.
  const before = ctx.view('subscriptions', id);
  if (!before) throw invalidRequest(`No such subscription: '${id}'`, 'id');
  if (['canceled', 'incomplete', 'incomplete_expired', 'paused'].includes(String(before.status)))
    return undefined;
  const period = currentPeriod(ctx, before);
  const cancelAt = before.cancel_at as number | null;
  if (before.cancel_at_period_end === true || (cancelAt !== null && cancelAt <= period.end)) {
    return cancelSubscriptionNow(ctx, before, { at: cancelAt ?? period.end });
  }
  // A schedule may move the subscription into its next phase, or end it, at this boundary.
  if (!advanceSchedule(ctx, before, period.end)) return ctx.get('subscriptions', id);
  const sub = ctx.view('subscriptions', id)!;
  const trialOver = sub.status === 'trialing' && Number(sub.trial_end) <= period.end;
  const first = liveItemViews(ctx, sub.id)[0];
  const r = recurringOf(first!.price as StripeObject);
  const next = {
    start: period.end,
    end: periodEnd(period.end, r.interval, r.interval_count, Number(sub.billing_cycle_anchor)),
  };
  const prevItems = itemsList(ctx, sub.id);
  for (const item of liveItemViews(ctx, sub.id)) {
    ctx.save('subscription_items', {
      ...item,
      current_period_start: next.start,
      current_period_end: next.end,
    });
  }
  const trialing = sub.status === 'trialing' && !trialOver;
  const pause = sub.pause_collection as { behavior: string } | null;
  const invoice = billPeriod(
    ctx,
    sub,
    {
      reason: 'subscription_cycle',
      period: next,
      trial: trialing,
      collect: pause === null,
      finalize: pause?.behavior !== 'keep_as_draft',
      decline: opts.fail,
      discounts: activeDiscounts(sub._discounts as DiscountRef[] | undefined, ctx.now),
    },
    (inv) => {
      // One customer.subscription.updated for the new period: items, latest_invoice, an ended trial.
      const discounts = spendOnce(ctx, activeDiscounts(sub._discounts as DiscountRef[] | undefined, ctx.now));
      const stillOn = discounts.filter((d) => !d.used);
      saveSubscription(
        ctx,
        {
          ...sub,
          status: trialOver ? 'active' : sub.status,
          latest_invoice: inv.id,
          _discounts: stillOn,
          discounts: stillOn.map((d) => d.id),
        },
        prevItems,
      );
    },
  );
  if (pause && invoice.status === 'open') {
    if (pause.behavior === 'void') voidInvoice(ctx, invoice);
    else if (pause.behavior === 'mark_uncollectible') markUncollectible(ctx, invoice);
  }
  return ctx.view('subscriptions', id);
}

/**
 * Emulator-only: move a subscription to a status Stripe reaches by itself (dunning, trial without a
 * payment method, expiry of an incomplete first payment), with coherent fields and events:
 * - past_due / unpaid: the latest invoice stays open; customer.subscription.updated.
 * - paused (trial ended without a payment method): customer.subscription.paused; active again → .resumed.
 * - incomplete_expired: the unpaid first invoice is voided.
 * - canceled: as if canceled now (customer.subscription.deleted).
 */
export function setSubscriptionStatus(
  ctx: MutationContext,
  id: string,
  status: SubscriptionStatus,
): StripeObject {
  const sub = ctx.get('subscriptions', id);
  if (!sub) throw invalidRequest(`No such subscription: '${id}'`, 'id');
  if (sub.status === status) return sub;
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw invalidRequest(`Subscription ${id} has ended (${String(sub.status)}).`, 'status');
  }
  switch (status) {
    case 'canceled':
      return cancelSubscriptionNow(ctx, sub, { reason: 'payment_failed' });
    case 'incomplete_expired': {
      const latest =
        typeof sub.latest_invoice === 'string' ? ctx.get('invoices', sub.latest_invoice) : undefined;
      if (latest?.status === 'open') voidInvoice(ctx, latest);
      return saveSubscription(ctx, { ...ctx.get('subscriptions', id)!, status, ended_at: ctx.now });
    }
    case 'paused':
      return saveSubscription(ctx, { ...sub, status }, undefined, 'customer.subscription.paused');
    default: {
      const resumed = sub.status === 'paused' && status === 'active';
      return saveSubscription(
        ctx,
        { ...sub, status },
        undefined,
        ...(resumed ? ['customer.subscription.resumed'] : []),
      );
    }
  }
}
