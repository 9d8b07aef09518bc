/**
 * `/v1/charges` (docs.stripe.com/api/charges): list (filters `customer`, `payment_intent`,
 * `transfer_group`, `created`), retrieve, the legacy create (`source` = a test token `tok_visa`, a
 * PaymentMethod id or `pm_card_*`, or the customer's default payment method), update, and `/capture`.
 * A declined card stores a failed charge and answers 402 `card_error` naming it, as Stripe does.
 * `refunds` is includable only ("no longer auto-expanded" since 2022-11-15); its list is
 * `/v1/charges/:id/refunds`.
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { bool, currency as currencyParam, int, metadata, obj, str } from '../params.js';
import { CardError } from './cardError.js';
import { captureCharge, createCharge } from './chargeEngine.js';
import { checkChargeAmount } from './fees.js';
import { buildPaymentMethod, resolvePaymentMethod } from './paymentMethodObjects.js';
import { defaultPaymentMethodFor } from './paymentMethods.js';
import { allowParams, refId, shipping } from './shared.js';
import { LEGACY_BRAND } from './testCards.js';

const CREATE_PARAMS = [
  'amount',
  'application_fee',
  'application_fee_amount',
  'capture',
  'currency',
  'customer',
  'description',
  'destination',
  'metadata',
  'on_behalf_of',
  'radar_options',
  'receipt_email',
  'shipping',
  'source',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'transfer_data',
  'transfer_group',
];

/** The legacy `card_…` source object a token charge carries in `source`. */
function legacyCard(ctx: MutationContext, pm: StripeObject): Record<string, unknown> {
  const c = pm.card as Record<string, unknown>;
  return Object.assign(ctx.template('card'), {
    id: pm.id,
    object: 'card',
    address_city: null,
    address_country: null,
    address_line1: null,
    address_line1_check: null,
    address_line2: null,
    address_state: null,
    address_zip: null,
    address_zip_check: null,
    brand: LEGACY_BRAND[String(c.brand)] ?? 'Unknown',
    country: c.country,
    customer: null,
    cvc_check: 'pass',
    dynamic_last4: null,
    exp_month: c.exp_month,
    exp_year: c.exp_year,
    fingerprint: c.fingerprint,
    funding: c.funding,
    last4: c.last4,
    metadata: {},
    name: null,
    tokenization_method: null,
    regulated_status: c.regulated_status ?? null,
  });
}

/** What a charge is paid with: `source`, else the customer's default payment method. */
function instrument(
  ctx: MutationContext,
  params: FormParams,
  customer: string | null,
): { pm: StripeObject; source: Record<string, unknown> | null } {
  const source = str(params, 'source');
  if (source?.startsWith('tok_')) {
    const pm = {
      ...buildPaymentMethod(ctx, { type: 'card', card: { token: source } }),
      id: ctx.newId('card'),
    };
    return { pm, source: legacyCard(ctx, pm) };
  }
  if (source?.startsWith('pm_')) return { pm: resolvePaymentMethod(ctx, source, 'source'), source: null };
  if (source) throw invalidRequest(`No such source: '${source}'`, 'source', 'resource_missing');
  if (customer) {
    const pm = defaultPaymentMethodFor(ctx, customer);
    if (pm) return { pm, source: null };
    throw invalidRequest('Cannot charge a customer that has no active card', 'card', 'missing');
  }
  throw invalidRequest('Must provide source or customer.', 'source', 'parameter_missing');
}

/** A connected account of this platform named by `param`. */
export function requireConnectedAccount(ctx: MutationContext, id: string, param: string): void {
  if (ctx.connected || !ctx.get('accounts', id))
    throw invalidRequest(`No such destination: '${id}'`, param, 'resource_missing');
}

/** `transfer_data` (or the legacy `destination`) of a destination charge. */
export function transferData(
  ctx: MutationContext,
  params: FormParams,
  amount: number,
): { destination: string; amount: number | null } | null {
  const td = obj(params, 'transfer_data') ?? obj(params, 'destination');
  if (!td) return null;
  const destination =
    typeof td.destination === 'string'
      ? td.destination
      : typeof td.account === 'string'
        ? td.account
        : undefined;
  if (!destination) throw parameterMissing('transfer_data[destination]');
  requireConnectedAccount(ctx, destination, 'transfer_data[destination]');
  const tAmount = int(td as FormParams, 'amount') ?? null;
  if (tAmount !== null && tAmount > amount)
    throw invalidRequest(
      'The transfer amount cannot be greater than the charge amount.',
      'transfer_data[amount]',
    );
  return { destination, amount: tAmount };
}

/** Throws Stripe's 402 when the charge was declined. */
export function declineError(charge: StripeObject, extra: Record<string, unknown> = {}): CardError {
  const outcome = charge.outcome as { reason?: string } | null;
  return new CardError(String(charge.failure_message), String(charge.failure_code), {
    decline_code: outcome?.reason === 'highest_risk_level' ? 'fraudulent' : (outcome?.reason ?? undefined),
    charge: charge.id,
    ...extra,
  });
}

