/**
 * `/v1/setup_intents` (docs.stripe.com/api/setup_intents): saving a payment method for later. Create
 * (optionally `confirm=true`), retrieve, update, list (filters `customer`, `customer_account`,
 * `payment_method`, `attach_to_self`, `created`), `/confirm` and `/cancel`. A successful confirmation
 * attaches the payment method to the customer (`payment_method.attached`); a declining test card leaves
 * `requires_payment_method` with `last_setup_error` (`setup_intent.setup_failed`, 402). Events exist for
 * created / succeeded / setup_failed / canceled only (no `setup_intent.updated`). `latest_attempt` stays
 * null: the emulator does not serve SetupAttempts.
 */
import { invalidRequest } from '../../apiError.js';
import type { FormParams, FormValue } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { arr, bool, metadata, oneOf, str } from '../params.js';
import { CardError } from './cardError.js';
import { allowedPaymentMethodTypes } from './paymentIntents.js';
import { buildPaymentMethod, resolvePaymentMethod, testCardOf } from './paymentMethodObjects.js';
import { attachPaymentMethod } from './paymentMethods.js';
import { allowParams, clientSecret, refId, saveWithEvent } from './shared.js';

const CREATE_PARAMS = [
  'allowed_payment_method_types',
  'payment_method_types',
  'attach_to_self',
  'automatic_payment_methods',
  'confirm',
  'confirmation_token',
  'customer',
  'customer_account',
  'description',
  'excluded_payment_method_types',
  'flow_directions',
  'mandate_data',
  'metadata',
  'on_behalf_of',
  'payment_method',
  'payment_method_configuration',
  'payment_method_data',
  'payment_method_options',
  'return_url',
  'single_use',
  'usage',
  'use_stripe_sdk',
];
const UPDATE_PARAMS = [
  'allowed_payment_method_types',
  'attach_to_self',
  'customer',
  'customer_account',
  'description',
  'excluded_payment_method_types',
  'flow_directions',
  'metadata',
  'payment_method',
  'payment_method_configuration',
  'payment_method_data',
  'payment_method_options',
];
const CONFIRM_PARAMS = [
  'allowed_payment_method_types',
  'confirmation_token',
  'mandate_data',
  'payment_method',
  'payment_method_data',
  'payment_method_options',
  'return_url',
  'use_stripe_sdk',
];
const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

function paymentMethodFrom(ctx: MutationContext, params: FormParams): StripeObject | undefined {
  const id = str(params, 'payment_method');
  if (id) return resolvePaymentMethod(ctx, id, 'payment_method');
  const data = params.payment_method_data;
  if (data && typeof data === 'object' && !Array.isArray(data))
    return ctx.insert('payment_methods', buildPaymentMethod(ctx, data));
  return undefined;
}

function flowDirections(v: FormValue[] | undefined): string[] | null {
  if (!v) return null;
  for (const d of v)
    if (d !== 'inbound' && d !== 'outbound')
      throw invalidRequest(`Invalid flow_directions: ${String(d)}`, 'flow_directions');
  return v as string[];
}

function unexpected(message: string) {
  return invalidRequest(message, undefined, 'setup_intent_unexpected_state');
}

export function confirmSetupIntent(
  ctx: MutationContext,
  si: StripeObject,
  pm: StripeObject | undefined,
): StripeObject {
  if (!CONFIRMABLE.includes(String(si.status))) {
    throw unexpected(`You cannot confirm this SetupIntent because it has a status of ${si.status}.`);
  }
  if (!pm) {
    throw invalidRequest(
      "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
      'payment_method',
      'setup_intent_unexpected_state',
    );
  }
  const decline = pm.type === 'card' ? testCardOf(pm)?.decline : undefined;
  if (decline) {
    const failed: StripeObject = {
      ...si,
      last_setup_error: {
        code: decline.code,
        decline_code: decline.decline_code,
        doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
        message: decline.message,
        payment_method: pm,
        type: 'card_error',
      },
      payment_method: null,
      status: 'requires_payment_method',
    };
    saveWithEvent(ctx, 'setup_intents', failed, 'setup_intent.setup_failed');
    throw new CardError(decline.message, decline.code, {
      decline_code: decline.decline_code,
      setup_intent: failed,
      payment_method: pm,
    });
  }
  const customer = refId(si.customer);
  if (customer) attachPaymentMethod(ctx, pm, customer);
  return saveWithEvent(
    ctx,
    'setup_intents',
    { ...si, last_setup_error: null, next_action: null, payment_method: pm.id, status: 'succeeded' },
    'setup_intent.succeeded',
  );
}

