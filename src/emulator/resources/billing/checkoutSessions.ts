/**
 * `/v1/checkout/sessions` (docs.stripe.com/api/checkout/sessions): a hosted payment page in `payment`,
 * `subscription` or `setup` mode, `open` for 24 hours by default. There is no checkout.session.created
 * event: a session is announced when it completes (checkout.session.completed) or expires
 * (`/expire`, checkout.session.expired). Completion is the customer's doing on Stripe's page, so the
 * emulator offers it as the emulator-only `completeCheckoutSession`: it creates the PaymentIntent,
 * subscription or SetupIntent the mode calls for. `line_items` is includable and listed at
 * `/v1/checkout/sessions/{id}/line_items`.
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { ActionDef, MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { currency, int, metadata, oneOf, str } from '../params.js';
import { FALLBACK_PAYMENT_METHOD } from './invoiceActions.js';
import { commonCurrency, insertItem, itemTotals, parseLineItems, requireItems } from './items.js';
import { allowOnly } from './pricing.js';
import { canCreate, cannot, idList, nestedParam, saveQuietly } from './shared.js';

const HOUR = 3600;
const CREATE_PARAMS = [
  'adaptive_pricing',
  'after_expiration',
  'allow_promotion_codes',
  'allowed_payment_method_types',
  'automatic_tax',
  'billing_address_collection',
  'branding_settings',
  'cancel_url',
  'client_reference_id',
  'consent_collection',
  'currency',
  'custom_fields',
  'custom_text',
  'customer',
  'customer_account',
  'customer_creation',
  'customer_email',
  'customer_update',
  'discounts',
  'excluded_payment_method_types',
  'expires_at',
  'integration_identifier',
  'invoice_creation',
  'line_items',
  'locale',
  'managed_payments',
  'metadata',
  'mode',
  'name_collection',
  'optional_items',
  'origin_context',
  'payment_intent_data',
  'payment_method_collection',
  'payment_method_configuration',
  'payment_method_data',
  'payment_method_options',
  'permissions',
  'phone_number_collection',
  'redirect_on_completion',
  'return_url',
  'saved_payment_method_options',
  'setup_intent_data',
  'shipping_address_collection',
  'shipping_options',
  'submit_type',
  'subscription_data',
  'success_url',
  'tax_id_collection',
  'ui_mode',
  'wallet_options',
];

function session(ctx: MutationContext, id: string): StripeObject {
  const s = ctx.get('checkout_sessions', id);
  if (!s) throw invalidRequest(`No such checkout.session: '${id}'`, 'id');
  return s;
}

/** The customer who pays: the session's own, or one created from the e-mail (`customer_creation`). */
function payingCustomer(ctx: MutationContext, s: StripeObject): StripeObject {
  if (typeof s.customer === 'string') return ctx.require('customers', s.customer, 'customer');
  return ctx.create('customers', {
    ...(s.customer_email
      ? { email: String(s.customer_email) }
      : { email: `checkout+${s.id.slice(-6).toLowerCase()}@example.com` }),
    name: 'Checkout Customer',
  });
}

/**
 * Emulator-only: the customer completes the hosted page. Payment mode charges the amount (with Stripe's
 * test card), subscription mode starts the subscription, setup mode saves a card; then the session is
 * `complete` and checkout.session.completed is sent.
 */
