/**
 * Payouts (`po_…`, docs.stripe.com/api/payouts): money from the available balance to the account's bank
 * account. Creating one debits the balance at once (balance transaction `payout`) and fails with Stripe's
 * `balance_insufficient` when the available balance is too low; it is `pending` until its
 * `arrival_date`, then `paid` (`payout.updated` + `payout.paid`, applied by settle.ts). Pending payouts
 * can be canceled (`payout_cancel` credit, `payout.canceled`); `failPayout` is the emulator's way to
 * have the bank return one (`payout_failure`, `payout.failed`). `createAutomaticPayout` pays out the whole
 * available balance the way Stripe's automatic schedule does, so `/v1/balance_transactions?payout=`
 * lists what it contained ("For automatic Stripe payouts only").
 */
import { invalidRequest } from '../../apiError.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { currency as currencyParam, int, metadata, oneOf, str } from '../params.js';
import { availableAmount, markPaidOut, record, scheduleDue, unpaidAvailable } from './ledger.js';
import { settle } from './settle.js';
import { allowParams, DAY, dayStart, defaultBankAccountId, rangeFilter } from './shared.js';

/** Standard payouts land two business days later (US); instant payouts within minutes. */
const STANDARD_ARRIVAL_DAYS = 2;

export const PAYOUT_FAILURES: Record<string, string> = {
  account_closed: 'The bank account has been closed.',
  account_frozen: 'The bank account has been frozen.',
  could_not_process: 'The bank could not process this payout.',
  insufficient_funds: 'Your Stripe account has insufficient funds to cover the payout.',
  invalid_account_number: 'The routing number seems correct, but the account number is invalid.',
  no_account:
    'The bank account details on file are probably incorrect. No bank account could be located with those details.',
};

interface PayoutSpec {
  amount: number;
  currency: string;
  description: string | null;
  destination: string;
  metadata: Record<string, string>;
  method: 'standard' | 'instant';
  sourceType: string;
  statementDescriptor: string | null;
  automatic: boolean;
}

function insertPayout(ctx: MutationContext, spec: PayoutSpec): StripeObject {
  const id = ctx.newId('po');
  const instant = spec.method === 'instant';
  // Instant payouts cost 1.5% (min 50¢); standard payouts are free.
  const fee = instant ? Math.max(50, Math.round(spec.amount * 0.015)) : 0;
  const txn = record(ctx, {
    amount: -spec.amount,
    currency: spec.currency,
    type: 'payout',
    reportingCategory: 'payout',
    source: id,
    description: spec.description ?? 'STRIPE PAYOUT',
    fees:
      fee > 0
        ? [
            {
              amount: fee,
              application: null,
              currency: spec.currency,
              description: 'Instant payout fee',
              type: 'stripe_fee',
            },
          ]
        : [],
  });
  const arrival = instant ? ctx.now : dayStart(ctx.now) + STANDARD_ARRIVAL_DAYS * DAY;
  const payout: StripeObject = Object.assign(ctx.template('payout'), {
    id,
    object: 'payout',
    amount: spec.amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: arrival,
    automatic: spec.automatic,
    balance_transaction: txn.id,
    created: ctx.now,
    currency: spec.currency,
    description: spec.description ?? 'STRIPE PAYOUT',
    destination: spec.destination,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: ctx.livemode,
    metadata: spec.metadata,
    method: spec.method,
    original_payout: null,
    // Reconciliation applies to automatic payouts only (docs.stripe.com/payouts/reconciliation).
    reconciliation_status: spec.automatic ? 'in_progress' : 'not_applicable',
    reversed_by: null,
    source_type: spec.sourceType,
    statement_descriptor: spec.statementDescriptor,
    status: 'pending',
    trace_id: { status: 'pending', value: null },
    type: 'bank_account',
    payout_method: null,
  });
  ctx.insert('payouts', payout);
  scheduleDue(ctx, { at: arrival, kind: 'payout', id });
  return payout;
}

/**
 * Stripe's automatic payout: everything available in `currency` that no earlier automatic payout
 * contained; returns undefined when there is nothing positive to pay out.
 */
export function createAutomaticPayout(ctx: MutationContext, currency: string): StripeObject | undefined {
  settle(ctx);
  const txns = unpaidAvailable(ctx, currency);
  const amount = txns.reduce((sum, t) => sum + Number(t.net), 0);
  if (amount <= 0) return undefined;
  const payout = insertPayout(ctx, {
    amount,
    currency,
    description: 'STRIPE PAYOUT',
    destination: defaultBankAccountId(ctx.account),
    metadata: {},
    method: 'standard',
    sourceType: 'card',
    statementDescriptor: null,
    automatic: true,
  });
  // The payout's own debit belongs to it too (it is now among the unpaid available transactions).
  markPaidOut(ctx, currency, payout.id);
  return payout;
}

