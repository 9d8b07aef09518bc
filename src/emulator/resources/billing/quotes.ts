/**
 * `/v1/quotes` (docs.stripe.com/api/quotes): a draft is edited, then finalized (`open`, numbered,
 * quote.finalized), and either accepted — which makes a subscription for its recurring items (one-time
 * items ride on its first invoice) or, with only one-time items, a draft invoice (quote.accepted) — or
 * canceled (quote.canceled). There is no quote.updated event and no `created` list filter; quotes on a
 * test clock are listed only with `test_clock` or `customer`. `line_items` is includable, and listed at
 * `/v1/quotes/{id}/line_items`.
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { ActionDef, MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { int, metadata, nullableStr, obj, oneOf, str } from '../params.js';
import { finalizeInvoice } from './invoiceActions.js';
import { attachInvoiceItem, createDraftInvoice } from './invoices.js';
import { commonCurrency, type ItemSpec, insertItem, itemTotals, parseLineItems } from './items.js';
import { allowOnly } from './pricing.js';
import { cannot, saveQuietly, transition, upperCode } from './shared.js';

const DAY = 86400;
const PARAMS = [
  'application_fee_amount',
  'application_fee_percent',
  'automatic_tax',
  'collection_method',
  'customer',
  'customer_account',
  'default_tax_rates',
  'description',
  'discounts',
  'expires_at',
  'footer',
  'header',
  'invoice_settings',
  'line_items',
  'metadata',
  'on_behalf_of',
  'subscription_data',
  'transfer_data',
];

function quoteItems(ctx: MutationContext, quoteId: string): ItemSpec[] {
  return ctx.findBy('quote_line_items', '_quote', quoteId).map((li) => ({
    price: ctx.get('prices', String((li.price as StripeObject).id)) ?? (li.price as StripeObject),
    quantity: Number(li.quantity ?? 1),
  }));
}

/** Amounts and `computed` from the quote's items. */
function withAmounts(ctx: MutationContext, quote: StripeObject): StripeObject {
  const items = quoteItems(ctx, quote.id);
  const t = itemTotals(items);
  const zero = { amount_discount: 0, amount_shipping: 0, amount_tax: 0 };
  return {
    ...quote,
    amount_subtotal: t.upfront,
    amount_total: t.upfront,
    currency: commonCurrency(items, 'line_items') ?? quote.currency,
    computed: {
      recurring: t.interval
        ? {
            amount_subtotal: t.recurring,
            amount_total: t.recurring,
            interval: t.interval.interval,
            interval_count: t.interval.interval_count,
            total_details: zero,
          }
        : null,
      upfront: { amount_subtotal: t.upfront, amount_total: t.upfront, total_details: zero },
    },
    total_details: zero,
  };
}

function applyCommon(ctx: MutationContext, q: StripeObject, params: FormParams): void {
  const set = (k: string, v: unknown) => {
    if (v !== undefined) q[k] = v;
  };
  const customer = str(params, 'customer');
  if (customer !== undefined) q.customer = ctx.require('customers', customer, 'customer').id;
  set(
    'collection_method',
    oneOf(params, 'collection_method', ['charge_automatically', 'send_invoice'] as const),
  );
  set('description', nullableStr(params, 'description'));
  set('footer', nullableStr(params, 'footer'));
  set('header', nullableStr(params, 'header'));
  set('expires_at', int(params, 'expires_at'));
  q.metadata = metadata(params, q.metadata as Record<string, string>);
  const sd = obj(params, 'subscription_data');
  if (sd) {
    allowOnly(
      sd,
      ['billing_mode', 'description', 'effective_date', 'metadata', 'trial_period_days'],
      'subscription_data',
    );
    q.subscription_data = {
      billing_mode: { type: 'classic' },
      description: str(sd, 'description') ?? null,
      effective_date: sd.effective_date === 'current_period_end' ? null : (int(sd, 'effective_date') ?? null),
      metadata: sd.metadata === undefined ? null : metadata(sd),
      trial_period_days: int(sd, 'trial_period_days') ?? null,
    };
  }
  const items = parseLineItems(ctx, params);
  if (items) {
    commonCurrency(items, 'line_items');
    for (const li of ctx.findBy('quote_line_items', '_quote', q.id)) ctx.remove('quote_line_items', li.id);
    for (const it of items) insertItem(ctx, 'quote_line_items', '_quote', q.id, it);
  }
}

