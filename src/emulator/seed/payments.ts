/**
 * One-off payments and what follows them on a real account: PaymentIntents confirmed with a saved card
 * (→ charge → balance transaction with fee details), some captured later, some abandoned or canceled,
 * some declined (`tok_chargeDeclined`, docs.stripe.com/testing#declined-payments); then refunds (full and
 * partial), and what Stripe itself creates afterwards — Radar reviews, early fraud warnings, disputes.
 */
import type { Obj } from './api.js';
import type { CustomerRef } from './customers.js';
import type { StripeActs } from './stripeActs.js';
import { type Business, DAY, HOUR } from './world.js';

export interface PaymentOpts {
  amount: number;
  currency: string;
  customer?: CustomerRef;
  description: string;
  metadata?: Record<string, string>;
  /** Direct charge on a connected account: the platform's cut (creates an application fee). */
  applicationFee?: number;
  /** Destination charge from the platform: the connected account that receives the funds. */
  destination?: string;
  /** Make the payment succeed and be followed by this (showcases); otherwise chance decides. */
  aftermath?: Aftermath;
}

/** Odds of what happens to a payment; the platform and connected accounts share them. */
const OUTCOMES = [
  ['paid', 88],
  ['manual_capture', 4],
  ['declined', 4],
  ['abandoned', 2],
  ['canceled', 2],
] as const;

/** Take a payment now and schedule its aftermath. Returns the charge id when money moved. */
export async function takePayment(
  b: Business,
  acts: StripeActs,
  o: PaymentOpts,
): Promise<string | undefined> {
  const r = b.r;
  const outcome = o.aftermath ? 'paid' : o.customer?.pm ? r.weighted(OUTCOMES) : 'abandoned';
  const params: Record<string, unknown> = {
    amount: o.amount,
    currency: o.currency,
    description: o.description,
    metadata: o.metadata ?? { order_id: `ord_${b.label}_${r.chars(8)}` },
    payment_method_types: ['card'],
  };
  if (o.customer) params.customer = o.customer.id;
  if (o.applicationFee) params.application_fee_amount = o.applicationFee;
  if (o.destination) {
    params.transfer_data = { destination: o.destination };
    params.application_fee_amount = Math.round(o.amount * 0.1);
  }
  if (outcome === 'abandoned') {
    await b.post('/v1/payment_intents', params);
    return undefined;
  }
  if (outcome === 'declined') {
    const pm = await b.post('/v1/payment_methods', { type: 'card', card: { token: 'tok_chargeDeclined' } });
    await b.attempt('/v1/payment_intents', { ...params, payment_method: pm.id, confirm: true });
    return undefined;
  }
  params.payment_method = o.customer!.pm;
  params.confirm = true;
  if (outcome === 'manual_capture' || outcome === 'canceled') params.capture_method = 'manual';
  const pi = await b.post('/v1/payment_intents', params);
  if (outcome === 'canceled') {
    b.tl.after(r.int(1, 48) * HOUR, () =>
      b
        .post(`/v1/payment_intents/${pi.id}/cancel`, { cancellation_reason: 'requested_by_customer' })
        .then(() => {}),
    );
    return undefined;
  }
  const charge = chargeOf(pi);
  if (outcome === 'manual_capture') {
    b.tl.after(r.int(1, 72) * HOUR, () => b.post(`/v1/payment_intents/${pi.id}/capture`, {}).then(() => {}));
    return charge;
  }
  const connectFunds = o.applicationFee !== undefined || o.destination !== undefined;
  if (charge) await aftermath(b, acts, charge, o.amount, connectFunds, o.aftermath);
  return charge;
}

export function chargeOf(pi: Obj): string | undefined {
  const c = pi.latest_charge;
  if (typeof c === 'string') return c;
  if (c && typeof c === 'object' && 'id' in c) return String((c as { id: unknown }).id);
  return undefined;
}

export type Aftermath = 'none' | 'refund' | 'dispute' | 'early_fraud_warning' | 'review';