/** The bank returns a payout: the funds come back (`payout_failure`), status `failed`. */
export function failPayout(
  ctx: MutationContext,
  payoutId: string,
  code: keyof typeof PAYOUT_FAILURES = 'could_not_process',
): StripeObject {
  const payout = ctx.require('payouts', payoutId, 'payout');
  if (payout.status === 'failed' || payout.status === 'canceled')
    throw invalidRequest(`Payout ${payout.id} has already ${payout.status}.`);
  const txn = record(ctx, {
    amount: Number(payout.amount),
    currency: String(payout.currency),
    type: 'payout_failure',
    reportingCategory: 'payout_reversal',
    source: payout.id,
    description: `Payout failure (${code})`,
    availableOn: ctx.now,
  });
  const failed = {
    ...payout,
    status: 'failed',
    failure_balance_transaction: txn.id,
    failure_code: code,
    failure_message: PAYOUT_FAILURES[code] ?? null,
  };
  ctx.save('payouts', failed, { emit: 'payout.updated' });
  ctx.emit('payout.failed', failed);
  return failed;
}

export const payouts: ResourceDef = {
  name: 'payouts',
  object: 'payout',
  idPrefix: 'po',
  path: '/v1/payouts',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: ['arrival_date', 'destination'],
  indexedFields: ['status'],
  listParams: { arrival_date: { test: rangeFilter('arrival_date') }, destination: {}, status: {} },
  expandable: {
    balance_transaction: ['balance_transactions'],
    failure_balance_transaction: ['balance_transactions'],
    original_payout: ['payouts'],
    reversed_by: ['payouts'],
  },
  events: { created: 'payout.created', updated: 'payout.updated' },
  permission: 'payouts',
  create(ctx, params) {
    allowParams(params, [
      'amount',
      'currency',
      'description',
      'destination',
      'metadata',
      'method',
      'payout_method',
      'source_type',
      'statement_descriptor',
    ]);
    settle(ctx);
    const amount = int(params, 'amount', { required: true, min: 1 });
    const currency = currencyParam(params, 'currency', true)!;
    const own = defaultBankAccountId(ctx.account);
    const destination = str(params, 'destination') ?? own;
    if (destination !== own)
      throw invalidRequest(`No such external account: '${destination}'`, 'destination', 'resource_missing');
    if (params.payout_method !== undefined)
      throw invalidRequest(
        'payout_method (v2 payout methods) is not supported by the emulator.',
        'payout_method',
      );
    if (availableAmount(ctx, currency) < amount) {
      throw invalidRequest(
        'You have insufficient funds in your Stripe account for this transfer. Your card balance is too low. You can use the /v1/balance endpoint to view your Stripe balance (for more details, see stripe.com/docs/api#balance).',
        'amount',
        'balance_insufficient',
      );
    }
    return insertPayout(ctx, {
      amount,
      currency,
      description: str(params, 'description') ?? null,
      destination,
      metadata: metadata(params),
      method: oneOf(params, 'method', ['standard', 'instant']) ?? 'standard',
      sourceType: oneOf(params, 'source_type', ['bank_account', 'card', 'fpx']) ?? 'card',
      statementDescriptor: str(params, 'statement_descriptor') ?? null,
      automatic: false,
    });
  },
  update(_ctx, current, params) {
    allowParams(params, ['metadata']);
    return { ...current, metadata: metadata(params, current.metadata as Record<string, string>) };
  },
  actions: [
    {
      path: '/v1/payouts/:id/cancel',
      handle(ctx, current, params) {
        allowParams(params, []);
        settle(ctx);
        const payout = ctx.get('payouts', current.id)!;
        if (payout.status !== 'pending') {
          throw invalidRequest(
            `Payouts can only be canceled while they are pending. This payout has a status of ${payout.status}.`,
            undefined,
            'payout_not_cancelable',
          );
        }
        const txn = record(ctx, {
          amount: Number(payout.amount),
          currency: String(payout.currency),
          type: 'payout_cancel',
          reportingCategory: 'payout_reversal',
          source: payout.id,
          description: 'Payout cancellation',
          availableOn: ctx.now,
        });
        const canceled = { ...payout, status: 'canceled', failure_balance_transaction: txn.id };
        ctx.save('payouts', canceled, { emit: 'payout.updated' });
        ctx.emit('payout.canceled', canceled);
        return canceled;
      },
    },
  ],
};
