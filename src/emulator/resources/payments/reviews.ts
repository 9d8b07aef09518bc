/**
 * Radar reviews (`prv_…`, docs.stripe.com/api/radar/reviews). Stripe opens them itself — for payments
 * with an elevated risk level (test card `pm_card_riskLevelElevated`) or by a review rule — and clients
 * can only list, retrieve and approve them. The list "Returns a list of Review objects that have open
 * set to true" (stripe-node ReviewResource.list), with no parameter to see closed ones.
 *
 * `createReview` is the emulator's control-free way in (the seed uses it); refunds and disputes close
 * open reviews the way Stripe does (`closed_reason` refunded / refunded_as_fraud / disputed).
 */
import { invalidRequest } from '../../apiError.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { allowParams, refId, saveWithEvent } from './shared.js';

export interface ReviewOptions {
  /** `rule` (a Radar rule) or `manual` (placed in review from the Dashboard). */
  openedReason?: 'rule' | 'manual';
  reason?: string;
  ipAddress?: string | null;
}

/** Opens a review on a charge (or on a payment intent's latest charge). */
export function createReview(
  ctx: MutationContext,
  chargeOrPaymentIntent: string,
  opts: ReviewOptions = {},
): StripeObject {
  let chargeId = chargeOrPaymentIntent;
  if (chargeOrPaymentIntent.startsWith('pi_')) {
    const pi = ctx.require('payment_intents', chargeOrPaymentIntent, 'payment_intent');
    const latest = refId(pi.latest_charge);
    if (!latest) throw invalidRequest(`PaymentIntent ${pi.id} has no charge to review.`, 'payment_intent');
    chargeId = latest;
  }
  const charge = ctx.require('charges', chargeId, 'charge');
  if (charge.review) throw invalidRequest(`Charge ${charge.id} already has a review.`, 'charge');
  const openedReason = opts.openedReason ?? 'rule';
  const paymentIntent = refId(charge.payment_intent);
  const billing = (charge.billing_details ?? {}) as { address?: { postal_code?: string | null } | null };
  const review: StripeObject = Object.assign(ctx.template('review'), {
    id: ctx.newId('prv'),
    object: 'review',
    billing_zip: billing.address?.postal_code ?? null,
    charge: charge.id,
    closed_reason: null,
    created: ctx.now,
    ip_address: opts.ipAddress ?? null,
    ip_address_location: null,
    livemode: ctx.livemode,
    open: true,
    opened_reason: openedReason,
    reason: opts.reason ?? openedReason,
    session: null,
  });
  if (paymentIntent) review.payment_intent = paymentIntent;
  ctx.insert('reviews', review);
  ctx.save('charges', { ...charge, review: review.id }, { emit: false });
  const pi = paymentIntent ? ctx.get('payment_intents', paymentIntent) : undefined;
  if (pi) ctx.save('payment_intents', { ...pi, review: review.id }, { emit: false });
  return review;
}

/** Closes the charge's open review, if any (`review.closed`). */
export function closeReviewOf(ctx: MutationContext, chargeId: string, closedReason: string): void {
  const charge = ctx.get('charges', chargeId);
  const reviewId = charge ? refId(charge.review) : null;
  const review = reviewId ? ctx.get('reviews', reviewId) : undefined;
  if (!review?.open) return;
  saveWithEvent(
    ctx,
    'reviews',
    { ...review, open: false, reason: closedReason, closed_reason: closedReason },
    'review.closed',
  );
}

export const reviews: ResourceDef = {
  name: 'reviews',
  object: 'review',
  idPrefix: 'prv',
  path: '/v1/reviews',
  operations: { list: true, retrieve: true },
  createdFilter: true,
  filterFields: ['open'],
  indexedFields: ['charge'],
  defaultListFilter: { overriddenBy: [], test: (f) => f.open === true },
  expandable: { charge: ['charges'], payment_intent: ['payment_intents'] },
  events: { created: 'review.opened' },
  permission: 'reviews',
  actions: [
    {
      path: '/v1/reviews/:id/approve',
      handle(ctx, current, params) {
        allowParams(params, []);
        if (!current.open)
          throw invalidRequest(
            `This review (${current.id}) is already closed.`,
            undefined,
            'review_already_closed',
          );
        return saveWithEvent(
          ctx,
          'reviews',
          { ...current, open: false, reason: 'approved', closed_reason: 'approved' },
          'review.closed',
        );
      },
    },
  ],
};
