/**
 * Subscription actions (docs.stripe.com/api/subscriptions/cancel, /pause, /resume): canceling
 * (`DELETE /v1/subscriptions/{id}`) ends it at once with customer.subscription.deleted — it stays
 * retrievable and listable with `status=all`; `prorate` credits the unused time and `invoice_now` bills
 * what is pending. Pausing stops billing (customer.subscription.paused); resuming starts a new period now
 * with an invoice (customer.subscription.resumed), or keeps the old cycle with `billing_cycle_anchor=unchanged`.
 */
import type { FormParams } from '../../formBody.js';
import type { ActionDef, MutationContext, StripeObject } from '../../resource.js';
import { bool, nullableStr, obj, oneOf } from '../params.js';
import { activeDiscounts, type DiscountRef } from './discounts.js';
import { allowOnly, periodEnd, recurringOf } from './pricing.js';
import { invoicePending, prorationItem } from './prorations.js';
import { cannot } from './shared.js';
import { itemsList, liveItems } from './subscriptionItems.js';
import {
  billPeriod,
  cancelSubscriptionNow,
  currentPeriod,
  saveSubscription,
} from './subscriptionLifecycle.js';

function cancelAction(ctx: MutationContext, current: StripeObject, params: FormParams): StripeObject {
  allowOnly(params, ['cancellation_details', 'invoice_now', 'prorate']);
  if (current.status === 'canceled' || current.status === 'incomplete_expired') {
    throw cannot(`This subscription has already been canceled: ${current.id}`, 'subscription');
  }
  const cd = obj(params, 'cancellation_details') ?? {};
  allowOnly(cd, ['comment', 'feedback'], 'cancellation_details');
  if (bool(params, 'prorate') && current.status === 'active') {
    const period = currentPeriod(ctx, current);
    const length = period.end - period.start;
    const fraction = length > 0 ? Math.max(0, (period.end - ctx.now) / length) : 0;
    if (fraction > 0)
      for (const it of liveItems(ctx, current.id))
        prorationItem(ctx, current, it, fraction, true, period.end);
  }
  const canceled = cancelSubscriptionNow(ctx, current, {
    comment: nullableStr(cd, 'comment'),
    feedback: nullableStr(cd, 'feedback'),
  });
  if (bool(params, 'invoice_now')) {
    const inv = invoicePending(ctx, canceled, 'subscription_cycle');
    if (inv)
      return ctx.save(
        'subscriptions',
        { ...ctx.get('subscriptions', canceled.id)!, latest_invoice: inv.id },
        { emit: false },
      );
  }
  return ctx.get('subscriptions', canceled.id) ?? canceled;
}

function pauseAction(ctx: MutationContext, current: StripeObject, params: FormParams): StripeObject {
  allowOnly(params, ['bill_for', 'invoicing_behavior', 'type']);
  if (current.status !== 'active' && current.status !== 'trialing' && current.status !== 'past_due') {
    throw cannot(
      `Only active subscriptions can be paused; this one is ${String(current.status)}.`,
      'subscription',
    );
  }
  if (current.schedule) throw cannot('Cannot pause subscriptions with attached schedules.', 'subscription');
  return saveSubscription(ctx, { ...current, status: 'paused' }, undefined, 'customer.subscription.paused');
}

function resumeAction(ctx: MutationContext, current: StripeObject, params: FormParams): StripeObject {
  allowOnly(params, ['billing_cycle_anchor', 'payment_behavior', 'proration_behavior', 'proration_date']);
  if (current.status !== 'paused') throw cannot('Only paused subscriptions can be resumed.', 'subscription');
  if (current.collection_method !== 'charge_automatically') {
    throw cannot(
      'Resume is only available for subscriptions that use charge_automatically collection.',
      'subscription',
    );
  }
  const anchor = oneOf(params, 'billing_cycle_anchor', ['now', 'unchanged'] as const) ?? 'now';
  if (anchor === 'unchanged') {
    return saveSubscription(
      ctx,
      { ...current, status: 'active' },
      undefined,
      'customer.subscription.resumed',
    );
  }
  const prevItems = itemsList(ctx, current.id);
  const r = recurringOf(liveItems(ctx, current.id)[0]!.price as StripeObject);
  const period = { start: ctx.now, end: periodEnd(ctx.now, r.interval, r.interval_count) };
  for (const it of liveItems(ctx, current.id)) {
    ctx.save('subscription_items', {
      ...it,
      current_period_start: period.start,
      current_period_end: period.end,
    });
  }
  let sub = saveSubscription(
    ctx,
    { ...current, status: 'active', billing_cycle_anchor: ctx.now },
    prevItems,
    'customer.subscription.resumed',
  );
  billPeriod(
    ctx,
    sub,
    {
      reason: 'subscription_update',
      period,
      trial: false,
      discounts: activeDiscounts(sub._discounts as DiscountRef[] | undefined, ctx.now),
    },
    (inv) => {
      sub = saveSubscription(ctx, { ...ctx.get('subscriptions', sub.id)!, latest_invoice: inv.id });
    },
  );
  return ctx.get('subscriptions', sub.id) ?? sub;
}

export const SUBSCRIPTION_ACTIONS: ActionDef[] = [
  { path: '/v1/subscriptions/:id', method: 'DELETE', handle: cancelAction },
  { path: '/v1/subscriptions/:id/pause', handle: pauseAction },
  { path: '/v1/subscriptions/:id/resume', handle: resumeAction },
];
