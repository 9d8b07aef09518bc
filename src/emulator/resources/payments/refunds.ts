/**
 * Refunds (`re_…`, docs.stripe.com/api/refunds): of a charge or a payment intent's latest charge, at most
 * the unrefunded amount. A refund of captured funds books a negative balance transaction (type `refund`;
 * Stripe keeps its processing fee), releasing an uncaptured authorisation books nothing. The charge's
 * `amount_refunded`/`refunded` change (`charge.refunded`), a full refund closes an open Radar review and
 * makes early fraud warnings non-actionable, `refund_application_fee` and `reverse_transfer` undo the
 * Connect side proportionally. Card refunds succeed at once, so `/cancel` always refuses. Metadata
 * updates send `charge.refund.updated` and `refund.updated`.
 * Also the child list `/v1/charges/:id/refunds` (the charge's includable `refunds` list).
 */
import { ApiError, invalidRequest } from '../../apiError.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { bool, int, metadata, oneOf, str } from '../params.js';
import { refundApplicationFee } from './applicationFeeRefunds.js';
import { resolveEarlyFraudWarnings } from './earlyFraudWarnings.js';
import { ZERO_DECIMAL_CURRENCIES } from './fees.js';
import { record } from './ledger.js';
import { closeReviewOf } from './reviews.js';
import { settle } from './settle.js';
import { allowParams, refId, saveWithEvent } from './shared.js';
import { createTransferReversal } from './transferReversals.js';

export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

export interface RefundOptions {
  amount?: number;
  reason?: string | null;
  metadata?: Record<string, string>;
  refundApplicationFee?: boolean;
  reverseTransfer?: boolean;
}

function money(amount: number, currency: string): string {
  if (ZERO_DECIMAL_CURRENCIES.has(currency)) return `${currency === 'jpy' ? '¥' : ''}${amount}`;
  const v = (amount / 100).toFixed(2);
  return currency === 'usd' ? `$${v}` : `${v} ${currency.toUpperCase()}`;
}

function destinationDetails(
  ctx: MutationContext,
  charge: StripeObject,
  captured: boolean,
): Record<string, unknown> {
  const type = String((charge.payment_method_details as { type?: string } | null)?.type ?? 'card');
  if (type === 'card') {
    if (!captured) return { card: { type: 'reversal' }, type };
    // The acquirer reference number (ARN) the cardholder's bank can trace the refund by: 23 digits.
    const arn = Array.from({ length: 23 }, () => ctx.random.int(0, 9)).join('');
    return {
      card: {
        reference: arn,
        reference_status: 'available',
        reference_type: 'acquirer_reference_number',
        type: 'refund',
      },
      type,
    };
  }
  return { [type]: { reference: null, reference_status: 'pending' }, type };
}

