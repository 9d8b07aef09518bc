/**
 * Transfer reversals (`trr_…`, docs.stripe.com/api/transfer_reversals) under
 * `/v1/transfers/:id/reversals` (list, create, retrieve, update): funds come back from the connected
 * account, up to what is not yet reversed. The platform books `transfer_refund` (reporting category
 * `transfer_reversal`); in the connected account the destination payment is refunded (`pyr_…` refund,
 * `payment_refund` balance transaction). The transfer's `amount_reversed`/`reversed` change and
 * `transfer.reversed` is sent ("Occurs whenever a transfer is reversed, including partial reversals").
 * Reversals have no events of their own.
 */
import { invalidRequest } from '../../apiError.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { int, metadata, str } from '../params.js';
import { record } from './ledger.js';
import { settle } from './settle.js';
import { allowParams, refId, saveWithEvent } from './shared.js';

export interface ReversalOptions {
  amount?: number;
  description?: string | null;
  metadata?: Record<string, string>;
  /** The charge refund that caused it (`reverse_transfer` on a refund of a destination charge). */
  sourceRefund?: string | null;
}

/** The connected account gives the money back: its `py_…` payment is refunded. */
function refundDestinationPayment(
  ctx: MutationContext,
  transfer: StripeObject,
  amount: number,
): string | null {
  const paymentId = refId(transfer.destination_payment);
  if (!paymentId) return null;
  const dest = ctx.forAccount(String(transfer.destination));
  const payment = dest.get('charges', paymentId);
  if (!payment) return null;
  const id = dest.newId('pyr');
  const txn = record(dest, {
    amount: -amount,
    currency: String(transfer.currency),
    type: 'payment_refund',
    reportingCategory: 'transfer_reversal',
    source: id,
    description: null,
  });
  const refund: StripeObject = Object.assign(dest.template('refund'), {
    id,
    object: 'refund',
    amount,
    balance_transaction: txn.id,
    charge: payment.id,
    created: dest.now,
    currency: transfer.currency,
    customer: null,
    customer_account: null,
    destination_details: null,
    metadata: {},
    payment_intent: null,
    payment_method: null,
    reason: null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  });
  dest.insert('refunds', refund, { emit: false });
  const refunded = Number(payment.amount_refunded) + amount;
  dest.save(
    'charges',
    { ...payment, amount_refunded: refunded, refunded: refunded >= Number(payment.amount) },
    { emit: false },
  );
  return id;
}

export function createTransferReversal(
  ctx: MutationContext,
  transferId: string,
  opts: ReversalOptions = {},
): StripeObject {
  settle(ctx);
  const transfer = ctx.require('transfers', transferId, 'transfer');
  const left = Number(transfer.amount) - Number(transfer.amount_reversed);
  if (left <= 0)
    throw invalidRequest(
      `Transfer ${transfer.id} has already been fully reversed.`,
      undefined,
      'transfer_already_reversed',
    );
  const amount = opts.amount ?? left;
  if (amount <= 0) throw invalidRequest('Reversal amount must be a positive integer.', 'amount');
  if (amount > left) {
    throw invalidRequest(
      `Amount (${amount}) is greater than the amount of the transfer that can be reversed (${left}).`,
      'amount',
      'amount_too_large',
    );
  }
  const id = ctx.newId('trr');
  const currency = String(transfer.currency);
  const txn = record(ctx, {
    amount,
    currency,
    type: 'transfer_refund',
    reportingCategory: 'transfer_reversal',
    source: id,
    description: opts.description ?? null,
    availableOn: ctx.now,
  });
  const reversal: StripeObject = Object.assign(ctx.template('transfer_reversal'), {
    id,
    object: 'transfer_reversal',
    amount,
    balance_transaction: txn.id,
    created: ctx.now,
    currency,
    destination_payment_refund: refundDestinationPayment(ctx, transfer, amount),
    metadata: opts.metadata ?? {},
    source_refund: opts.sourceRefund ?? null,
    transfer: transfer.id,
  });
  ctx.insert('transfer_reversals', reversal);
  const reversed = Number(transfer.amount_reversed) + amount;
  saveWithEvent(
    ctx,
    'transfers',
    { ...transfer, amount_reversed: reversed, reversed: reversed >= Number(transfer.amount) },
    'transfer.reversed',
  );
  return reversal;
}

export const transferReversals: ResourceDef = {
  name: 'transfer_reversals',
  object: 'transfer_reversal',
  idPrefix: 'trr',
  parent: {
    resource: 'transfers',
    field: 'transfer',
    path: '/v1/transfers/:parent/reversals',
    operations: { list: true, create: true, retrieve: true, update: true },
  },
  operations: {},
  createdFilter: false,
  indexedFields: ['transfer'],
  expandable: {
    balance_transaction: ['balance_transactions'],
    destination_payment_refund: ['refunds'],
    source_refund: ['refunds'],
    transfer: ['transfers'],
  },
  permission: 'transfers',
  create(ctx, params) {
    const transferId = str(params, 'transfer', { required: true });
    const { transfer: _t, ...rest } = params;
    allowParams(rest, ['amount', 'description', 'metadata', 'refund_application_fee']);
    return createTransferReversal(ctx, transferId, {
      amount: int(rest, 'amount'),
      description: str(rest, 'description') ?? null,
      metadata: metadata(rest),
    });
  },
  update(_ctx, current, params) {
    allowParams(params, ['metadata']);
    return { ...current, metadata: metadata(params, current.metadata as Record<string, string>) };
  },
};
