/**
 * Application fee refunds (`fr_…`, docs.stripe.com/api/fee_refunds) under
 * `/v1/application_fees/:id/refunds` (list, create, retrieve, update): the platform returns (part of) a
 * fee to the connected account. Platform side: balance transaction `application_fee_refund` (reporting
 * category `platform_earning_refund`); the connected account is credited the same amount. The fee's
 * `amount_refunded`/`refunded` change with `application_fee.refunded`; metadata updates send
 * `application_fee.refund.updated`.
 */
import { invalidRequest } from '../../apiError.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { int, metadata, str } from '../params.js';
import { record } from './ledger.js';
import { settle } from './settle.js';
import { allowParams, saveWithEvent } from './shared.js';

/** Refunds `amount` (default: the rest) of a fee; `ctx` is the platform's. */
export function refundApplicationFee(
  ctx: MutationContext,
  feeId: string,
  opts: { amount?: number; metadata: Record<string, string> },
): StripeObject {
  settle(ctx);
  const fee = ctx.require('application_fees', feeId, 'fee');
  const left = Number(fee.amount) - Number(fee.amount_refunded);
  if (left <= 0)
    throw invalidRequest(
      `Application fee ${fee.id} has already been refunded.`,
      undefined,
      'charge_already_refunded',
    );
  const amount = opts.amount ?? left;
  if (amount <= 0) throw invalidRequest('Refund amount must be a positive integer.', 'amount');
  if (amount > left) {
    throw invalidRequest(
      `Refund amount (${amount}) is greater than the unrefunded amount on the application fee (${left}).`,
      'amount',
      'amount_too_large',
    );
  }
  const id = ctx.newId('fr');
  const currency = String(fee.currency);
  const txn = record(ctx, {
    amount: -amount,
    currency,
    type: 'application_fee_refund',
    reportingCategory: 'platform_earning_refund',
    source: id,
    description: null,
  });
  const refund: StripeObject = Object.assign(ctx.template('fee_refund'), {
    id,
    object: 'fee_refund',
    amount,
    balance_transaction: txn.id,
    created: ctx.now,
    currency,
    fee: fee.id,
    metadata: opts.metadata,
  });
  ctx.insert('application_fee_refunds', refund);
  const connected = String(fee.account);
  if (connected !== ctx.account) {
    const other = ctx.forAccount(connected);
    record(other, {
      amount,
      currency,
      type: 'application_fee_refund',
      reportingCategory: 'platform_earning_refund',
      source: id,
      description: null,
      availableOn: ctx.now,
    });
  }
  const refunded = Number(fee.amount_refunded) + amount;
  saveWithEvent(
    ctx,
    'application_fees',
    { ...fee, amount_refunded: refunded, refunded: refunded >= Number(fee.amount) },
    'application_fee.refunded',
  );
  return refund;
}

export const applicationFeeRefunds: ResourceDef = {
  name: 'application_fee_refunds',
  object: 'fee_refund',
  idPrefix: 'fr',
  parent: {
    resource: 'application_fees',
    field: 'fee',
    path: '/v1/application_fees/:parent/refunds',
    operations: { list: true, create: true, retrieve: true, update: true },
  },
  operations: {},
  createdFilter: false,
  indexedFields: ['fee'],
  expandable: { balance_transaction: ['balance_transactions'], fee: ['application_fees'] },
  events: { updated: 'application_fee.refund.updated' },
  permission: 'application_fees',
  create(ctx, params) {
    const feeId = str(params, 'fee', { required: true });
    const { fee: _fee, ...rest } = params;
    allowParams(rest, ['amount', 'metadata']);
    return refundApplicationFee(ctx, feeId, { amount: int(rest, 'amount'), metadata: metadata(rest) });
  },
  update(_ctx, current, params) {
    allowParams(params, ['metadata']);
    return { ...current, metadata: metadata(params, current.metadata as Record<string, string>) };
  },
};
