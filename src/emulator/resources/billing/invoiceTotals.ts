/**
 * Invoice amounts derived from its lines, the way Stripe relates them (docs.stripe.com/invoicing/
 * invoice-object): `subtotal` = Σ line amounts; inclusive taxes are inside it, exclusive ones are added;
 * `total` = subtotal − discounts + exclusive tax; `amount_due` = total + the customer balance applied at
 * finalization (starting_balance − ending_balance) − pre-payment credit notes; `amount_remaining` =
 * amount_due − amount_paid.
 */
import type { MutationContext, StripeObject } from '../../resource.js';
import { applyDiscounts, type DiscountRef } from './discounts.js';

interface Tax {
  amount: number;
  tax_behavior: string;
  tax_rate_details: { tax_rate: string } | null;
  taxability_reason: string;
  taxable_amount: number | null;
  type: string;
}

/** A copy of the invoice with its amounts computed from its lines. */
export function withTotals(ctx: MutationContext, draft: StripeObject): StripeObject {
  const refs = draft._discounts as DiscountRef[] | undefined;
  // Discounts are spread over the lines (and change their taxes) before anything is summed.
  return setTotals(ctx, refs && draft.status === 'draft' ? applyDiscounts(ctx, draft, refs) : { ...draft });
}

/**
 * Compute the amounts onto `invoice` itself: for a copy the caller has just made and not stored yet,
 * which spares copying an invoice (~75 fields) once more.
 */
export function setTotals(ctx: MutationContext, invoice: StripeObject): StripeObject {
  // Read-only: totals are sums (and copies) of the lines' amounts and taxes.
  const lines = ctx.viewBy('invoice_line_items', 'invoice', invoice.id);
  let subtotal = 0;
  let inclusive = 0;
  let exclusive = 0;
  const byRate = new Map<string, Tax>();
  for (const line of lines) {
    subtotal += Number(line.amount);
    for (const t of (line.taxes as Tax[] | null) ?? []) {
      if (t.tax_behavior === 'inclusive') inclusive += t.amount;
      else exclusive += t.amount;
      const key = `${t.tax_rate_details?.tax_rate ?? ''}/${t.tax_behavior}`;
      const agg = byRate.get(key);
      if (agg) {
        agg.amount += t.amount;
        agg.taxable_amount = (agg.taxable_amount ?? 0) + (t.taxable_amount ?? 0);
      } else byRate.set(key, { ...t });
    }
  }
  const discount = ((invoice.total_discount_amounts as { amount: number }[] | null) ?? []).reduce(
    (s, d) => s + d.amount,
    0,
  );
  const total = subtotal - discount + exclusive;
  const applied =
    invoice.ending_balance === null || invoice.ending_balance === undefined
      ? 0
      : Number(invoice.starting_balance) - Number(invoice.ending_balance);
  const amountDue = Math.max(0, total + applied - Number(invoice.pre_payment_credit_notes_amount ?? 0));
  const paid = Number(invoice.amount_paid ?? 0);
  invoice.subtotal = subtotal;
  invoice.subtotal_excluding_tax = subtotal - inclusive;
  invoice.total_excluding_tax = subtotal - inclusive - discount;
  invoice.total_taxes = [...byRate.values()];
  invoice.total = total;
  invoice.amount_due = amountDue;
  invoice.amount_remaining = Math.max(0, amountDue - paid);
  return invoice;
}