function accept(ctx: MutationContext, quote: StripeObject, params: FormParams): StripeObject {
  allowOnly(params, []);
  if (quote.status !== 'open')
    throw cannot(`This quote is ${String(quote.status)}; only open quotes can be accepted.`, 'quote');
  const customer = ctx.require('customers', String(quote.customer), 'customer');
  const items = quoteItems(ctx, quote.id);
  const recurring = items.filter((i) => i.price.type === 'recurring');
  const oneTime = items.filter((i) => i.price.type !== 'recurring');
  const next: StripeObject = {
    ...quote,
    status: 'accepted',
    status_transitions: { ...(quote.status_transitions as object), accepted_at: ctx.now },
  };
  if (recurring.length > 0) {
    const sd = quote.subscription_data as {
      description: string | null;
      trial_period_days: number | null;
      metadata: Record<string, string> | null;
    };
    const collection = String(quote.collection_method);
    const sub = ctx.create('subscriptions', {
      customer: customer.id,
      items: recurring.map((i) => ({ price: i.price.id, quantity: String(i.quantity) })),
      add_invoice_items: oneTime.map((i) => ({ price: i.price.id, quantity: String(i.quantity) })),
      collection_method: collection,
      ...(collection === 'send_invoice' ? { days_until_due: '30' } : {}),
      ...(sd.trial_period_days ? { trial_period_days: String(sd.trial_period_days) } : {}),
      ...(sd.description ? { description: sd.description } : {}),
      ...(sd.metadata ? { metadata: sd.metadata } : {}),
    });
    next.subscription = sub.id;
    next.invoice = sub.latest_invoice;
  } else {
    // The quote's items become invoice items, then the lines of the quote's invoice.
    const invoiceItems = oneTime.map((i) =>
      ctx.create('invoice_items', {
        customer: customer.id,
        pricing: { price: i.price.id },
        quantity: String(i.quantity),
      }),
    );
    const invoice = createDraftInvoice(
      ctx,
      customer,
      {
        billingReason: 'quote_accept',
        collectionMethod: String(quote.collection_method),
        daysUntilDue: quote.collection_method === 'send_invoice' ? 30 : undefined,
        quote: quote.id,
        description: (quote.description as string | null) ?? null,
      },
      (inv) => {
        for (const ii of invoiceItems) attachInvoiceItem(ctx, inv, ctx.get('invoice_items', ii.id)!);
      },
    );
    next.invoice = finalizeInvoice(ctx, ctx.get('invoices', invoice.id)!).id;
  }
  saveQuietly(ctx, 'quotes', next);
  ctx.emit('quote.accepted', next);
  return next;
}