/** Refunds, reviews, early fraud warnings and disputes that follow some charges (or the one `forced`). */
export async function aftermath(
  b: Business,
  acts: StripeActs,
  charge: string,
  amount: number,
  connectFunds: boolean,
  forced?: Aftermath,
): Promise<void> {
  const r = b.r;
  const kind: Aftermath =
    forced ??
    r.weighted([
      ['refund', 50],
      ['dispute', 8],
      ['early_fraud_warning', 4],
      ['review', 8],
      ['none', 930],
    ] as const);
  const refund = (partial: boolean, reason: string) =>
    b.post('/v1/refunds', {
      charge,
      ...(partial ? { amount: Math.max(1, Math.floor(amount / r.int(2, 5))) } : {}),
      reason,
      metadata: { ticket: `SUP-${r.int(1000, 99999)}` },
      // Refunding a Connect charge in full also hands back the platform's fee.
      ...(connectFunds && !partial ? { refund_application_fee: true } : {}),
    });
  if (kind === 'refund') {
    const partial = r.bool(0.4);
    const reason = r.pick(['requested_by_customer', 'duplicate', 'fraudulent']);
    b.tl.after(r.int(1, 20) * DAY + r.int(0, DAY), async () => void (await refund(partial, reason)));
  } else if (kind === 'dispute') {
    b.tl.after(r.int(3, 40) * DAY, () => disputeLifecycle(b, acts, charge));
  } else if (kind === 'early_fraud_warning') {
    // The network warns first; most merchants refund to head off the dispute.
    b.tl.after(r.int(1, 10) * DAY, async () => {
      await acts.earlyFraudWarning(b, charge);
      if (r.bool(0.6)) b.tl.after(r.int(1, 3) * DAY, async () => void (await refund(false, 'fraudulent')));
    });
  } else if (kind === 'review') {
    // Radar places the payment in review; an analyst approves it, or refunds it as fraud.
    const rv = await acts.review(b, charge);
    b.tl.after(r.int(1, 30) * HOUR, async () => {
      if (r.bool(0.7)) await b.post(`/v1/reviews/${rv.id}/approve`, {});
      else await refund(false, 'fraudulent');
    });
  }
}

/**
 * A dispute: opened by the cardholder's bank, then the merchant submits evidence (with an uploaded
 * file) or accepts it (`/close`); the bank decides weeks later; unanswered disputes are lost at `due_by`.
 */
async function disputeLifecycle(b: Business, acts: StripeActs, charge: string): Promise<void> {
  const r = b.r;
  const d = await acts.dispute(b, charge, {
    reason: r.pick(['fraudulent', 'product_not_received', 'subscription_canceled', 'duplicate', 'general']),
    inquiry: r.bool(0.15),
  });
  const fate = r.weighted([
    ['evidence', 6],
    ['accept', 2],
    ['ignore', 2],
  ] as const);
  const decide = (outcome: 'won' | 'lost') => acts.resolveDispute(b, d.id, outcome);
  if (fate === 'evidence') {
    b.tl.after(r.int(2, 10) * DAY, async () => {
      const file = await acts.file(b, 'dispute_evidence', `receipt-${r.chars(6)}.pdf`);
      await b.post(`/v1/disputes/${d.id}`, {
        evidence: {
          customer_name: 'Cardholder',
          product_description: 'Annual subscription to the service',
          uncategorized_text: 'Customer logged in 14 times after the charge.',
          receipt: file,
        },
        metadata: { case: `CB-${r.int(1000, 9999)}` },
      });
      b.tl.after(r.int(30, 70) * DAY, () => decide(r.bool(0.6) ? 'won' : 'lost'));
    });
  } else if (fate === 'accept') {
    b.tl.after(r.int(1, 5) * DAY, async () => void (await b.post(`/v1/disputes/${d.id}/close`, {})));
  } else {
    b.tl.after(21 * DAY, () => decide('lost'));
  }
}