export function completeCheckoutSession(
  ctx: MutationContext,
  id: string,
  opts: { paymentMethod?: string } = {},
): StripeObject {
  const s = session(ctx, id);
  if (s.status !== 'open')
    throw cannot(
      `This Checkout Session is ${String(s.status)}; only open sessions can be completed.`,
      'session',
    );
  const customer = payingCustomer(ctx, s);
  const pm = opts.paymentMethod ?? FALLBACK_PAYMENT_METHOD;
  const next: StripeObject = {
    ...s,
    customer: customer.id,
    customer_details: {
      address: customer.address ?? null,
      business_name: null,
      email: customer.email ?? s.customer_email ?? null,
      individual_name: null,
      name: customer.name ?? null,
      phone: customer.phone ?? null,
      tax_exempt: customer.tax_exempt ?? 'none',
      tax_ids: [],
    },
    status: 'complete',
    url: null,
  };
  const items = ctx.findBy('checkout_session_line_items', '_checkout_session', s.id);
  if (s.mode === 'payment') {
    if (canCreate(ctx, 'payment_intents')) {
      const pi = ctx.create('payment_intents', {
        amount: String(s.amount_total),
        currency: String(s.currency),
        customer: customer.id,
        confirm: 'true',
        payment_method: pm,
      });
      next.payment_intent = pi.id;
      next.payment_status = pi.status === 'succeeded' ? 'paid' : 'unpaid';
    } else next.payment_status = 'paid';
  } else if (s.mode === 'subscription') {
    const recurring = items.filter((li) => (li.price as StripeObject).type === 'recurring');
    const oneTime = items.filter((li) => (li.price as StripeObject).type !== 'recurring');
    const sub = ctx.create('subscriptions', {
      customer: customer.id,
      items: recurring.map((li) => ({
        price: String((li.price as StripeObject).id),
        quantity: String(li.quantity ?? 1),
      })),
      add_invoice_items: oneTime.map((li) => ({
        price: String((li.price as StripeObject).id),
        quantity: String(li.quantity ?? 1),
      })),
    });
    next.subscription = sub.id;
    next.invoice = sub.latest_invoice ?? null;
    next.payment_status = sub.status === 'active' || sub.status === 'trialing' ? 'paid' : 'unpaid';
  } else if (canCreate(ctx, 'setup_intents')) {
    const si = ctx.create('setup_intents', {
      customer: customer.id,
      payment_method: pm,
      confirm: 'true',
      usage: 'off_session',
    });
    next.setup_intent = si.id;
  }
  saveQuietly(ctx, 'checkout_sessions', next);
  ctx.emit('checkout.session.completed', next);
  return next;
}

const ACTIONS: ActionDef[] = [
  {
    path: '/v1/checkout/sessions/:id/expire',
    handle(ctx, s, params) {
      allowOnly(params, []);
      if (s.status !== 'open')
        throw cannot(
          `Only Checkout Sessions with a status of \`open\` can be expired; this one is ${String(s.status)}.`,
          'session',
        );
      const next: StripeObject = { ...s, status: 'expired', url: null };
      saveQuietly(ctx, 'checkout_sessions', next);
      ctx.emit('checkout.session.expired', next);
      return next;
    },
  },
];

