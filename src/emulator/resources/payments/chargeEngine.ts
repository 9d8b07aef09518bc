/**
 * Making a charge, shared by `POST /v1/charges` and Payment Intent confirmation: the Charge object
 * (docs.stripe.com/api/charges/object) with its outcome, `payment_method_details`, balance transaction
 * (amount, Stripe fee, net, pending until `available_on`), Connect side effects (application fee in the
 * platform, transfer to a destination account) and Radar/dispute behaviour of Stripe's test cards.
 *
 * Events: `charge.succeeded` (also for authorisations; capture later sends `charge.captured`) or
 * `charge.failed`; the declined charge is stored and listed, as on Stripe.
 */
import { invalidRequest } from '../../apiError.js';
import type { MutationContext, StripeObject } from '../../resource.js';
import { collectApplicationFee } from './applicationFees.js';
import { createDispute } from './disputes.js';
import { applicationFeeDetail, stripeFee } from './fees.js';
import { type FeeDetail, record } from './ledger.js';
import { paymentMethodDetails, testCardOf } from './paymentMethodObjects.js';
import { releaseUncaptured } from './refunds.js';
import { createReview } from './reviews.js';
import { settle } from './settle.js';
import { applicationId, saveWithEvent } from './shared.js';
import type { Decline, TestCard } from './testCards.js';
import { createTransfer } from './transfers.js';

export interface ChargeSpec {
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  /** The PaymentMethod paid with (stored, or an unstored card standing for a legacy `card_…` source). */
  paymentMethod: StripeObject;
  /** Legacy Charges API source object (`card_…`) when paid with a token; null for PaymentMethods. */
  source: Record<string, unknown> | null;
  capture: boolean;
  paymentIntent: string | null;
  receiptEmail: string | null;
  shipping: Record<string, unknown> | null;
  statementDescriptor: string | null;
  statementDescriptorSuffix: string | null;
  transferGroup: string | null;
  transferData: { destination: string; amount: number | null } | null;
  applicationFeeAmount: number | null;
  onBehalfOf: string | null;
}

/** Radar's verdict on a payment (Charge.Outcome). */
function outcome(
  ctx: MutationContext,
  card: TestCard | undefined,
  decline: Decline | undefined,
): Record<string, unknown> {
  const risk = card?.risk ?? 'normal';
  const riskScore =
    risk === 'highest'
      ? ctx.random.int(76, 99)
      : risk === 'elevated'
        ? ctx.random.int(66, 75)
        : ctx.random.int(0, 64);
  if (decline) {
    const blocked = decline.outcomeType === 'blocked';
    return {
      advice_code: blocked ? 'do_not_try_again' : null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: blocked ? 'not_sent_to_network' : 'declined_by_network',
      reason: blocked ? 'highest_risk_level' : decline.decline_code,
      risk_level: risk,
      risk_score: riskScore,
      seller_message: blocked
        ? 'Stripe blocked this payment as too risky.'
        : decline.decline_code === 'generic_decline'
          ? 'The bank did not return any further details with this decline.'
          : `The bank returned the decline code \`${decline.decline_code}\`.`,
      type: decline.outcomeType,
    };
  }
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'approved_by_network',
    reason: risk === 'elevated' ? 'elevated_risk_level' : null,
    risk_level: risk,
    risk_score: riskScore,
    seller_message:
      risk === 'elevated'
        ? 'Stripe evaluated this payment as having elevated risk, and placed it in your manual review queue.'
        : 'Payment complete.',
    type: risk === 'elevated' ? 'manual_review' : 'authorized',
  };
}

/** The descriptor on the customer's statement: the given one, else the account's name (≤ 22 characters). */
function calculatedDescriptor(ctx: MutationContext, spec: ChargeSpec): string {
  const account = ctx.accountObject();
  const settings = (account.settings ?? {}) as { payments?: { statement_descriptor?: string | null } };
  const profile = (account.business_profile ?? {}) as { name?: string | null };
  const base =
    spec.statementDescriptor ?? settings.payments?.statement_descriptor ?? profile.name ?? 'STRIPE EMULATOR';
  const full = spec.statementDescriptorSuffix
    ? `${base.slice(0, 10)}* ${spec.statementDescriptorSuffix}`
    : base;
  return full.toUpperCase().slice(0, 22);
}

