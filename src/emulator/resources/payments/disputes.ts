/**
 * Disputes (`dp_…`, docs.stripe.com/api/disputes). Card networks open them and Stripe records them;
 * there is no `POST /v1/disputes`. A chargeback withdraws the disputed amount plus Stripe's dispute fee
 * (a balance transaction of type `adjustment`, reporting category `dispute`, embedded in
 * `balance_transactions`); an inquiry (`warning_*` statuses) moves no money. Clients submit evidence
 * (`POST /v1/disputes/:id`, `submit` defaults to true → `under_review`) or accept (`/close` → `lost`).
 *
 * Emulator-only ways in, for the seed and tests: the test cards `pm_card_createDispute*`, and
 * `createDispute` / `resolveDispute` below (won → funds reinstated, lost → closed).
 * Events: charge.dispute.created / updated / closed / funds_withdrawn / funds_reinstated.
 */
import { invalidRequest, parameterUnknown } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { bool, metadata, oneOf } from '../params.js';
import { resolveEarlyFraudWarnings } from './earlyFraudWarnings.js';
import { disputeFee } from './fees.js';
import { record } from './ledger.js';
import { closeReviewOf } from './reviews.js';
import { settle } from './settle.js';
import { allowParams, DAY, dayStart, refId, saveWithEvent } from './shared.js';

export const DISPUTE_REASONS = [
  'bank_cannot_process',
  'check_returned',
  'credit_not_processed',
  'customer_initiated',
  'debit_not_authorized',
  'duplicate',
  'fraudulent',
  'general',
  'incorrect_account_details',
  'insufficient_funds',
  'noncompliant',
  'product_not_received',
  'product_unacceptable',
  'subscription_canceled',
  'unrecognized',
] as const;

const CLOSED = new Set(['won', 'lost', 'warning_closed', 'prevented']);

/** Visa reason codes by dispute reason (docs.stripe.com/disputes/reason-codes). */
const VISA_REASON_CODES: Record<string, string> = {
  fraudulent: '10.4',
  product_not_received: '13.1',
  product_unacceptable: '13.3',
  duplicate: '12.6.1',
  credit_not_processed: '13.6',
  subscription_canceled: '13.2',
  general: '13.7',
};

export interface DisputeOptions {
  reason?: string;
  /** An inquiry (retrieval request): `warning_needs_response`, no funds withdrawn. */
  inquiry?: boolean;
  amount?: number;
}

