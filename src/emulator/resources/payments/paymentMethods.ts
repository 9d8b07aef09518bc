/**
 * PaymentMethods (`pm_…`, docs.stripe.com/api/payment_methods): create, retrieve, update, list,
 * `/attach` and `/detach`, plus the customer's view `/v1/customers/:id/payment_methods` (list and
 * retrieve). "Unfiltered, the list returns all payment method types except `custom`." Events:
 * payment_method.attached / detached / updated (there is no `payment_method.created`). Updating card
 * details requires the PaymentMethod to be attached to a customer, as on Stripe.
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormValue } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { metadata, oneOf, str } from '../params.js';
import { billingDetails, buildPaymentMethod } from './paymentMethodObjects.js';
import { allowParams, refId, saveWithEvent } from './shared.js';

const CREATE_PARAMS = [
  'allow_redisplay',
  'billing_details',
  'card',
  'customer',
  'metadata',
  'payment_method',
  'sepa_debit',
  'type',
  'us_bank_account',
];

/** Attaches `pm` to `customer` (`payment_method.attached`); attaching to the same customer again is a no-op. */
export function attachPaymentMethod(ctx: MutationContext, pm: StripeObject, customer: string): StripeObject {
  const current = refId(pm.customer);
  if (current === customer) return pm;
  if (current) {
    throw invalidRequest(
      'The payment method you provided has already been attached to a customer.',
      'payment_method',
      'payment_method_unexpected_state',
    );
  }
  ctx.require('customers', customer, 'customer');
  return saveWithEvent(ctx, 'payment_methods', { ...pm, customer }, 'payment_method.attached');
}

/** The PaymentMethod a customer pays with by default: invoice settings, else the newest attached one. */
export function defaultPaymentMethodFor(ctx: MutationContext, customerId: string): StripeObject | undefined {
  const customer = ctx.get('customers', customerId);
  const settings = (customer?.invoice_settings ?? {}) as { default_payment_method?: unknown };
  const preferred = refId(settings.default_payment_method);
  if (preferred) {
    const pm = ctx.get('payment_methods', preferred);
    if (pm) return pm;
  }
  const attached = ctx.findBy('payment_methods', 'customer', customerId);
  return attached[attached.length - 1];
}

function mergeBilling(current: unknown, given: FormValue | undefined): unknown {
  if (given === undefined) return current;
  const next = billingDetails(given);
  const cur = (current ?? {}) as Record<string, unknown>;
  const g = given && typeof given === 'object' && !Array.isArray(given) ? given : {};
  const out: Record<string, unknown> = { ...cur };
  for (const k of Object.keys(next)) if (k in g) out[k] = next[k];
  if ('address' in g)
    out.address = {
      ...(cur.address as object),
      ...Object.fromEntries(
        Object.entries(next.address as object).filter(([k]) => k in (g.address as object)),
      ),
    };
  return out;
}

export const paymentMethods: ResourceDef = {
  name: 'payment_methods',
  object: 'payment_method',
  idPrefix: 'pm',
  path: '/v1/payment_methods',
  parent: {
    resource: 'customers',
    field: 'customer',
    path: '/v1/customers/:parent/payment_methods',
    operations: { list: true, retrieve: true },
  },
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: false,
  filterFields: ['type', 'allow_redisplay', 'customer_account'],
  indexedFields: ['customer'],
  listParams: {
    allow_redisplay: { enum: ['always', 'limited', 'unspecified'] },
    customer: {},
    customer_account: {},
    type: {},
  },
  defaultListFilter: { overriddenBy: ['type'], test: (f) => f.type !== 'custom' },
  expandable: { customer: ['customers'] },
  events: { updated: 'payment_method.updated' },
  permission: 'payment_methods',
  create(ctx, params) {
    allowParams(params, CREATE_PARAMS);
    if (params.payment_method !== undefined || params.customer !== undefined) {
      // Cloning a platform customer's PaymentMethod onto a connected account (Connect).
      throw invalidRequest(
        'Cloning PaymentMethods (payment_method + customer) is not supported by the emulator.',
        'payment_method',
      );
    }
    return ctx.insert('payment_methods', buildPaymentMethod(ctx, params));
  },
  update(_ctx, current, params) {
    allowParams(params, ['allow_redisplay', 'billing_details', 'card', 'metadata', 'us_bank_account']);
    const next: StripeObject = {
      ...current,
      allow_redisplay:
        oneOf(params, 'allow_redisplay', ['always', 'limited', 'unspecified']) ?? current.allow_redisplay,
      billing_details: mergeBilling(current.billing_details, params.billing_details),
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    const card = params.card;
    if (card !== undefined) {
      if (current.type !== 'card')
        throw invalidRequest('card can only be updated on card PaymentMethods.', 'card');
      if (!current.customer)
        throw invalidRequest('You must save this PaymentMethod to a customer before you update it.', 'card');
      if (typeof card !== 'object' || Array.isArray(card)) throw invalidRequest('Invalid object', 'card');
      const c = { ...(current.card as Record<string, unknown>) };
      if (typeof card.exp_month === 'string') c.exp_month = Number(card.exp_month);
      if (typeof card.exp_year === 'string') c.exp_year = Number(card.exp_year);
      next.card = c;
    }
    const bank = params.us_bank_account;
    if (bank !== undefined) {
      if (current.type !== 'us_bank_account')
        throw invalidRequest(
          'us_bank_account can only be updated on us_bank_account PaymentMethods.',
          'us_bank_account',
        );
      if (typeof bank !== 'object' || Array.isArray(bank))
        throw invalidRequest('Invalid object', 'us_bank_account');
      const b = { ...(current.us_bank_account as Record<string, unknown>) };
      if (typeof bank.account_holder_type === 'string') b.account_holder_type = bank.account_holder_type;
      if (typeof bank.account_type === 'string') b.account_type = bank.account_type;
      next.us_bank_account = b;
    }
    return next;
  },
  actions: [
    {
      path: '/v1/payment_methods/:id/attach',
      handle(ctx, current, params) {
        allowParams(params, ['customer', 'customer_account']);
        const customer = str(params, 'customer');
        if (!customer) throw parameterMissing('customer');
        return attachPaymentMethod(ctx, current, customer);
      },
    },
    {
      path: '/v1/payment_methods/:id/detach',
      handle(ctx, current, params) {
        allowParams(params, []);
        if (!current.customer) {
          throw invalidRequest(
            `The payment method you provided is not attached to a customer so detachment is impossible.`,
            undefined,
            'payment_method_unexpected_state',
          );
        }
        return saveWithEvent(
          ctx,
          'payment_methods',
          { ...current, customer: null },
          'payment_method.detached',
        );
      },
    },
  ],
};