export const checkoutSessions: ResourceDef = {
  name: 'checkout_sessions',
  object: 'checkout.session',
  idPrefix: 'cs_test',
  idLength: 58,
  path: '/v1/checkout/sessions',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: [
    'customer',
    'customer_account',
    'customer_details.email',
    'payment_intent',
    'payment_link',
    'status',
    'subscription',
  ],
  listParams: {
    customer: {},
    customer_account: {},
    customer_details: nestedParam('customer_details', { email: 'string' }),
    payment_intent: {},
    payment_link: {},
    status: { enum: ['complete', 'expired', 'open'] },
    subscription: {},
  },
  expandable: {
    customer: ['customers'],
    invoice: ['invoices'],
    payment_intent: ['payment_intents'],
    setup_intent: ['setup_intents'],
    subscription: ['subscriptions'],
  },
  embeds: [
    {
      field: 'line_items',
      child: 'checkout_session_line_items',
      parentField: '_checkout_session',
      url: '/v1/checkout/sessions/:id/line_items',
      includable: true,
    },
  ],
  permission: 'checkout_sessions',
  actions: ACTIONS,

  create(ctx, params) {
    allowOnly(params, CREATE_PARAMS);
    const mode = oneOf(params, 'mode', ['payment', 'setup', 'subscription'] as const) ?? 'payment';
    const uiMode =
      oneOf(params, 'ui_mode', ['elements', 'embedded_page', 'form', 'hosted_page'] as const) ??
      'hosted_page';
    const customerId = str(params, 'customer');
    if (customerId) ctx.require('customers', customerId, 'customer');
    if (customerId && params.customer_email !== undefined) {
      throw invalidRequest(
        'You may only specify one of these parameters: customer, customer_email.',
        'customer_email',
      );
    }
    const items = parseLineItems(ctx, params, 'line_items', [
      'adjustable_quantity',
      'dynamic_tax_rates',
      'metadata',
    ]);
    if (mode !== 'setup') requireItems(items, 'line_items');
    if (mode === 'subscription' && !items!.some((i) => i.price.type === 'recurring')) {
      throw invalidRequest(
        'You must provide at least one recurring price in `subscription` mode when using prices.',
        'line_items',
      );
    }
    if (mode === 'payment' && items!.some((i) => i.price.type === 'recurring')) {
      throw invalidRequest(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        'line_items',
      );
    }
    const cur = items?.length ? commonCurrency(items, 'line_items') : (currency(params, 'currency') ?? null);
    if (mode === 'setup' && !cur && params.allowed_payment_method_types === undefined)
      throw parameterMissing('currency');
    const totals = items ? itemTotals(items) : undefined;
    const id = ctx.newId(ctx.livemode ? 'cs_live' : 'cs_test', 58);
    const expiresAt = int(params, 'expires_at') ?? ctx.now + 24 * HOUR;
    if (expiresAt < ctx.now + 30 * 60 || expiresAt > ctx.now + 24 * HOUR) {
      throw invalidRequest(
        'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
        'expires_at',
      );
    }
    const allowed = idList(params.allowed_payment_method_types, 'allowed_payment_method_types') ?? null;
    const s: StripeObject = Object.assign(ctx.template('checkout.session'), {
      id,
      object: 'checkout.session',
      after_expiration: null,
      allow_promotion_codes:
        params.allow_promotion_codes === undefined ? null : params.allow_promotion_codes === 'true',
      allowed_payment_method_types: allowed,
      amount_subtotal: totals ? totals.upfront : null,
      amount_total: totals ? totals.upfront : null,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      cancel_url: str(params, 'cancel_url') ?? null,
      client_reference_id: str(params, 'client_reference_id') ?? null,
      collected_information: null,
      consent: null,
      consent_collection: null,
      created: ctx.now,
      currency: cur,
      currency_conversion: null,
      custom_fields: [],
      custom_text: {
        after_submit: null,
        shipping_address: null,
        submit: null,
        terms_of_service_acceptance: null,
      },
      customer: customerId ?? null,
      customer_account: null,
      customer_creation: customerId
        ? null
        : (oneOf(params, 'customer_creation', ['always', 'if_required'] as const) ?? 'if_required'),
      customer_details:
        customerId || params.customer_email
          ? {
              address: null,
              business_name: null,
              email: str(params, 'customer_email') ?? null,
              individual_name: null,
              name: null,
              phone: null,
              tax_exempt: 'none',
              tax_ids: null,
            }
          : null,
      customer_email: str(params, 'customer_email') ?? null,
      discounts: [],
      expires_at: expiresAt,
      invoice: null,
      invoice_creation:
        mode === 'payment'
          ? {
              enabled: false,
              invoice_data: {
                account_tax_ids: null,
                custom_fields: null,
                description: null,
                footer: null,
                issuer: null,
                metadata: {},
                rendering_options: null,
              },
            }
          : null,
      livemode: ctx.livemode,
      locale: str(params, 'locale') ?? null,
      managed_payments: null,
      metadata: metadata(params),
      mode,
      origin_context: null,
      payment_intent: null,
      payment_link: null,
      payment_method_collection: mode === 'payment' ? null : 'always',
      payment_method_configuration_details: null,
      payment_method_options: {},
      payment_method_types: allowed ?? ['card'],
      payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
      permissions: null,
      phone_number_collection: { enabled: false },
      recovered_from: null,
      saved_payment_method_options: null,
      setup_intent: null,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_options: [],
      status: 'open',
      submit_type: null,
      subscription: null,
      success_url: str(params, 'success_url') ?? null,
      total_details: totals ? { amount_discount: 0, amount_shipping: 0, amount_tax: 0 } : null,
      ui_mode: uiMode,
      url: uiMode === 'hosted_page' ? `https://checkout.stripe.com/c/pay/${id}` : null,
      wallet_options: null,
    });
    for (const it of items ?? []) insertItem(ctx, 'checkout_session_line_items', '_checkout_session', id, it);
    return ctx.insert('checkout_sessions', s);
  },

  update(_ctx, current, params) {
    allowOnly(params, [
      'collected_information',
      'line_items',
      'metadata',
      'payment_intent_data',
      'shipping_options',
    ]);
    if (current.status !== 'open') throw cannot('Only open Checkout Sessions can be updated.', 'session');
    return { ...current, metadata: metadata(params, current.metadata as Record<string, string>) };
  },
};
