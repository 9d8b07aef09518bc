/**
 * Transfers (`tr_…`, docs.stripe.com/api/transfers): a platform moves funds to a connected account. The
 * platform books a `transfer` balance transaction (debit, available at once); the destination account
 * receives a payment `py_…` (a Charge object in its own account, `source_transfer` = the transfer) with a
 * `payment` balance transaction, pending until `available_on`. Without `source_transaction` the platform
 * must have the funds available (Stripe's `balance_insufficient`); with it, the funds come from that
 * charge. "The 10 most recent reversals" are embedded in `reversals` (the rest at
 * `/v1/transfers/:id/reversals`). Events: transfer.created / transfer.updated / transfer.reversed.
 */
import { ApiError, invalidRequest } from '../../apiError.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { currency as currencyParam, int, metadata, oneOf, str } from '../params.js';
import { availableAmount, record } from './ledger.js';
import { settle } from './settle.js';
import { allowParams, applicationId } from './shared.js';

export interface TransferSpec {
  amount: number;
  currency: string;
  destination: string;
  description: string | null;
  metadata: Record<string, string>;
  sourceTransaction: string | null;
  transferGroup: string | null;
  sourceType?: string;
}

/** The connected account's side: a `py_…` payment in its own charges list. */
function destinationPayment(dest: MutationContext, platform: string, transfer: StripeObject): StripeObject {
  const id = dest.newId('py');
  const amount = Number(transfer.amount);
  const txn = record(dest, {
    amount,
    currency: String(transfer.currency),
    type: 'payment',
    reportingCategory: 'charge',
    source: id,
    description: null,
  });
  const payment: StripeObject = Object.assign(dest.template('charge'), {
    id,
    object: 'charge',
    amount,
    amount_captured: amount,
    amount_refunded: 0,
    application: applicationId(platform),
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: txn.id,
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: null,
    captured: true,
    created: dest.now,
    currency: transfer.currency,
    customer: null,
    description: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: dest.livemode,
    metadata: {},
    on_behalf_of: null,
    outcome: null,
    paid: true,
    payment_intent: null,
    payment_method: null,
    payment_method_details: { stripe_account: {}, type: 'stripe_account' },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: transfer.id,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: transfer.transfer_group,
  });
  delete payment.refunds;
  // Stripe sends the connected account no charge event for an incoming transfer payment.
  return dest.insert('charges', payment, { emit: false });
}

/** Creates a transfer from the platform (`ctx`) to a connected account. */
export function createTransfer(ctx: MutationContext, spec: TransferSpec): StripeObject {
  settle(ctx);
  if (ctx.connected)
    throw invalidRequest(
      'Only a Connect platform can create transfers to connected accounts.',
      'destination',
    );
  if (!ctx.get('accounts', spec.destination)) {
    throw invalidRequest(`No such destination: '${spec.destination}'`, 'destination', 'resource_missing');
  }
  if (spec.amount <= 0)
    throw new ApiError(
      400,
      'invalid_request_error',
      'This value must be greater than or equal to 1.',
      'parameter_invalid_integer',
      'amount',
    );
  if (!spec.sourceTransaction && availableAmount(ctx, spec.currency) < spec.amount) {
    throw invalidRequest(
      'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance',
      undefined,
      'balance_insufficient',
    );
  }
  const id = ctx.newId('tr');
  const txn = record(ctx, {
    amount: -spec.amount,
    currency: spec.currency,
    type: 'transfer',
    reportingCategory: 'transfer',
    source: id,
    description: spec.description,
  });
  const transfer: StripeObject = Object.assign(ctx.template('transfer'), {
    id,
    object: 'transfer',
    amount: spec.amount,
    amount_reversed: 0,
    balance_transaction: txn.id,
    created: ctx.now,
    currency: spec.currency,
    description: spec.description,
    destination: spec.destination,
    destination_payment: null,
    livemode: ctx.livemode,
    metadata: spec.metadata,
    reversed: false,
    source_transaction: spec.sourceTransaction,
    source_type: spec.sourceType ?? 'card',
    transfer_group: spec.transferGroup,
  });
  delete transfer.reversals; // rendered from the transfer_reversals collection
  transfer.destination_payment = destinationPayment(
    ctx.forAccount(spec.destination),
    ctx.account,
    transfer,
  ).id;
  return ctx.insert('transfers', transfer);
}

export const transfers: ResourceDef = {
  name: 'transfers',
  object: 'transfer',
  idPrefix: 'tr',
  path: '/v1/transfers',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: ['transfer_group'],
  indexedFields: ['destination'],
  listParams: { destination: {}, transfer_group: {} },
  expandable: {
    balance_transaction: ['balance_transactions'],
    destination: ['accounts'],
    destination_payment: ['charges'],
    source_transaction: ['charges'],
  },
  embeds: [
    {
      field: 'reversals',
      child: 'transfer_reversals',
      parentField: 'transfer',
      url: '/v1/transfers/:id/reversals',
      limit: 10,
    },
  ],
  events: { created: 'transfer.created', updated: 'transfer.updated' },
  permission: 'transfers',
  create(ctx, params) {
    allowParams(params, [
      'amount',
      'currency',
      'description',
      'destination',
      'metadata',
      'source_transaction',
      'source_type',
      'transfer_group',
    ]);
    const currency = currencyParam(params, 'currency', true)!;
    const sourceTransaction = str(params, 'source_transaction') ?? null;
    if (sourceTransaction) {
      const charge = ctx.require('charges', sourceTransaction, 'source_transaction');
      if (charge.currency !== currency)
        throw invalidRequest(
          `The currency of source_transaction's balance transaction (${charge.currency}) must be the same as the transfer currency (${currency})`,
          'currency',
        );
    }
    return createTransfer(ctx, {
      amount: int(params, 'amount', { required: true }),
      currency,
      destination: str(params, 'destination', { required: true }),
      description: str(params, 'description') ?? null,
      metadata: metadata(params),
      sourceTransaction,
      transferGroup: str(params, 'transfer_group') ?? null,
      sourceType: oneOf(params, 'source_type', ['bank_account', 'card', 'fpx']),
    });
  },
  update(_ctx, current, params) {
    allowParams(params, ['description', 'metadata']);
    const description = str(params, 'description');
    return {
      ...current,
      description: description === undefined ? current.description : description || null,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
  },
};