/** Stores the charge (and its side effects) and returns it; a declined charge has `status: 'failed'`. */
export function createCharge(ctx: MutationContext, spec: ChargeSpec): StripeObject {
  settle(ctx);
  if (spec.applicationFeeAmount !== null && !ctx.connected && !spec.transferData && !spec.onBehalfOf) {
    throw invalidRequest(
      'Can only apply an application_fee_amount when the request is made on behalf of another account (using an OAuth key, the Stripe-Account header, or the destination parameter).',
      'application_fee_amount',
    );
  }
  if (spec.applicationFeeAmount !== null && spec.applicationFeeAmount > spec.amount) {
    throw invalidRequest(
      'The application fee amount cannot be greater than the charge amount.',
      'application_fee_amount',
    );
  }
  const pm = spec.paymentMethod;
  const card = pm.type === 'card' ? testCardOf(pm) : undefined;
  const decline = card?.decline;
  const id = ctx.newId('ch');
  const succeeded = !decline;
  // Since 2022-11-15 `refunds` is only returned when expanded (the embed renders it then). Left out of
  // the copy rather than deleted afterwards, which would make the object a slow dictionary.
  const { refunds: _refunds, ...template } = ctx.template('charge');
  void _refunds;
  const charge: StripeObject = Object.assign(template, {
    id,
    object: 'charge',
    amount: spec.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: spec.applicationFeeAmount,
    balance_transaction: null,
    billing_details: pm.billing_details,
    calculated_statement_descriptor: calculatedDescriptor(ctx, spec),
    captured: false,
    created: ctx.now,
    currency: spec.currency,
    customer: spec.customer,
    description: spec.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    fraud_details: {},
    livemode: ctx.livemode,
    metadata: spec.metadata,
    on_behalf_of: spec.onBehalfOf,
    outcome: outcome(ctx, card, decline),
    paid: succeeded,
    payment_intent: spec.paymentIntent,
    payment_method: pm.id,
    payment_method_details: paymentMethodDetails(pm, spec.amount),
    receipt_email: spec.receiptEmail,
    receipt_number: null,
    receipt_url: succeeded ? `https://pay.stripe.com/receipts/payment/${ctx.random.chars(64)}` : null,
    refunded: false,
    review: null,
    shipping: spec.shipping,
    source: spec.source,
    source_transfer: null,
    statement_descriptor: spec.statementDescriptor,
    statement_descriptor_suffix: spec.statementDescriptorSuffix,
    status: succeeded ? 'succeeded' : 'failed',
    transfer_data: spec.transferData
      ? { amount: spec.transferData.amount, destination: spec.transferData.destination }
      : null,
    transfer_group: spec.transferGroup,
  });
  if (!succeeded) {
    ctx.insert('charges', charge, { emit: 'charge.failed' });
    return charge;
  }
  if (spec.capture) bookCapture(ctx, charge, spec.amount, card);
  ctx.insert('charges', charge, { emit: 'charge.succeeded' });
  afterSuccess(ctx, charge, card);
  // As stored now (afterSuccess may have changed it), read-only: callers read the outcome or render it.
  return ctx.view('charges', id)!;
}