/** Opens a dispute on a successful, captured charge (Stripe does this when the cardholder disputes). */
export function createDispute(
  ctx: MutationContext,
  chargeId: string,
  opts: DisputeOptions = {},
): StripeObject {
  settle(ctx);
  const charge = ctx.require('charges', chargeId, 'charge');
  if (charge.status !== 'succeeded' || !charge.captured) {
    throw invalidRequest(`Charge ${charge.id} was not captured and cannot be disputed.`, 'charge');
  }
  if (charge.disputed)
    throw invalidRequest(`Charge ${charge.id} has already been disputed.`, 'charge', 'charge_disputed');
  const reason = opts.reason ?? 'fraudulent';
  if (!(DISPUTE_REASONS as readonly string[]).includes(reason))
    throw invalidRequest(`Invalid dispute reason: ${reason}`, 'reason');
  const amount = opts.amount ?? Number(charge.amount_captured);
  const currency = String(charge.currency);
  const inquiry = opts.inquiry === true;
  const template = ctx.template('dispute');
  const evidence = Object.fromEntries(
    Object.keys(template.evidence as object).map((k) => [k, k === 'enhanced_evidence' ? {} : null]),
  );
  const card = (charge.payment_method_details as { card?: { brand?: string }; type?: string } | null)?.card;
  const dispute: StripeObject = {
    ...template,
    id: ctx.newId('dp'),
    object: 'dispute',
    amount,
    balance_transactions: [],
    charge: charge.id,
    created: ctx.now,
    currency,
    enhanced_eligibility_types: [],
    evidence,
    evidence_details: {
      // Responses are due about three weeks out, at the end of a day (Stripe's `due_by` is 23:59:59 UTC).
      due_by: dayStart(ctx.now) + 21 * DAY - 1,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: inquiry && !charge.refunded,
    livemode: ctx.livemode,
    metadata: {},
    payment_intent: refId(charge.payment_intent),
    reason,
    status: inquiry ? 'warning_needs_response' : 'needs_response',
  };
  if (card) {
    dispute.payment_method_details = {
      card: {
        brand: card.brand ?? null,
        case_type: inquiry ? 'inquiry' : 'chargeback',
        network: card.brand ?? null,
        network_reason_code: VISA_REASON_CODES[reason] ?? '13.7',
      },
      type: 'card',
    };
  } else {
    delete dispute.payment_method_details;
  }
  ctx.insert('disputes', dispute);
  ctx.save('charges', { ...charge, disputed: true }, { emit: false });
  closeReviewOf(ctx, charge.id, 'disputed');
  resolveEarlyFraudWarnings(ctx, charge.id);
  if (inquiry) return dispute;
  const txn = record(ctx, {
    amount: -amount,
    currency,
    type: 'adjustment',
    reportingCategory: 'dispute',
    source: dispute.id,
    description: `Chargeback withdrawal for ${charge.id}`,
    fees: [disputeFee(currency)],
  });
  return saveWithEvent(
    ctx,
    'disputes',
    { ...dispute, balance_transactions: [txn] },
    'charge.dispute.funds_withdrawn',
  );
}

/** The bank decides: `won` reinstates the funds, `lost` keeps them withdrawn; both close the dispute. */
export function resolveDispute(
  ctx: MutationContext,
  disputeId: string,
  outcome: 'won' | 'lost',
): StripeObject {
  settle(ctx);
  const dispute = ctx.require('disputes', disputeId, 'dispute');
  if (CLOSED.has(String(dispute.status)))
    throw invalidRequest(`Dispute ${dispute.id} is already closed.`, undefined, 'dispute_already_closed');
  const inquiry = String(dispute.status).startsWith('warning_');
  let next: StripeObject = {
    ...dispute,
    status: inquiry ? 'warning_closed' : outcome,
    is_charge_refundable: false,
  };
  if (outcome === 'won' && !inquiry) {
    const txn = record(ctx, {
      amount: Number(dispute.amount),
      currency: String(dispute.currency),
      type: 'adjustment',
      reportingCategory: 'dispute_reversal',
      source: dispute.id,
      description: `Chargeback reversal for ${dispute.charge}`,
    });
    next = { ...next, balance_transactions: [...(dispute.balance_transactions as unknown[]), txn] };
    saveWithEvent(ctx, 'disputes', next, 'charge.dispute.funds_reinstated');
  }
  return saveWithEvent(ctx, 'disputes', next, 'charge.dispute.closed');
}

function applyEvidence(current: StripeObject, params: FormParams): Record<string, unknown> {
  const evidence = { ...(current.evidence as Record<string, unknown>) };
  const given = params.evidence;
  if (given === undefined) return evidence;
  if (typeof given !== 'object' || Array.isArray(given)) throw invalidRequest('Invalid object', 'evidence');
  for (const [k, v] of Object.entries(given)) {
    if (!(k in evidence) || k === 'enhanced_evidence') throw parameterUnknown(`evidence[${k}]`);
    if (typeof v !== 'string') throw invalidRequest(`Invalid string: evidence[${k}]`, `evidence[${k}]`);
    evidence[k] = v === '' ? null : v;
  }
  return evidence;
}

export const disputes: ResourceDef = {
  name: 'disputes',
  object: 'dispute',
  idPrefix: 'dp',
  path: '/v1/disputes',
  operations: { list: true, retrieve: true, update: true },
  createdFilter: true,
  indexedFields: ['charge', 'payment_intent'],
  listParams: { charge: {}, payment_intent: {} },
  expandable: { charge: ['charges'], payment_intent: ['payment_intents'] },
  events: { created: 'charge.dispute.created', updated: 'charge.dispute.updated' },
  permission: 'disputes',
  update(_ctx, current, params) {
    allowParams(params, ['evidence', 'intended_submission_method', 'metadata', 'submit']);
    if (CLOSED.has(String(current.status))) {
      throw invalidRequest(
        `This dispute is already closed: ${current.id}`,
        undefined,
        'dispute_already_closed',
      );
    }
    const evidence = applyEvidence(current, params);
    const submit = bool(params, 'submit') ?? true;
    const details = { ...(current.evidence_details as Record<string, unknown>) };
    details.has_evidence = Object.entries(evidence).some(([k, v]) => k !== 'enhanced_evidence' && v !== null);
    let status = String(current.status);
    if (submit && params.evidence !== undefined) {
      details.submission_count = Number(details.submission_count) + 1;
      details.submission_method = 'manual';
      if (status === 'needs_response') status = 'under_review';
      if (status === 'warning_needs_response') status = 'warning_under_review';
    }
    return {
      ...current,
      evidence,
      evidence_details: details,
      intended_submission_method:
        oneOf(params, 'intended_submission_method', [
          'manual',
          'prefer_manual',
          'prefer_smart_disputes',
          'smart_disputes',
        ]) ?? current.intended_submission_method,
      metadata: metadata(params, current.metadata as Record<string, string>),
      status,
    };
  },
  actions: [
    {
      // Accepting the dispute: Stripe marks it lost ("Closing the dispute for a charge indicates that you do not have any evidence to submit").
      path: '/v1/disputes/:id/close',
      handle(ctx, current, params) {
        allowParams(params, []);
        return resolveDispute(ctx, current.id, 'lost');
      },
    },
  ],
};