const ACTIONS: ActionDef[] = [
  {
    path: '/v1/quotes/:id/finalize',
    handle(ctx, quote, params) {
      allowOnly(params, ['expires_at']);
      if (quote.status !== 'draft') throw cannot('Only draft quotes can be finalized.', 'quote');
      if (!quote.customer) throw parameterMissing('customer');
      if (quoteItems(ctx, quote.id).length === 0)
        throw invalidRequest('A quote needs at least one line item to be finalized.', 'line_items');
      const seq = ctx.memo('quote_sequence', () => ({ n: 0 }));
      seq.n += 1;
      const next: StripeObject = {
        ...quote,
        expires_at: int(params, 'expires_at') ?? quote.expires_at,
        number: `QT-${upperCode(ctx, 8, '0123456789ABCDEF')}-${String(seq.n).padStart(4, '0')}`,
        status: 'open',
        status_transitions: { ...(quote.status_transitions as object), finalized_at: ctx.now },
      };
      saveQuietly(ctx, 'quotes', next);
      ctx.emit('quote.finalized', next);
      return next;
    },
  },
  { path: '/v1/quotes/:id/accept', handle: accept },
  {
    path: '/v1/quotes/:id/cancel',
    handle(ctx, quote, params) {
      allowOnly(params, []);
      if (quote.status !== 'draft' && quote.status !== 'open')
        throw cannot(`This quote is ${String(quote.status)} and can no longer be canceled.`, 'quote');
      const next: StripeObject = {
        ...quote,
        status: 'canceled',
        status_transitions: { ...(quote.status_transitions as object), canceled_at: ctx.now },
      };
      return transition(ctx, 'quotes', next, 'quote.canceled');
    },
  },
];

export const quotes: ResourceDef = {
  name: 'quotes',
  object: 'quote',
  idPrefix: 'qt',
  path: '/v1/quotes',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: false,
  filterFields: ['status', 'test_clock', 'customer_account'],
  indexedFields: ['customer'],
  listParams: {
    customer: {},
    customer_account: {},
    status: { enum: ['accepted', 'canceled', 'draft', 'open'] },
    test_clock: {},
  },
  defaultListFilter: { overriddenBy: ['test_clock', 'customer'], test: (f) => f.test_clock === null },
  expandable: {
    customer: ['customers'],
    'from_quote.quote': ['quotes'],
    invoice: ['invoices'],
    on_behalf_of: ['accounts'],
    subscription: ['subscriptions'],
    subscription_schedule: ['subscription_schedules'],
    test_clock: ['test_clocks'],
  },
  embeds: [
    {
      field: 'line_items',
      child: 'quote_line_items',
      parentField: '_quote',
      url: '/v1/quotes/:id/line_items',
      includable: true,
    },
  ],
  events: { created: 'quote.created' },
  permission: 'quotes',
  actions: ACTIONS,

  create(ctx, params) {
    allowOnly(params, [...PARAMS, 'from_quote', 'test_clock']);
    const q: StripeObject = Object.assign(ctx.template('quote'), {
      id: ctx.newId('qt'),
      object: 'quote',
      application: null,
      application_fee_amount: null,
      application_fee_percent: null,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      collection_method: 'charge_automatically',
      created: ctx.now,
      currency: null,
      customer: null,
      customer_account: null,
      default_tax_rates: [],
      description: null,
      discounts: [],
      expires_at: ctx.now + 30 * DAY,
      footer: null,
      from_quote: null,
      header: null,
      invoice: null,
      invoice_settings: {
        custom_fields: null,
        days_until_due: null,
        description: null,
        footer: null,
        issuer: { type: 'self' },
      },
      livemode: ctx.livemode,
      metadata: {},
      number: null,
      on_behalf_of: null,
      status: 'draft',
      status_transitions: { accepted_at: null, canceled_at: null, finalized_at: null },
      subscription: null,
      subscription_data: {
        billing_mode: { type: 'classic' },
        description: null,
        effective_date: null,
        metadata: null,
        trial_period_days: null,
      },
      subscription_schedule: null,
      test_clock: str(params, 'test_clock') ?? null,
      transfer_data: null,
    });
    // Items are stored before the quote so quote.created can be sent with the final amounts.
    applyCommon(ctx, q, params);
    if (q.customer && !q.test_clock)
      q.test_clock = ctx.get('customers', String(q.customer))?.test_clock ?? null;
    return ctx.insert('quotes', withAmounts(ctx, q));
  },

  update(ctx, current, params) {
    allowOnly(params, PARAMS);
    if (current.status !== 'draft') throw cannot('Only draft quotes can be updated.', 'quote');
    const q: StripeObject = structuredClone(current);
    applyCommon(ctx, q, params);
    return withAmounts(ctx, q);
  },
};