/** The money side of a capture: balance transaction, application fee, destination transfer. */
function bookCapture(
  ctx: MutationContext,
  charge: StripeObject,
  amount: number,
  card: TestCard | undefined,
): void {
  const currency = String(charge.currency);
  const fees: FeeDetail[] = [stripeFee(amount, currency)];
  const feeAmount = charge.application_fee_amount as number | null;
  const destination = (charge.transfer_data as { destination: string; amount: number | null } | null) ?? null;
  let application: string | null = null;
  if (feeAmount !== null && ctx.connected) {
    // Direct charge on a connected account: the fee leaves the connected account's balance for the platform's.
    application = applicationId(ctx.forAccount().account);
    fees.push(applicationFeeDetail(feeAmount, currency, application));
  }
  const txn = record(ctx, {
    amount,
    currency,
    type: 'charge',
    reportingCategory: 'charge',
    source: charge.id,
    description: (charge.description as string | null) ?? null,
    fees,
    availableOn: card?.bypassPending ? ctx.now : undefined,
  });
  charge.balance_transaction = txn.id;
  charge.captured = true;
  charge.amount_captured = amount;
  if (feeAmount !== null && ctx.connected && application) {
    const fee = collectApplicationFee(ctx.forAccount(), {
      account: ctx.account,
      amount: feeAmount,
      currency,
      charge: charge.id,
      originatingTransaction: null,
    });
    charge.application = application;
    charge.application_fee = fee.id;
  }
  if (destination) {
    // Destination charge: the platform transfers the payment, less its fee, to the connected account.
    const transferAmount = destination.amount ?? amount - (feeAmount ?? 0);
    const transfer = createTransfer(ctx, {
      amount: transferAmount,
      currency,
      destination: destination.destination,
      description: null,
      metadata: {},
      sourceTransaction: charge.id,
      transferGroup: (charge.transfer_group as string | null) ?? `group_${charge.id}`,
    });
    charge.transfer = transfer.id;
    if (!charge.transfer_group) charge.transfer_group = transfer.transfer_group;
    if (feeAmount !== null) {
      const fee = collectApplicationFee(ctx, {
        account: destination.destination,
        amount: feeAmount,
        currency,
        charge: String(transfer.destination_payment),
        originatingTransaction: charge.id,
      });
      charge.application_fee = fee.id;
      charge.application = applicationId(ctx.account);
    }
  }
}

/** Radar reviews and test-card disputes follow a successful payment. */
function afterSuccess(ctx: MutationContext, charge: StripeObject, card: TestCard | undefined): void {
  if (card?.risk === 'elevated') createReview(ctx, charge.id, { reason: 'rule', openedReason: 'rule' });
  if (card?.dispute && charge.captured)
    createDispute(ctx, charge.id, { reason: card.dispute.reason, inquiry: card.dispute.inquiry });
}

/**
 * Captures an authorised charge (`POST /v1/charges/:id/capture`, PaymentIntent capture). A partial
 * capture releases the rest, which Stripe records as a refund of the uncaptured amount.
 */
export function captureCharge(
  ctx: MutationContext,
  current: StripeObject,
  amount: number,
  extra: Record<string, unknown> = {},
): StripeObject {
  settle(ctx);
  if (current.captured) {
    throw invalidRequest(
      `Charge ${current.id} has already been captured.`,
      undefined,
      'charge_already_captured',
    );
  }
  if (current.status !== 'succeeded' || current.refunded) {
    throw invalidRequest(
      `Charge ${current.id} has expired and can no longer be captured.`,
      undefined,
      'charge_expired_for_capture',
    );
  }
  if (amount > Number(current.amount) || amount <= 0) {
    throw invalidRequest(
      `Amount must be no more than the charge amount (${current.amount}).`,
      'amount',
      'amount_too_large',
    );
  }
  const charge = { ...current, ...extra };
  const pm = ctx.get('payment_methods', String(charge.payment_method));
  const card = pm ? testCardOf(pm) : undefined;
  bookCapture(ctx, charge, amount, card);
  saveWithEvent(ctx, 'charges', charge, 'charge.captured');
  if (amount < Number(current.amount)) releaseUncaptured(ctx, charge.id, Number(current.amount) - amount);
  if (card?.dispute)
    createDispute(ctx, charge.id, { reason: card.dispute.reason, inquiry: card.dispute.inquiry });
  return ctx.get('charges', charge.id)!;
}
