/**
 * `/v1/invoices` (docs.stripe.com/api/invoices): drafts are created (pending invoice items join only with
 * `pending_invoice_items_behavior=include` — "Defaults to `exclude` if the parameter is omitted"), edited,
 * and deleted while draft ("You can only delete draft invoices", invoice.deleted); the lifecycle actions
 * live in invoiceActions.ts. `lines` embeds the first 10 lines; `payments` is includable. Since basil an
 * invoice names its subscription or quote in `parent`, not in a top-level `subscription`.
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { arr, bool, currency, int, metadata, nullableStr, oneOf, str } from '../params.js';
import { type DiscountRef, parseDiscounts } from './discounts.js';
import { lineFromInvoiceItem, retaxLines } from './invoiceLines.js';
import { withTotals } from './invoiceTotals.js';
import { allowOnly } from './pricing.js';
import { cannot, rangeParam, saveQuietly, taxRateObjects } from './shared.js';

export interface DraftOptions {
  billingReason: string;
  collectionMethod?: string;
  daysUntilDue?: number | null;
  dueDate?: number | null;
  currency?: string;
  description?: string | null;
  metadata?: Record<string, string>;
  defaultPaymentMethod?: string | null;
  defaultTaxRates?: StripeObject[];
  subscription?: { id: string; metadata: Record<string, string> | null };
  quote?: string;
  autoAdvance?: boolean;
  period?: { start: number; end: number };
  footer?: string | null;
  statementDescriptor?: string | null;
  discounts?: DiscountRef[];
}

const DAY = 86400;

function customerSnapshot(customer: StripeObject, ctx: MutationContext): Record<string, unknown> {
  return {
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email ?? null,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping ?? null,
    customer_tax_exempt: customer.tax_exempt ?? 'none',
    customer_tax_ids: ctx
      .findBy('customer_tax_ids', 'customer', customer.id)
      .map((t) => ({ type: t.type, value: t.value })),
    test_clock: customer.test_clock ?? null,
  };
}

/**
 * A new draft invoice. Lines are added by `addLines` before invoice.created is emitted, so the event
 * carries the invoice with its lines and totals (as Stripe's does for subscription invoices).
 */
