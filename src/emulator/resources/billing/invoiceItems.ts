/**
 * `/v1/invoiceitems` (docs.stripe.com/api/invoiceitems), stream `invoice_items`: a charge or credit for a
 * customer, either pending (added to a later invoice) or on a draft invoice (`invoice`), where it shows as
 * a line. Priced by `amount`, `unit_amount_decimal` × quantity, `pricing[price]` or `price_data`. Events
 * invoiceitem.created / invoiceitem.deleted only — "no invoiceitem.updated event exists".
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { bool, currency, int, metadata, nullableStr, obj, str } from '../params.js';
import { lineFromInvoiceItem } from './invoiceLines.js';
import { withTotals } from './invoiceTotals.js';
import { allowOnly, amountFor, decimalStr, resolvePrice } from './pricing.js';
import { cannot, taxRateObjects } from './shared.js';

const UPDATE_PARAMS = [
  'amount',
  'description',
  'discountable',
  'discounts',
  'invoicing_rules',
  'metadata',
  'period',
  'price_data',
  'pricing',
  'quantity',
  'quantity_decimal',
  'tax_behavior',
  'tax_code',
  'tax_rates',
  'unit_amount_decimal',
];
const CREATE_PARAMS = [
  ...UPDATE_PARAMS,
  'currency',
  'customer',
  'customer_account',
  'invoice',
  'subscription',
];

function period(
  params: FormParams,
  fallback: { start: number; end: number },
): { start: number; end: number } {
  const p = obj(params, 'period');
  if (!p) return fallback;
  const start = int(p, 'start', { required: true });
  const end = int(p, 'end', { required: true });
  if (end < start) throw invalidRequest('period[end] must be on or after period[start].', 'period[end]');
  return { start, end };
}

/** Amount, currency and pricing from whichever pricing parameters were given. */
function pricing(ctx: MutationContext, params: FormParams, cur: string | undefined, current?: StripeObject) {
  const quantity = int(params, 'quantity', { min: 0 }) ?? (current?.quantity as number | undefined) ?? 1;
  const pricingParam = obj(params, 'pricing');
  const priceSpec: FormParams = {};
  if (pricingParam?.price !== undefined) priceSpec.price = pricingParam.price;
  if (params.price_data !== undefined) priceSpec.price_data = params.price_data;
  const price = resolvePrice(ctx, priceSpec, pricingParam ? 'pricing' : 'price_data');
  const amount = int(params, 'amount');
  const unitDecimal = decimalStr(params, 'unit_amount_decimal');
  const given = [price, amount, unitDecimal].filter((v) => v !== undefined).length;
  if (given > 1)
    throw invalidRequest(
      'You may only specify one of these parameters: amount, pricing, price_data, unit_amount_decimal.',
      'amount',
    );
  if (price) {
    if (cur && cur !== price.currency)
      throw invalidRequest('The price currency must match the invoice item currency.', 'currency');
    return {
      amount: amountFor(price, quantity),
      currency: String(price.currency),
      quantity,
      pricing: {
        price_details: { price: price.id, product: price.product },
        type: 'price_details',
        unit_amount_decimal: price.unit_amount_decimal,
      },
    };
  }
  if (unitDecimal !== undefined) {
    return {
      amount: Math.round(Number(unitDecimal) * quantity),
      currency: cur,
      quantity,
      pricing: { type: 'price_details', unit_amount_decimal: unitDecimal },
    };
  }
  if (amount !== undefined) {
    return {
      amount,
      currency: cur,
      quantity: 1,
      pricing: { type: 'price_details', unit_amount_decimal: String(amount) },
    };
  }
  if (current) {
    const unit = (current.pricing as { unit_amount_decimal: string | null } | null)?.unit_amount_decimal;
    const priceId = (current.pricing as { price_details?: { price: string } } | null)?.price_details?.price;
    const currentPrice = priceId ? ctx.get('prices', priceId) : undefined;
    const amt = currentPrice
      ? amountFor(currentPrice, quantity)
      : Math.round(Number(unit ?? current.amount) * quantity);
    return { amount: amt, currency: String(current.currency), quantity, pricing: current.pricing };
  }
  throw parameterMissing('amount');
}

/** Re-derive a draft invoice's line for this item (after a change) and its totals (invoice.updated). */
function refreshInvoice(
  ctx: MutationContext,
  invoiceId: string,
  ii: StripeObject | undefined,
  removedId?: string,
): void {
  const invoice = ctx.get('invoices', invoiceId);
  if (!invoice) return;
  const itemId = ii?.id ?? removedId;
  for (const line of ctx.findBy('invoice_line_items', 'invoice', invoiceId)) {
    const parent = line.parent as { invoice_item_details?: { invoice_item: string } | null } | null;
    if (parent?.invoice_item_details?.invoice_item === itemId)
      ctx.remove('invoice_line_items', line.id, { emit: false });
  }
  if (ii) lineFromInvoiceItem(ctx, invoice, ii);
  ctx.save('invoices', withTotals(ctx, invoice));
}

