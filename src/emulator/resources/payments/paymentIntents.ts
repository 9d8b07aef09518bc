/**
 * `/v1/payment_intents` (docs.stripe.com/api/payment_intents): create (optionally `confirm=true`, which
 * is how invoices pay through `ctx.create('payment_intents', …)`), retrieve, update, list (filters
 * `customer`, `customer_account`, `created`), and `/confirm`, `/capture`, `/cancel`. Since 2023-08-16
 * `automatic_payment_methods` is on unless `payment_method_types` is given, and since 2024-06-20 the
 * default `capture_method` is `automatic_async`. The state machine is in intentLifecycle.ts.
 */
import { invalidRequest } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { arr, bool, currency as currencyParam, int, metadata, oneOf, str } from '../params.js';
import { requireConnectedAccount, transferData } from './charges.js';
import { checkChargeAmount } from './fees.js';
import { cancelIntent, captureIntent, confirmIntent } from './intentLifecycle.js';
import { buildPaymentMethod, PAYMENT_METHOD_TYPES, resolvePaymentMethod } from './paymentMethodObjects.js';
import { allowParams, clientSecret, refId, shipping } from './shared.js';

/** Parameters the pinned SDK's PaymentIntentCreateParams knows. */
const CREATE_PARAMS = [
  'amount',
  'currency',
  'payment_method_types',
  'allowed_payment_method_types',
  'amount_details',
  'application_fee_amount',
  'automatic_payment_methods',
  'capture_method',
  'confirm',
  'confirmation_method',
  'confirmation_token',
  'customer',
  'customer_account',
  'description',
  'error_on_requires_action',
  'excluded_payment_method_types',
  'hooks',
  'mandate',
  'mandate_data',
  'metadata',
  'off_session',
  'on_behalf_of',
  'payment_details',
  'payment_method',
  'payment_method_configuration',
  'payment_method_data',
  'payment_method_options',
  'radar_options',
  'receipt_email',
  'return_url',
  'setup_future_usage',
  'shipping',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'transfer_data',
  'transfer_group',
  'use_stripe_sdk',
];
const UPDATE_PARAMS = [
  'allowed_payment_method_types',
  'amount',
  'amount_details',
  'application_fee_amount',
  'capture_method',
  'currency',
  'customer',
  'customer_account',
  'description',
  'excluded_payment_method_types',
  'hooks',
  'metadata',
  'payment_details',
  'payment_method',
  'payment_method_configuration',
  'payment_method_data',
  'payment_method_options',
  'receipt_email',
  'setup_future_usage',
  'shipping',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'transfer_data',
  'transfer_group',
];
const CONFIRM_PARAMS = [
  'allowed_payment_method_types',
  'amount_details',
  'amount_to_confirm',
  'capture_method',
  'confirmation_token',
  'error_on_requires_action',
  'excluded_payment_method_types',
  'hooks',
  'mandate',
  'mandate_data',
  'off_session',
  'payment_details',
  'payment_method',
  'payment_method_data',
  'payment_method_options',
  'radar_options',
  'receipt_email',
  'return_url',
  'setup_future_usage',
  'shipping',
  'use_stripe_sdk',
];
/** Once an intent left these states only descriptive fields may change. */
const MUTABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
const ALWAYS_UPDATABLE = ['description', 'metadata', 'receipt_email', 'shipping'];

const CAPTURE_METHODS = ['automatic', 'automatic_async', 'manual'] as const;

export function methodOptions(types: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (types.includes('card'))
    out.card = {
      installments: null,
      mandate_options: null,
      network: null,
      request_three_d_secure: 'automatic',
    };
  if (types.includes('us_bank_account')) out.us_bank_account = { verification_method: 'automatic' };
  if (types.includes('sepa_debit')) out.sepa_debit = {};
  return out;
}

/** `payment_method` (a stored or test id) or inline `payment_method_data`. */
function paymentMethodFrom(ctx: MutationContext, params: FormParams): StripeObject | undefined {
  const id = str(params, 'payment_method');
  if (id) return resolvePaymentMethod(ctx, id, 'payment_method');
  const data = params.payment_method_data;
  if (data && typeof data === 'object' && !Array.isArray(data))
    return ctx.insert('payment_methods', buildPaymentMethod(ctx, data));
  return undefined;
}

/**
 * `allowed_payment_method_types` (this API version's name) or `payment_method_types` (older versions,
 * still accepted for clients pinned to them).
 */