export const charges: ResourceDef = {
  name: 'charges',
  object: 'charge',
  idPrefix: 'ch',
  path: '/v1/charges',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: ['transfer_group'],
  indexedFields: ['customer', 'payment_intent'],
  listParams: { customer: {}, payment_intent: {}, transfer_group: {} },
  expandable: {
    application_fee: ['application_fees'],
    balance_transaction: ['balance_transactions'],
    customer: ['customers'],
    failure_balance_transaction: ['balance_transactions'],
    on_behalf_of: ['accounts'],
    payment_intent: ['payment_intents'],
    review: ['reviews'],
    source_transfer: ['transfers'],
    transfer: ['transfers'],
  },
  embeds: [
    {
      field: 'refunds',
      child: 'refunds',
      parentField: 'charge',
      url: '/v1/charges/:id/refunds',
      limit: 10,
      includable: true,
    },
  ],
  events: { updated: 'charge.updated' },
  permission: 'charges',
  create(ctx, params) {
    allowParams(params, CREATE_PARAMS);
    const amount = int(params, 'amount', { required: true });
    const currency = currencyParam(params, 'currency', true)!;
    checkChargeAmount(amount, currency);
    const customer = str(params, 'customer') ?? null;
    if (customer) ctx.require('customers', customer, 'customer');
    const onBehalfOf = str(params, 'on_behalf_of') ?? null;
    if (onBehalfOf) requireConnectedAccount(ctx, onBehalfOf, 'on_behalf_of');
    const { pm, source } = instrument(ctx, params, customer);
    const charge = createCharge(ctx, {
      amount,
      currency,
      customer,
      description: str(params, 'description') ?? null,
      metadata: metadata(params),
      paymentMethod: pm,
      source,
      capture: bool(params, 'capture') ?? true,
      paymentIntent: null,
      receiptEmail: str(params, 'receipt_email') ?? null,
      shipping: shipping(params.shipping),
      statementDescriptor: str(params, 'statement_descriptor') ?? null,
      statementDescriptorSuffix: str(params, 'statement_descriptor_suffix') ?? null,
      transferGroup: str(params, 'transfer_group') ?? null,
      transferData: transferData(ctx, params, amount),
      applicationFeeAmount: int(params, 'application_fee_amount') ?? int(params, 'application_fee') ?? null,
      onBehalfOf,
    });
    if (charge.status === 'failed') throw declineError(charge);
    return charge;
  },
  update(ctx, current, params) {
    allowParams(params, [
      'customer',
      'description',
      'fraud_details',
      'metadata',
      'receipt_email',
      'shipping',
      'transfer_group',
    ]);
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    const customer = str(params, 'customer');
    if (customer !== undefined) {
      if (current.customer && refId(current.customer) !== customer) {
        throw invalidRequest(
          'The customer of a charge can only be set when the charge has no customer yet.',
          'customer',
        );
      }
      ctx.require('customers', customer, 'customer');
      next.customer = customer;
    }
    const description = str(params, 'description');
    if (description !== undefined) next.description = description || null;
    const email = str(params, 'receipt_email');
    if (email !== undefined) next.receipt_email = email || null;
    if (params.shipping !== undefined) next.shipping = shipping(params.shipping);
    const group = str(params, 'transfer_group');
    if (group !== undefined) next.transfer_group = group || null;
    const fraud = obj(params, 'fraud_details');
    if (fraud) {
      const report = fraud.user_report;
      if (report !== 'fraudulent' && report !== 'safe' && report !== '')
        throw invalidRequest('Invalid fraud_details[user_report]', 'fraud_details[user_report]');
      next.fraud_details = report ? { ...(current.fraud_details as object), user_report: report } : {};
    }
    return next;
  },
  actions: [
    {
      path: '/v1/charges/:id/capture',
      handle(ctx, current, params) {
        allowParams(params, [
          'amount',
          'application_fee',
          'application_fee_amount',
          'receipt_email',
          'statement_descriptor',
          'statement_descriptor_suffix',
          'transfer_data',
          'transfer_group',
        ]);
        if (current.payment_intent) {
          throw invalidRequest(
            `This charge (${current.id}) belongs to PaymentIntent ${refId(current.payment_intent)}; capture the PaymentIntent instead.`,
          );
        }
        const extra: Record<string, unknown> = {};
        const fee = int(params, 'application_fee_amount') ?? int(params, 'application_fee');
        if (fee !== undefined) extra.application_fee_amount = fee;
        const email = str(params, 'receipt_email');
        if (email !== undefined) extra.receipt_email = email;
        const sd = str(params, 'statement_descriptor');
        if (sd !== undefined) extra.statement_descriptor = sd;
        const sds = str(params, 'statement_descriptor_suffix');
        if (sds !== undefined) extra.statement_descriptor_suffix = sds;
        const group = str(params, 'transfer_group');
        if (group !== undefined) extra.transfer_group = group;
        return captureCharge(ctx, current, int(params, 'amount') ?? Number(current.amount), extra);
      },
    },
  ],
};