export const invoiceItems: ResourceDef = {
  name: 'invoice_items',
  object: 'invoiceitem',
  idPrefix: 'ii',
  path: '/v1/invoiceitems',
  operations: { list: true, retrieve: true, create: true, update: true, del: true },
  createdFilter: true,
  filterFields: ['customer_account'],
  indexedFields: ['customer', 'invoice'],
  listParams: {
    customer: {},
    customer_account: {},
    invoice: {},
    pending: {
      test(value) {
        if (value !== 'true' && value !== 'false')
          throw invalidRequest(`Invalid boolean: ${String(value)}`, 'pending');
        return value === 'true' ? (f) => f.invoice === null : (f) => f.invoice !== null;
      },
    },
  },
  expandable: {
    customer: ['customers'],
    invoice: ['invoices'],
    'pricing.price_details.price': ['prices'],
    test_clock: ['test_clocks'],
  },
  events: { created: 'invoiceitem.created', deleted: 'invoiceitem.deleted' },
  permission: 'invoices',

  create(ctx, params) {
    allowOnly(params, CREATE_PARAMS);
    const invoiceId = str(params, 'invoice');
    const invoice = invoiceId ? ctx.require('invoices', invoiceId, 'invoice') : undefined;
    if (invoice && invoice.status !== 'draft') {
      throw cannot('You can only add invoice items to draft invoices.', 'invoice', 'invoice_not_editable');
    }
    const customerId = str(params, 'customer') ?? (invoice?.customer as string | undefined);
    if (!customerId) throw parameterMissing('customer');
    const customer = ctx.require('customers', customerId, 'customer');
    if (invoice && invoice.customer !== customer.id)
      throw invalidRequest('The invoice belongs to a different customer.', 'invoice');
    const subId = str(params, 'subscription');
    if (subId) ctx.requireExists('subscriptions', subId, 'subscription');
    const cur =
      currency(params, 'currency') ??
      (invoice?.currency as string | undefined) ??
      (customer.currency as string | null) ??
      undefined;
    const priced = pricing(ctx, params, cur);
    if (!priced.currency) throw parameterMissing('currency');
    if (invoice && invoice.currency !== priced.currency) {
      throw invalidRequest(
        `The currency of the invoice item (${priced.currency}) must match the invoice (${String(invoice.currency)}).`,
        'currency',
      );
    }
    const ii: StripeObject = Object.assign(ctx.template('invoiceitem'), {
      id: ctx.newId('ii'),
      object: 'invoiceitem',
      amount: priced.amount,
      currency: priced.currency,
      customer: customer.id,
      customer_account: null,
      date: ctx.now,
      description: nullableStr(params, 'description') ?? null,
      discountable: bool(params, 'discountable') ?? priced.amount >= 0,
      discounts: [],
      invoice: invoice?.id ?? null,
      livemode: ctx.livemode,
      metadata: metadata(params),
      net_amount: priced.amount,
      parent: subId ? { subscription_details: { subscription: subId }, type: 'subscription_details' } : null,
      period: period(params, { start: ctx.now, end: ctx.now }),
      pricing: priced.pricing,
      proration: false,
      quantity: priced.quantity,
      quantity_decimal: String(priced.quantity),
      tax_rates: taxRateObjects(ctx, params.tax_rates, 'tax_rates') ?? [],
      test_clock: customer.test_clock ?? null,
    });
    if (!customer.currency) ctx.save('customers', { ...customer, currency: priced.currency });
    ctx.insert('invoice_items', ii);
    if (invoice) refreshInvoice(ctx, invoice.id, ii);
    return ii;
  },

  update(ctx, current, params) {
    allowOnly(params, UPDATE_PARAMS);
    const invoice = typeof current.invoice === 'string' ? ctx.get('invoices', current.invoice) : undefined;
    const onlyMetadata = Object.keys(params).every((k) => k === 'metadata' || k === 'description');
    if (invoice && invoice.status !== 'draft' && !onlyMetadata) {
      throw cannot('You can only update invoice items on draft invoices.', 'invoice', 'invoice_not_editable');
    }
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    const description = nullableStr(params, 'description');
    if (description !== undefined) next.description = description;
    const discountable = bool(params, 'discountable');
    if (discountable !== undefined) next.discountable = discountable;
    next.period = period(params, current.period as { start: number; end: number });
    const rates = taxRateObjects(ctx, params.tax_rates, 'tax_rates');
    if (rates) next.tax_rates = rates;
    const repriced = ['amount', 'quantity', 'pricing', 'price_data', 'unit_amount_decimal'].some(
      (k) => params[k] !== undefined,
    );
    if (repriced) {
      const priced = pricing(ctx, params, String(current.currency), current);
      next.amount = priced.amount;
      next.net_amount = priced.amount;
      next.quantity = priced.quantity;
      next.quantity_decimal = String(priced.quantity);
      next.pricing = priced.pricing;
    }
    // No invoiceitem.updated exists: store it here, then let the draft invoice's line follow.
    if (invoice && invoice.status === 'draft' && JSON.stringify(next) !== JSON.stringify(current)) {
      ctx.save('invoice_items', next);
      refreshInvoice(ctx, invoice.id, next);
    }
    return next;
  },

  del(ctx, current) {
    const invoice = typeof current.invoice === 'string' ? ctx.get('invoices', current.invoice) : undefined;
    if (invoice && invoice.status !== 'draft') {
      throw cannot(
        'You can only delete invoice items that are pending or on a draft invoice.',
        'invoice',
        'invoice_not_editable',
      );
    }
    ctx.remove('invoice_items', current.id);
    if (invoice) refreshInvoice(ctx, invoice.id, undefined, current.id);
    return { id: current.id, object: 'invoiceitem', deleted: true };
  },
};