export function allowedPaymentMethodTypes(params: FormParams): string[] | undefined {
  const param =
    params.allowed_payment_method_types !== undefined
      ? 'allowed_payment_method_types'
      : 'payment_method_types';
  const list = arr(params, param);
  if (!list) return undefined;
  for (const t of list) {
    if (typeof t !== 'string' || !(PAYMENT_METHOD_TYPES as readonly string[]).includes(t)) {
      throw invalidRequest(
        `The payment method type "${String(t)}" is invalid. The emulator supports: ${PAYMENT_METHOD_TYPES.join(', ')}.`,
        param,
      );
    }
  }
  return list as string[];
}

function checkApplicationFee(ctx: MutationContext, fee: number | undefined, hasDestination: boolean): void {
  if (fee !== undefined && !ctx.connected && !hasDestination) {
    throw invalidRequest(
      'Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment (using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).',
      'application_fee_amount',
    );
  }
}

export const paymentIntents: ResourceDef = {
  name: 'payment_intents',
  object: 'payment_intent',
  idPrefix: 'pi',
  path: '/v1/payment_intents',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: ['customer_account'],
  indexedFields: ['customer'],
  listParams: { customer: {}, customer_account: {} },
  expandable: {
    customer: ['customers'],
    latest_charge: ['charges'],
    on_behalf_of: ['accounts'],
    payment_method: ['payment_methods'],
    review: ['reviews'],
  },
  events: { created: 'payment_intent.created' },
  permission: 'payment_intents',
  create(ctx, params) {
    allowParams(params, CREATE_PARAMS);
    const amount = int(params, 'amount', { required: true });
    const currency = currencyParam(params, 'currency', true)!;
    checkChargeAmount(amount, currency);
    const customer = str(params, 'customer') ?? null;
    if (customer) ctx.requireExists('customers', customer, 'customer');
    const onBehalfOf = str(params, 'on_behalf_of') ?? null;
    if (onBehalfOf) requireConnectedAccount(ctx, onBehalfOf, 'on_behalf_of');
    const td = transferData(ctx, params, amount);
    const fee = int(params, 'application_fee_amount');
    checkApplicationFee(ctx, fee, td !== null);
    const explicitTypes = allowedPaymentMethodTypes(params);
    const automaticEnabled = explicitTypes === undefined;
    const types = explicitTypes ?? ['card'];
    const pm = paymentMethodFrom(ctx, params);
    const id = ctx.newId('pi');
    const pi: StripeObject = Object.assign(ctx.template('payment_intent'), {
      id,
      object: 'payment_intent',
      allowed_payment_method_types: explicitTypes ?? null,
      amount,
      amount_capturable: 0,
      amount_details: { tip: {} },
      amount_received: 0,
      application: null,
      application_fee_amount: fee ?? null,
      automatic_payment_methods: automaticEnabled ? { allow_redirects: 'always', enabled: true } : null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: oneOf(params, 'capture_method', CAPTURE_METHODS) ?? 'automatic_async',
      client_secret: clientSecret(ctx, id),
      confirmation_method: oneOf(params, 'confirmation_method', ['automatic', 'manual']) ?? 'automatic',
      created: ctx.now,
      currency,
      customer,
      customer_account: str(params, 'customer_account') ?? null,
      description: str(params, 'description') ?? null,
      excluded_payment_method_types:
        (arr(params, 'excluded_payment_method_types') as string[] | undefined) ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: ctx.livemode,
      managed_payments: null,
      metadata: metadata(params),
      next_action: null,
      on_behalf_of: onBehalfOf,
      payment_method: pm?.id ?? null,
      payment_method_configuration_details: automaticEnabled
        ? { id: `pmc_${ctx.account.replace(/^acct_/, '').padEnd(24, '0')}`, parent: null }
        : null,
      payment_method_options: methodOptions(types),
      payment_method_types: types,
      payment_record: null,
      processing: null,
      receipt_email: str(params, 'receipt_email') ?? null,
      review: null,
      setup_future_usage: oneOf(params, 'setup_future_usage', ['off_session', 'on_session']) ?? null,
      shipping: shipping(params.shipping),
      source: null,
      statement_descriptor: str(params, 'statement_descriptor') ?? null,
      statement_descriptor_suffix: str(params, 'statement_descriptor_suffix') ?? null,
      status: pm ? 'requires_confirmation' : 'requires_payment_method',
      transfer_data: td
        ? td.amount === null
          ? { destination: td.destination }
          : { amount: td.amount, destination: td.destination }
        : null,
      transfer_group: str(params, 'transfer_group') ?? null,
    });
    ctx.insert('payment_intents', pi);
    if (bool(params, 'confirm')) return confirmIntent(ctx, pi, pm);
    return pi;
  },
  update(ctx, current, params) {
    allowParams(params, UPDATE_PARAMS);
    const locked = !MUTABLE.includes(String(current.status));
    const blocked = Object.keys(params).find((k) => !ALWAYS_UPDATABLE.includes(k));
    if (locked && blocked) {
      throw invalidRequest(
        `You cannot update ${blocked} on this PaymentIntent because it has a status of ${current.status}.`,
        blocked,
        'payment_intent_unexpected_state',
      );
    }
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    const amount = int(params, 'amount');
    const currency = currencyParam(params) ?? String(current.currency);
    if (amount !== undefined) {
      checkChargeAmount(amount, currency);
      next.amount = amount;
    }
    next.currency = currency;
    const customer = str(params, 'customer');
    if (customer !== undefined) {
      if (customer) ctx.requireExists('customers', customer, 'customer');
      next.customer = customer || null;
    }
    for (const field of [
      'description',
      'receipt_email',
      'statement_descriptor',
      'statement_descriptor_suffix',
      'transfer_group',
    ] as const) {
      const v = str(params, field);
      if (v !== undefined) next[field] = v || null;
    }
    if (params.shipping !== undefined) next.shipping = shipping(params.shipping);
    next.capture_method = oneOf(params, 'capture_method', CAPTURE_METHODS) ?? current.capture_method;
    if (params.setup_future_usage !== undefined) {
      next.setup_future_usage =
        params.setup_future_usage === ''
          ? null
          : oneOf(params, 'setup_future_usage', ['off_session', 'on_session']);
    }
    const fee = params.application_fee_amount;
    if (fee !== undefined)
      next.application_fee_amount = fee === '' ? null : int(params, 'application_fee_amount');
    const allowed = allowedPaymentMethodTypes(params);
    if (allowed) {
      next.allowed_payment_method_types = allowed;
      next.payment_method_types = allowed;
      next.automatic_payment_methods = null;
      next.payment_method_configuration_details = null;
      next.payment_method_options = methodOptions(allowed);
    }
    const pm = paymentMethodFrom(ctx, params);
    if (pm) {
      next.payment_method = pm.id;
      next.status = 'requires_confirmation';
    }
    return next;
  },
  actions: [
    {
      path: '/v1/payment_intents/:id/confirm',
      handle(ctx, current, params) {
        allowParams(params, CONFIRM_PARAMS);
        const pm =
          paymentMethodFrom(ctx, params) ??
          (current.payment_method
            ? ctx.get('payment_methods', String(refId(current.payment_method)))
            : undefined);
        const changes: Record<string, unknown> = {};
        const email = str(params, 'receipt_email');
        if (email !== undefined) changes.receipt_email = email || null;
        if (params.shipping !== undefined) changes.shipping = shipping(params.shipping);
        const capture = oneOf(params, 'capture_method', CAPTURE_METHODS);
        if (capture) changes.capture_method = capture;
        const sfu = oneOf(params, 'setup_future_usage', ['off_session', 'on_session']);
        if (sfu) changes.setup_future_usage = sfu;
        const pi = { ...current, ...changes };
        if (Object.keys(changes).length > 0) ctx.save('payment_intents', pi, { emit: false });
        return confirmIntent(ctx, pi, pm);
      },
    },
    {
      path: '/v1/payment_intents/:id/capture',
      handle(ctx, current, params) {
        allowParams(params, [
          'amount_details',
          'amount_to_capture',
          'application_fee_amount',
          'final_capture',
          'hooks',
          'metadata',
          'payment_details',
          'statement_descriptor',
          'statement_descriptor_suffix',
          'transfer_data',
        ]);
        const changes: Record<string, unknown> = {};
        const fee = int(params, 'application_fee_amount');
        if (fee !== undefined) changes.application_fee_amount = fee;
        const sd = str(params, 'statement_descriptor');
        if (sd !== undefined) changes.statement_descriptor = sd;
        const sds = str(params, 'statement_descriptor_suffix');
        if (sds !== undefined) changes.statement_descriptor_suffix = sds;
        const md =
          params.metadata !== undefined
            ? metadata(params, current.metadata as Record<string, string>)
            : undefined;
        return captureIntent(ctx, current, int(params, 'amount_to_capture'), changes, md);
      },
    },
    {
      path: '/v1/payment_intents/:id/cancel',
      handle(ctx, current, params) {
        allowParams(params, ['cancellation_reason']);
        const reason =
          oneOf(params, 'cancellation_reason', [
            'abandoned',
            'duplicate',
            'fraudulent',
            'requested_by_customer',
          ]) ?? null;
        return cancelIntent(ctx, current, reason);
      },
    },
  ],
};
