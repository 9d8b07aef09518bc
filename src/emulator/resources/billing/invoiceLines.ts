/**
 * Invoice line items (`object: 'line_item'`, `il_…`), listed at `/v1/invoices/{id}/lines` and embedded as
 * `invoice.lines` (first 10, `has_more`, `url`). Since 2025-03-31.basil a line says where it came from in
 * `parent` (`invoice_item_details` or `subscription_item_details`) and its price in `pricing`; no events of
 * their own. Taxes come from the source item's tax rates, else the invoice's `default_tax_rates`.
 */
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { publicPrice } from './pricing.js';

export interface Period {
  start: number;
  end: number;
}

type TaxRate = StripeObject & { percentage: number; inclusive: boolean };

/** Tax entries for `amount` under the given rates (exclusive adds on top; inclusive is carved out). */
export function taxesFor(amount: number, rates: readonly StripeObject[]): Record<string, unknown>[] {
  return (rates as TaxRate[]).map((r) => {
    const pct = Number(r.percentage) / 100;
    const tax = r.inclusive ? amount - Math.round(amount / (1 + pct)) : Math.round(amount * pct);
    return {
      amount: tax,
      tax_behavior: r.inclusive ? 'inclusive' : 'exclusive',
      tax_rate_details: { tax_rate: r.id },
      taxability_reason: 'standard_rated',
      taxable_amount: r.inclusive ? amount - tax : amount,
      type: 'tax_rate_details',
    };
  });
}

interface LineSource {
  amount: number;
  currency: string;
  description: string | null;
  discountable: boolean;
  metadata: Record<string, string>;
  period: Period;
  price: StripeObject | null;
  quantity: number | null;
  quantityDecimal?: string | null;
  unitAmountDecimal: string | null;
  subscription: string | null;
  parent: Record<string, unknown>;
  /** The source item's own tax rates; null = use the invoice's default_tax_rates. */
  taxRates: StripeObject[] | null;
}

function buildLine(ctx: MutationContext, invoice: StripeObject, src: LineSource): StripeObject {
  const rates = src.taxRates ?? (invoice.default_tax_rates as StripeObject[] | null) ?? [];
  return Object.assign(ctx.template('line_item'), {
    id: ctx.newId('il'),
    object: 'line_item',
    amount: src.amount,
    currency: src.currency,
    description: src.description,
    discount_amounts: [],
    discountable: src.discountable,
    discounts: [],
    invoice: invoice.id,
    livemode: ctx.livemode,
    metadata: src.metadata,
    parent: src.parent,
    period: src.period,
    pretax_credit_amounts: [],
    pricing: src.price
      ? {
          price_details: { price: src.price.id, product: src.price.product },
          type: 'price_details',
          unit_amount_decimal: src.unitAmountDecimal,
        }
      : null,
    quantity: src.quantity,
    quantity_decimal: src.quantityDecimal ?? (src.quantity === null ? null : String(src.quantity)),
    subscription: src.subscription,
    subtotal: src.amount,
    taxes: taxesFor(src.amount, rates),
    _tax_rates: src.taxRates,
  });
}

/** The line an invoice item becomes on its invoice. */
export function lineFromInvoiceItem(
  ctx: MutationContext,
  invoice: StripeObject,
  ii: StripeObject,
): StripeObject {
  const pricing = ii.pricing as {
    price_details?: { price: string };
    unit_amount_decimal: string | null;
  } | null;
  const priceId = pricing?.price_details?.price;
  const price = priceId ? (ctx.get('prices', priceId) ?? null) : null;
  const parentSub =
    (ii.parent as { subscription_details?: { subscription: string } } | null)?.subscription_details
      ?.subscription ?? null;
  const line = buildLine(ctx, invoice, {
    amount: Number(ii.amount),
    currency: String(ii.currency),
    description: (ii.description as string | null) ?? null,
    discountable: ii.discountable !== false,
    metadata: (ii.metadata as Record<string, string>) ?? {},
    period: ii.period as Period,
    price,
    quantity: (ii.quantity as number | null) ?? 1,
    quantityDecimal: (ii.quantity_decimal as string | null) ?? null,
    unitAmountDecimal: pricing?.unit_amount_decimal ?? null,
    subscription: parentSub,
    parent: {
      invoice_item_details: {
        invoice_item: ii.id,
        proration: ii.proration === true,
        proration_details: { credited_items: null },
        subscription: parentSub,
      },
      subscription_item_details: null,
      type: 'invoice_item_details',
    },
    taxRates: (ii.tax_rates as StripeObject[] | undefined)?.length ? (ii.tax_rates as StripeObject[]) : null,
  });
  return ctx.insert('invoice_line_items', line);
}

/** The line a subscription item bills for one period. */
export function lineFromSubscriptionItem(
  ctx: MutationContext,
  invoice: StripeObject,
  item: StripeObject,
  amount: number,
  period: Period,
  description: string | null,
): StripeObject {
  const price = item.price as StripeObject;
  const line = buildLine(ctx, invoice, {
    amount,
    currency: String(price.currency),
    description,
    discountable: true,
    metadata: (item.metadata as Record<string, string>) ?? {},
    period,
    price: publicPrice(price),
    quantity: (item.quantity as number | null) ?? 1,
    unitAmountDecimal: (price.unit_amount_decimal as string | null) ?? null,
    subscription: String(item.subscription),
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: item.subscription,
        subscription_item: item.id,
      },
      type: 'subscription_item_details',
    },
    taxRates: (item.tax_rates as StripeObject[] | undefined)?.length
      ? (item.tax_rates as StripeObject[])
      : null,
  });
  return ctx.insert('invoice_line_items', line);
}

/** Recompute taxes of lines that follow the invoice's default rates (after `default_tax_rates` changes). */
export function retaxLines(ctx: MutationContext, invoice: StripeObject): void {
  const rates = (invoice.default_tax_rates as StripeObject[] | null) ?? [];
  for (const line of ctx.findBy('invoice_line_items', 'invoice', invoice.id)) {
    if (line._tax_rates) continue;
    const taxes = taxesFor(Number(line.amount), rates);
    if (JSON.stringify(taxes) !== JSON.stringify(line.taxes))
      ctx.save('invoice_line_items', { ...line, taxes });
  }
}

export const invoiceLineItems: ResourceDef = {
  name: 'invoice_line_items',
  object: 'line_item',
  idPrefix: 'il',
  parent: { resource: 'invoices', field: 'invoice', path: '/v1/invoices/:parent/lines' },
  operations: {},
  createdFilter: false,
  indexedFields: ['invoice'],
  hiddenFields: ['_tax_rates'],
  expandable: { 'pricing.price_details.price': ['prices'], subscription: ['subscriptions'] },
  permission: 'invoices',
};