/** Refunds (part of) a charge; returns the stored refund. */
export function refundCharge(ctx: MutationContext, chargeId: string, opts: RefundOptions = {}): StripeObject {
  settle(ctx);
  const charge = ctx.require('charges', chargeId, 'charge');
  const currency = String(charge.currency);
  if (charge.status !== 'succeeded') {
    throw invalidRequest(
      `Charge ${charge.id} has a status of ${charge.status} and cannot be refunded.`,
      'charge',
    );
  }
  if (charge.refunded)
    throw invalidRequest(
      `Charge ${charge.id} has already been refunded.`,
      'charge',
      'charge_already_refunded',
    );
  const disputes = ctx.findBy('disputes', 'charge', charge.id);
  if (disputes.some((d) => !String(d.status).startsWith('warning_') && d.status !== 'won')) {
    throw invalidRequest(
      `Charge ${charge.id} has been charged back; cannot issue a refund.`,
      'charge',
      'charge_disputed',
    );
  }
  const captured = charge.captured === true;
  // A partial capture's released remainder already counts in amount_refunded, so this holds either way.
  const remaining = Number(charge.amount) - Number(charge.amount_refunded);
  const amount = opts.amount ?? remaining;
  if (amount <= 0)
    throw new ApiError(
      400,
      'invalid_request_error',
      'Refund amount must be a positive integer.',
      'parameter_invalid_integer',
      'amount',
    );
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${money(amount, currency)}) is greater than unrefunded amount on charge (${money(remaining, currency)})`,
      'amount',
      'amount_too_large',
    );
  }
  return bookRefund(ctx, charge, amount, captured, opts);
}

/** Releases the uncaptured part of an authorisation (partial capture, canceled payment intent). */
export function releaseUncaptured(ctx: MutationContext, chargeId: string, amount: number): StripeObject {
  const charge = ctx.require('charges', chargeId, 'charge');
  return bookRefund(ctx, charge, amount, false, {});
}

function bookRefund(
  ctx: MutationContext,
  charge: StripeObject,
  amount: number,
  moveMoney: boolean,
  opts: RefundOptions,
): StripeObject {
  const currency = String(charge.currency);
  const id = ctx.newId('re');
  const refund: StripeObject = Object.assign(ctx.template('refund'), {
    id,
    object: 'refund',
    amount,
    balance_transaction: null,
    charge: charge.id,
    created: ctx.now,
    currency,
    customer: refId(charge.customer),
    customer_account: null,
    destination_details: destinationDetails(ctx, charge, moveMoney),
    metadata: opts.metadata ?? {},
    payment_intent: refId(charge.payment_intent),
    payment_method: refId(charge.payment_method)?.startsWith('pm_') ? refId(charge.payment_method) : null,
    reason: opts.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  });
  if (moveMoney) {
    refund.balance_transaction = record(ctx, {
      amount: -amount,
      currency,
      type: 'refund',
      reportingCategory: 'refund',
      source: id,
      description: null,
    }).id;
  }
  if (opts.reverseTransfer && charge.transfer) {
    const transfer = ctx.get('transfers', String(refId(charge.transfer)));
    if (transfer) {
      const share = Math.round((Number(transfer.amount) * amount) / Number(charge.amount));
      const left = Number(transfer.amount) - Number(transfer.amount_reversed);
      if (Math.min(share, left) > 0) {
        refund.transfer_reversal = createTransferReversal(ctx, transfer.id, {
          amount: Math.min(share, left),
          sourceRefund: id,
        }).id;
      }
    }
  }
  ctx.insert('refunds', refund);
  const amountRefunded = Number(charge.amount_refunded) + amount;
  const updated = {
    ...charge,
    amount_refunded: amountRefunded,
    refunded: amountRefunded >= Number(charge.amount),
  };
  saveWithEvent(ctx, 'charges', updated, 'charge.refunded');
  if (opts.refundApplicationFee && charge.application_fee) refundFeeShare(ctx, charge, amount);
  if (updated.refunded) {
    closeReviewOf(ctx, charge.id, opts.reason === 'fraudulent' ? 'refunded_as_fraud' : 'refunded');
    resolveEarlyFraudWarnings(ctx, charge.id);
  }
  return ctx.get('refunds', id)!;
}

/** `refund_application_fee`: the platform gives back the same share of its fee (direct charges: fee in the platform). */
function refundFeeShare(ctx: MutationContext, charge: StripeObject, amount: number): void {
  const feeId = String(refId(charge.application_fee));
  const owner = ctx.connected ? ctx.forAccount() : ctx;
  const fee = owner.get('application_fees', feeId);
  if (!fee) return;
  const share = Math.round((Number(fee.amount) * amount) / Number(charge.amount));
  const left = Number(fee.amount) - Number(fee.amount_refunded);
  if (Math.min(share, left) > 0)
    refundApplicationFee(owner, fee.id, { amount: Math.min(share, left), metadata: {} });
}

export const refunds: ResourceDef = {
  name: 'refunds',
  object: 'refund',
  idPrefix: 're',
  path: '/v1/refunds',
  parent: {
    resource: 'charges',
    field: 'charge',
    path: '/v1/charges/:parent/refunds',
    operations: { list: true, retrieve: true },
  },
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  indexedFields: ['charge', 'payment_intent'],
  listParams: { charge: {}, payment_intent: {} },
  expandable: {
    balance_transaction: ['balance_transactions'],
    charge: ['charges'],
    customer: ['customers'],
    failure_balance_transaction: ['balance_transactions'],
    payment_intent: ['payment_intents'],
    payment_method: ['payment_methods'],
    source_transfer_reversal: ['transfer_reversals'],
    transfer_reversal: ['transfer_reversals'],
  },
  events: { created: 'refund.created', updated: 'refund.updated' },
  permission: 'refunds',
  create(ctx, params) {
    allowParams(params, [
      'amount',
      'charge',
      'currency',
      'customer',
      'instructions_email',
      'metadata',
      'origin',
      'payment_intent',
      'reason',
      'refund_application_fee',
      'reverse_transfer',
    ]);
    if (
      params.origin !== undefined ||
      (params.customer !== undefined && !params.charge && !params.payment_intent)
    ) {
      throw invalidRequest(
        'Customer balance refunds (origin=customer_balance) are not supported by the emulator.',
        'origin',
      );
    }
    let chargeId = str(params, 'charge');
    const piId = str(params, 'payment_intent');
    if (!chargeId && !piId) {
      throw invalidRequest(
        'One of the following params should be provided for this request: payment_intent or charge.',
        undefined,
        'parameter_missing',
      );
    }
    if (piId) {
      const pi = ctx.require('payment_intents', piId, 'payment_intent');
      const latest = refId(pi.latest_charge);
      if (!latest || (chargeId && chargeId !== latest)) {
        throw invalidRequest(
          `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
          'payment_intent',
        );
      }
      chargeId = latest;
    }
    const currency = str(params, 'currency');
    const charge = ctx.require('charges', chargeId!, 'charge');
    if (currency && currency.toLowerCase() !== charge.currency)
      throw invalidRequest(`Currency must be ${charge.currency}.`, 'currency');
    return refundCharge(ctx, charge.id, {
      amount: int(params, 'amount'),
      reason: oneOf(params, 'reason', REFUND_REASONS) ?? null,
      metadata: metadata(params),
      refundApplicationFee: bool(params, 'refund_application_fee') ?? false,
      reverseTransfer: bool(params, 'reverse_transfer') ?? false,
    });
  },
  update(ctx, current, params) {
    allowParams(params, ['metadata']);
    const next = { ...current, metadata: metadata(params, current.metadata as Record<string, string>) };
    // Stripe announces refund changes twice: the legacy `charge.refund.updated`, then `refund.updated`
    // (sent when the emulator stores the change).
    if (JSON.stringify(next.metadata) !== JSON.stringify(current.metadata)) {
      ctx.emit('charge.refund.updated', next, { metadata: current.metadata });
    }
    return next;
  },
  actions: [
    {
      // Only refunds waiting on customer action (`requires_action`) can be canceled; card refunds never are.
      path: '/v1/refunds/:id/cancel',
      handle(_ctx, current, params) {
        allowParams(params, []);
        throw invalidRequest(
          `Refund ${current.id} cannot be canceled because it has a status of ${current.status}. Only refunds with a status of \`requires_action\` can be canceled.`,
          undefined,
          'refund_cancel_not_allowed',
        );
      },
    },
  ],
};