export function createDraftInvoice(
  ctx: MutationContext,
  customer: StripeObject,
  opts: DraftOptions,
  addLines?: (invoice: StripeObject) => void,
): StripeObject {
  const account = ctx.accountObject();
  const profile = (account.business_profile ?? {}) as { name?: string };
  const collection = opts.collectionMethod ?? 'charge_automatically';
  const cur =
    opts.currency ?? (customer.currency as string | null) ?? String(account.default_currency ?? 'usd');
  const dueDate =
    collection === 'send_invoice' ? (opts.dueDate ?? ctx.now + (opts.daysUntilDue ?? 30) * DAY) : null;
  // `lines` is rendered from the line items. Left out here rather than deleted afterwards: a `delete`
  // turns the object into a slow dictionary, and every copy of the invoice would inherit it.
  const { subscription: _legacy, lines: _lines, ...template } = ctx.template('invoice');
  void _legacy;
  void _lines;
  const invoice: StripeObject = Object.assign(template, {
    id: ctx.newId('in'),
    object: 'invoice',
    account_country: (account.country as string | undefined) ?? 'US',
    account_name: profile.name ?? null,
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: opts.autoAdvance ?? false,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: opts.billingReason,
    collection_method: collection,
    created: ctx.now,
    currency: cur,
    custom_fields: null,
    ...customerSnapshot(customer, ctx),
    default_payment_method: opts.defaultPaymentMethod ?? null,
    default_source: null,
    default_tax_rates: opts.defaultTaxRates ?? [],
    description: opts.description ?? null,
    discounts: [],
    due_date: dueDate,
    effective_at: null,
    ending_balance: null,
    footer: opts.footer ?? null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    livemode: ctx.livemode,
    metadata: opts.metadata ?? {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: opts.subscription
      ? {
          quote_details: null,
          subscription_details: { metadata: opts.subscription.metadata, subscription: opts.subscription.id },
          type: 'subscription_details',
        }
      : opts.quote
        ? { quote_details: { quote: opts.quote }, subscription_details: null, type: 'quote_details' }
        : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: opts.period?.end ?? ctx.now,
    period_start: opts.period?.start ?? ctx.now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: opts.statementDescriptor ?? null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  });
  if (opts.discounts?.length) invoice._discounts = opts.discounts;
  if (!customer.currency) ctx.save('customers', { ...customer, currency: cur });
  ctx.insert('invoices', invoice, { emit: false });
  addLines?.(invoice);
  const full = saveQuietly(ctx, 'invoices', withTotals(ctx, invoice));
  ctx.emit('invoice.created', full);
  return full;
}

/** Attach an invoice item to a draft invoice as a line (no invoiceitem.updated exists, so silently). */
export function attachInvoiceItem(
  ctx: MutationContext,
  invoice: StripeObject,
  ii: StripeObject,
): StripeObject {
  const attached = saveQuietly(ctx, 'invoice_items', { ...ii, invoice: invoice.id });
  lineFromInvoiceItem(ctx, invoice, attached);
  return attached;
}

/** Pending invoice items of a customer (optionally only those of one subscription), oldest first. */
export function pendingItems(
  ctx: MutationContext,
  customer: string,
  subscription?: string | null,
): StripeObject[] {
  // `invoice` is an indexed (hence extracted) field: skip parsing the customer's already-invoiced items.
  return ctx
    .findBy('invoice_items', 'customer', customer, (f) => f.invoice === null)
    .filter((ii) => {
      if (ii.invoice !== null) return false;
      if (subscription === undefined) return true;
      const sub =
        (ii.parent as { subscription_details?: { subscription: string } } | null)?.subscription_details
          ?.subscription ?? null;
      return sub === subscription || sub === null;
    });
}

const UPDATE_PARAMS = [
  'account_tax_ids',
  'application_fee_amount',
  'auto_advance',
  'automatic_tax',
  'automatically_finalizes_at',
  'collection_method',
  'custom_fields',
  'days_until_due',
  'default_payment_method',
  'default_source',
  'default_tax_rates',
  'description',
  'discounts',
  'due_date',
  'effective_at',
  'footer',
  'issuer',
  'metadata',
  'number',
  'on_behalf_of',
  'payment_settings',
  'rendering',
  'shipping_cost',
  'shipping_details',
  'statement_descriptor',
  'transfer_data',
];
const CREATE_PARAMS = [
  ...UPDATE_PARAMS,
  'currency',
  'customer',
  'customer_account',
  'from_invoice',
  'pending_invoice_items_behavior',
  'subscription',
];
/** What can still change once an invoice is finalized ("monetary values … become uneditable"). */
const FINALIZED_EDITABLE = new Set([
  'auto_advance',
  'custom_fields',
  'default_payment_method',
  'default_source',
  'description',
  'footer',
  'metadata',
  'rendering',
  'statement_descriptor',
  'on_behalf_of',
  'payment_settings',
]);

function collectionMethod(params: FormParams): string | undefined {
  return oneOf(params, 'collection_method', ['charge_automatically', 'send_invoice'] as const);
}

export const invoices: ResourceDef = {
  name: 'invoices',
  object: 'invoice',
  idPrefix: 'in',
  path: '/v1/invoices',
  operations: { list: true, retrieve: true, create: true, update: true, del: true },
  createdFilter: true,
  filterFields: [
    'status',
    'collection_method',
    'parent.subscription_details.subscription',
    'due_date',
    'customer_account',
  ],
  indexedFields: ['customer'],
  listParams: {
    customer: {},
    customer_account: {},
    status: { enum: ['draft', 'open', 'paid', 'uncollectible', 'void'] },
    subscription: { field: 'parent.subscription_details.subscription' },
    collection_method: { enum: ['charge_automatically', 'send_invoice'] },
    due_date: rangeParam('due_date'),
  },
  expandable: {
    customer: ['customers'],
    default_payment_method: ['payment_methods'],
    default_source: ['payment_methods'],
    'from_invoice.invoice': ['invoices'],
    latest_revision: ['invoices'],
    on_behalf_of: ['accounts'],
    'parent.subscription_details.subscription': ['subscriptions'],
    test_clock: ['test_clocks'],
  },
  embeds: [
    { field: 'lines', child: 'invoice_line_items', parentField: 'invoice', url: '/v1/invoices/:id/lines' },
    {
      field: 'payments',
      child: 'invoice_payments',
      parentField: 'invoice',
      url: '/v1/invoice_payments?invoice=:id',
      includable: true,
    },
  ],
  events: { created: 'invoice.created', updated: 'invoice.updated', deleted: 'invoice.deleted' },
  permission: 'invoices',
  // The lifecycle actions (finalize, pay, void, mark_uncollectible, send) are attached in billing.ts.
  hiddenFields: ['_discounts'],

  create(ctx, params) {
    allowOnly(params, CREATE_PARAMS);
    const customerId = str(params, 'customer');
    if (!customerId) throw parameterMissing('customer');
    const customer = ctx.require('customers', customerId, 'customer');
    const subId = str(params, 'subscription');
    const sub = subId ? ctx.require('subscriptions', subId, 'subscription') : undefined;
    if (sub && sub.customer !== customer.id)
      throw invalidRequest('The subscription does not belong to this customer.', 'subscription');
    const collection = collectionMethod(params);
    const days = int(params, 'days_until_due', { min: 0 });
    const due = int(params, 'due_date');
    if (collection !== 'send_invoice' && (days !== undefined || due !== undefined)) {
      throw invalidRequest(
        'days_until_due and due_date are only valid for invoices with collection_method=send_invoice.',
        days !== undefined ? 'days_until_due' : 'due_date',
      );
    }
    const include =
      oneOf(params, 'pending_invoice_items_behavior', ['exclude', 'include'] as const) === 'include';
    return createDraftInvoice(
      ctx,
      customer,
      {
        billingReason: sub ? 'subscription' : 'manual',
        collectionMethod: collection,
        daysUntilDue: days,
        dueDate: due,
        currency: currency(params, 'currency'),
        description: str(params, 'description') ?? null,
        metadata: metadata(params),
        defaultPaymentMethod: str(params, 'default_payment_method') ?? null,
        defaultTaxRates: taxRateObjects(ctx, params.default_tax_rates, 'default_tax_rates'),
        subscription: sub
          ? { id: sub.id, metadata: (sub.metadata as Record<string, string>) ?? null }
          : undefined,
        autoAdvance: bool(params, 'auto_advance'),
        footer: str(params, 'footer') ?? null,
        statementDescriptor: str(params, 'statement_descriptor') ?? null,
        discounts: parseDiscounts(ctx, params.discounts, 'discounts', customer.id),
      },
      (inv) => {
        if (!include) return;
        for (const ii of pendingItems(ctx, customer.id, sub ? sub.id : undefined)) {
          if (ii.currency === inv.currency) attachInvoiceItem(ctx, inv, ii);
        }
      },
    );
  },

  update(ctx, current, params) {
    allowOnly(params, UPDATE_PARAMS);
    if (current.status !== 'draft') {
      const locked = Object.keys(params).find((k) => !FINALIZED_EDITABLE.has(k));
      if (locked) throw cannot(`You can only update ${locked} on a draft invoice.`, locked);
    }
    if (current.status === 'void' || current.status === 'paid') {
      const locked = Object.keys(params).find(
        (k) => k !== 'metadata' && k !== 'description' && k !== 'footer',
      );
      if (locked)
        throw cannot(`This invoice is ${String(current.status)}; only its metadata can change.`, locked);
    }
    let next: StripeObject = {
      ...current,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    const set = (k: string, v: unknown) => {
      if (v !== undefined) next[k] = v;
    };
    set('auto_advance', bool(params, 'auto_advance'));
    set('description', nullableStr(params, 'description'));
    set('footer', nullableStr(params, 'footer'));
    set('statement_descriptor', nullableStr(params, 'statement_descriptor'));
    set('default_payment_method', nullableStr(params, 'default_payment_method'));
    set('number', nullableStr(params, 'number'));
    set('effective_at', int(params, 'effective_at'));
    const fields = arr(params, 'custom_fields');
    if (fields) next.custom_fields = fields;
    else if (params.custom_fields === '') next.custom_fields = null;
    const collection = collectionMethod(params);
    if (collection) {
      next.collection_method = collection;
      if (collection === 'charge_automatically') next.due_date = null;
      else if (next.due_date === null) next.due_date = Number(current.created) + 30 * DAY;
    }
    const days = int(params, 'days_until_due', { min: 0 });
    if (days !== undefined) next.due_date = Number(current.created) + days * DAY;
    set('due_date', int(params, 'due_date'));
    if ((days !== undefined || params.due_date !== undefined) && next.collection_method !== 'send_invoice') {
      throw invalidRequest(
        'days_until_due and due_date are only valid for invoices with collection_method=send_invoice.',
        'due_date',
      );
    }
    const rates = taxRateObjects(ctx, params.default_tax_rates, 'default_tax_rates');
    if (rates) {
      next.default_tax_rates = rates;
      retaxLines(ctx, next);
    }
    const discounts = parseDiscounts(ctx, params.discounts, 'discounts', String(current.customer));
    if (discounts) next._discounts = discounts;
    if (rates || discounts) next = withTotals(ctx, next);
    return next;
  },

  del(ctx, current) {
    if (current.status !== 'draft') {
      throw cannot('You can only delete draft invoices.', 'invoice');
    }
    // Its invoice items go back to pending; its lines go with it.
    for (const ii of ctx.findBy('invoice_items', 'invoice', current.id))
      saveQuietly(ctx, 'invoice_items', { ...ii, invoice: null });
    ctx.remove('invoices', current.id);
    for (const line of ctx.findBy('invoice_line_items', 'invoice', current.id))
      ctx.remove('invoice_line_items', line.id, { emit: false });
    return { id: current.id, object: 'invoice', deleted: true };
  },
};