export const setupIntents: ResourceDef = {
  name: 'setup_intents',
  object: 'setup_intent',
  idPrefix: 'seti',
  path: '/v1/setup_intents',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: ['attach_to_self', 'customer_account'],
  indexedFields: ['customer', 'payment_method'],
  listParams: {
    // `attach_to_self` is only present on intents created with it; absent means false.
    attach_to_self: {
      test(value: FormValue) {
        if (value !== 'true' && value !== 'false')
          throw invalidRequest(`Invalid boolean: ${String(value)}`, 'attach_to_self');
        return value === 'true' ? (f) => f.attach_to_self === true : (f) => f.attach_to_self !== true;
      },
    },
    customer: {},
    customer_account: {},
    payment_method: {},
  },
  expandable: { customer: ['customers'], on_behalf_of: ['accounts'], payment_method: ['payment_methods'] },
  events: { created: 'setup_intent.created' },
  permission: 'setup_intents',
  create(ctx, params) {
    allowParams(params, CREATE_PARAMS);
    const customer = str(params, 'customer') ?? null;
    if (customer) ctx.require('customers', customer, 'customer');
    const explicit = allowedPaymentMethodTypes(params);
    const pm = paymentMethodFrom(ctx, params);
    const id = ctx.newId('seti');
    const types = explicit ?? ['card'];
    const si: StripeObject = Object.assign(ctx.template('setup_intent'), {
      id,
      object: 'setup_intent',
      allowed_payment_method_types: explicit ?? null,
      application: null,
      automatic_payment_methods: explicit ? null : { allow_redirects: 'always', enabled: true },
      cancellation_reason: null,
      client_secret: clientSecret(ctx, id),
      created: ctx.now,
      customer,
      description: str(params, 'description') ?? null,
      excluded_payment_method_types:
        (arr(params, 'excluded_payment_method_types') as string[] | undefined) ?? null,
      flow_directions: flowDirections(arr(params, 'flow_directions')),
      last_setup_error: null,
      latest_attempt: null,
      livemode: ctx.livemode,
      mandate: null,
      metadata: metadata(params),
      next_action: null,
      on_behalf_of: str(params, 'on_behalf_of') ?? null,
      payment_method: pm?.id ?? null,
      payment_method_configuration_details: explicit
        ? null
        : { id: `pmc_${ctx.account.replace(/^acct_/, '').padEnd(24, '0')}`, parent: null },
      payment_method_options: types.includes('card')
        ? { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } }
        : {},
      payment_method_types: types,
      single_use_mandate: null,
      status: pm ? 'requires_confirmation' : 'requires_payment_method',
      usage: oneOf(params, 'usage', ['off_session', 'on_session']) ?? 'off_session',
    });
    const attachToSelf = bool(params, 'attach_to_self');
    if (attachToSelf !== undefined) si.attach_to_self = attachToSelf;
    ctx.insert('setup_intents', si);
    if (bool(params, 'confirm')) return confirmSetupIntent(ctx, si, pm);
    return si;
  },
  update(ctx, current, params) {
    allowParams(params, UPDATE_PARAMS);
    if (
      !CONFIRMABLE.includes(String(current.status)) &&
      Object.keys(params).some((k) => k !== 'metadata' && k !== 'description')
    ) {
      throw unexpected(`You cannot update this SetupIntent because it has a status of ${current.status}.`);
    }
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    const description = str(params, 'description');
    if (description !== undefined) next.description = description || null;
    const customer = str(params, 'customer');
    if (customer !== undefined) {
      if (customer) ctx.require('customers', customer, 'customer');
      next.customer = customer || null;
    }
    const attachToSelf = bool(params, 'attach_to_self');
    if (attachToSelf !== undefined) next.attach_to_self = attachToSelf;
    const flows = arr(params, 'flow_directions');
    if (flows) next.flow_directions = flowDirections(flows);
    const pm = paymentMethodFrom(ctx, params);
    if (pm) {
      next.payment_method = pm.id;
      next.status = 'requires_confirmation';
    }
    return next;
  },
  actions: [
    {
      path: '/v1/setup_intents/:id/confirm',
      handle(ctx, current, params) {
        allowParams(params, CONFIRM_PARAMS);
        const pm =
          paymentMethodFrom(ctx, params) ??
          (current.payment_method
            ? ctx.get('payment_methods', String(refId(current.payment_method)))
            : undefined);
        return confirmSetupIntent(ctx, current, pm);
      },
    },
    {
      path: '/v1/setup_intents/:id/cancel',
      handle(ctx, current, params) {
        allowParams(params, ['cancellation_reason']);
        if (!CONFIRMABLE.includes(String(current.status))) {
          throw unexpected(
            `You cannot cancel this SetupIntent because it has a status of ${current.status}. Only a SetupIntent with one of the following statuses may be canceled: ${CONFIRMABLE.join(', ')}.`,
          );
        }
        const reason =
          oneOf(params, 'cancellation_reason', ['abandoned', 'duplicate', 'requested_by_customer']) ?? null;
        return saveWithEvent(
          ctx,
          'setup_intents',
          { ...current, cancellation_reason: reason, status: 'canceled' },
          'setup_intent.canceled',
        );
      },
    },
  ],
};
