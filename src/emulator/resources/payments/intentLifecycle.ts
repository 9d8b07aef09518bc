/**
 * The Payment Intent state machine (docs.stripe.com/payments/paymentintents/lifecycle): confirm makes a
 * charge through the charge engine and moves the intent to `succeeded` (automatic capture),
 * `requires_capture` (manual capture) or back to `requires_payment_method` with `last_payment_error`
 * (declined: 402 card_error carrying the intent); capture and cancel follow. Events are the ones the
 * pinned SDK knows: payment_intent.succeeded / amount_capturable_updated / payment_failed / canceled —
 * there is no `payment_intent.updated`.
 *
 * Payment methods the emulator issues settle at once, including bank debits, which on Stripe pass
 * through `processing` for a few days first.
 */
import { invalidRequest } from '../../apiError.js';
import type { MutationContext, StripeObject } from '../../resource.js';
import { CardError } from './cardError.js';
import { captureCharge, createCharge } from './chargeEngine.js';
import { attachPaymentMethod } from './paymentMethods.js';
import { releaseUncaptured } from './refunds.js';
import { settle } from './settle.js';
import { refId, saveWithEvent } from './shared.js';

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
const CANCELABLE = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
  'processing',
];

function unexpectedState(message: string, param?: string) {
  return invalidRequest(message, param, 'payment_intent_unexpected_state');
}

/** Confirms `pi` (stored) with `pm` (stored); returns the stored intent or throws the decline. */
export function confirmIntent(
  ctx: MutationContext,
  pi: StripeObject,
  pm: StripeObject | undefined,
): StripeObject {
  settle(ctx);
  if (!CONFIRMABLE.includes(String(pi.status))) {
    throw unexpectedState(
      `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
    );
  }
  if (!pm) {
    throw unexpectedState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
      'payment_method',
    );
  }
  const types = pi.payment_method_types as string[];
  const automatic = (pi.automatic_payment_methods as { enabled?: boolean } | null)?.enabled === true;
  if (!automatic && !types.includes(String(pm.type))) {
    throw invalidRequest(
      `The PaymentMethod provided (${pm.type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${types.join(', ')}. Alternatively, update the allowed payment_method_types for this PaymentIntent to include "${pm.type}".`,
      'payment_method',
    );
  }
  const customer = refId(pi.customer);
  const owner = refId(pm.customer);
  if (owner && owner !== customer) {
    throw invalidRequest(
      `The provided PaymentMethod ${pm.id} belongs to a different Customer than the PaymentIntent (or the PaymentIntent has none); pass the Customer ${owner}.`,
      'payment_method',
    );
  }
  const transferData = pi.transfer_data as { destination: string; amount?: number | null } | null;
  const charge = createCharge(ctx, {
    amount: Number(pi.amount),
    currency: String(pi.currency),
    customer,
    description: (pi.description as string | null) ?? null,
    metadata: pi.metadata as Record<string, string>,
    paymentMethod: pm,
    source: null,
    capture: pi.capture_method !== 'manual',
    paymentIntent: pi.id,
    receiptEmail: (pi.receipt_email as string | null) ?? null,
    shipping: (pi.shipping as Record<string, unknown> | null) ?? null,
    statementDescriptor: (pi.statement_descriptor as string | null) ?? null,
    statementDescriptorSuffix: (pi.statement_descriptor_suffix as string | null) ?? null,
    transferGroup: (pi.transfer_group as string | null) ?? null,
    transferData: transferData
      ? { destination: transferData.destination, amount: transferData.amount ?? null }
      : null,
    applicationFeeAmount: (pi.application_fee_amount as number | null) ?? null,
    onBehalfOf: refId(pi.on_behalf_of),
  });
  // The charge engine may have touched the intent (a Radar review sets `review`): continue from the stored
  // copy (read-only: the outcome is stored as a spread of it).
  const current = ctx.view('payment_intents', pi.id)!;
  if (charge.status === 'failed') {
    const failed: StripeObject = {
      ...current,
      last_payment_error: {
        charge: charge.id,
        code: charge.failure_code,
        decline_code:
          (charge.outcome as { reason?: string } | null)?.reason === 'highest_risk_level'
            ? 'fraudulent'
            : (charge.outcome as { reason?: string }).reason,
        doc_url: `https://stripe.com/docs/error-codes/${String(charge.failure_code).replace(/_/g, '-')}`,
        message: charge.failure_message,
        payment_method: pm,
        type: 'card_error',
      },
      latest_charge: charge.id,
      payment_method: null,
      status: 'requires_payment_method',
    };
    saveWithEvent(ctx, 'payment_intents', failed, 'payment_intent.payment_failed');
    throw new CardError(String(charge.failure_message), String(charge.failure_code), {
      decline_code: (failed.last_payment_error as { decline_code?: string }).decline_code,
      charge: charge.id,
      payment_intent: failed,
      payment_method: pm,
    });
  }
  const captured = charge.captured === true;
  const next: StripeObject = {
    ...current,
    amount_capturable: captured ? 0 : Number(pi.amount),
    amount_received: captured ? Number(charge.amount_captured) : 0,
    application: charge.application ?? null,
    last_payment_error: null,
    latest_charge: charge.id,
    next_action: null,
    payment_method: pm.id,
    status: captured ? 'succeeded' : 'requires_capture',
  };
  if (pi.setup_future_usage && customer && !owner)
    attachPaymentMethod(ctx, ctx.get('payment_methods', pm.id) ?? pm, customer);
  return saveWithEvent(
    ctx,
    'payment_intents',
    next,
    captured ? 'payment_intent.succeeded' : 'payment_intent.amount_capturable_updated',
  );
}

export function captureIntent(
  ctx: MutationContext,
  pi: StripeObject,
  amount: number | undefined,
  chargeChanges: Record<string, unknown>,
  metadata?: Record<string, string>,
): StripeObject {
  if (pi.status !== 'requires_capture') {
    throw unexpectedState(
      `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
    );
  }
  const capturable = Number(pi.amount_capturable);
  const toCapture = amount ?? capturable;
  if (toCapture > capturable || toCapture <= 0) {
    throw invalidRequest(
      `The amount to capture (${toCapture}) must be between 1 and the capturable amount (${capturable}).`,
      'amount_to_capture',
      'amount_too_large',
    );
  }
  const chargeId = String(refId(pi.latest_charge));
  const charge = ctx.require('charges', chargeId, 'latest_charge');
  captureCharge(ctx, charge, toCapture, chargeChanges);
  const current = ctx.get('payment_intents', pi.id)!;
  return saveWithEvent(
    ctx,
    'payment_intents',
    {
      ...current,
      metadata: metadata ?? current.metadata,
      amount_capturable: 0,
      amount_received: toCapture,
      status: 'succeeded',
    },
    'payment_intent.succeeded',
  );
}

export function cancelIntent(ctx: MutationContext, pi: StripeObject, reason: string | null): StripeObject {
  if (!CANCELABLE.includes(String(pi.status))) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
    );
  }
  if (pi.status === 'requires_capture') {
    // Canceling releases the authorisation: the uncaptured charge is refunded in full.
    releaseUncaptured(ctx, String(refId(pi.latest_charge)), Number(pi.amount_capturable));
  }
  const current = ctx.get('payment_intents', pi.id)!;
  return saveWithEvent(
    ctx,
    'payment_intents',
    {
      ...current,
      amount_capturable: 0,
      canceled_at: ctx.now,
      cancellation_reason: reason,
      next_action: null,
      status: 'canceled',
    },
    'payment_intent.canceled',
  );
}
