/**
 * Discounts (docs.stripe.com/billing/subscriptions/coupons): `discounts: [{coupon} | {promotion_code}]`
 * on subscriptions and invoices makes a Discount (`di_…`) that the object lists by id in `discounts`.
 * On an invoice each discount takes its share of the discountable lines (`lines[].discount_amounts`,
 * `total_discount_amounts`), taxes apply to the discounted amounts. A coupon's `duration` decides how
 * long a subscription keeps it: `once` (first invoice), `repeating` (`duration_in_months`), `forever`.
 * Discount objects have no endpoint of their own; the emulator keeps what it needs in hidden fields.
 */
import { invalidRequest } from '../../apiError.js';
import type { FormValue } from '../../formBody.js';
import type { MutationContext, StripeObject } from '../../resource.js';
import { str } from '../params.js';
import { couponUsable, redeemCoupon } from './coupons.js';
import { taxesFor } from './invoiceLines.js';
import { periodEnd } from './pricing.js';
import { saveQuietly } from './shared.js';

export interface DiscountRef {
  id: string;
  coupon: string;
  promotion_code: string | null;
  start: number;
  /** When the discount stops applying (repeating coupons); null = no end. */
  end: number | null;
  /** `once` coupons apply to a single invoice; set after that invoice. */
  used?: boolean;
}

/** Parse and redeem `discounts[]` (coupons / promotion codes are counted as redeemed). */
export function parseDiscounts(
  ctx: MutationContext,
  value: FormValue | undefined,
  param: string,
  customer: string,
): DiscountRef[] | undefined {
  if (value === undefined) return undefined;
  if (value === '') return [];
  const list = Array.isArray(value) ? value : typeof value === 'object' ? Object.values(value) : undefined;
  if (!list) throw invalidRequest(`Invalid array: ${param}`, param);
  return list.map((d, i) => {
    const p = `${param}[${i}]`;
    if (!d || typeof d !== 'object' || Array.isArray(d)) throw invalidRequest(`Invalid object: ${p}`, p);
    let couponId = str(d, 'coupon');
    const promoId = str(d, 'promotion_code');
    if (str(d, 'discount'))
      throw invalidRequest(
        'Reusing an existing discount is not supported by the emulator; pass a coupon or promotion_code.',
        `${p}[discount]`,
      );
    if (promoId) {
      const promo = ctx.require('promotion_codes', promoId, `${p}[promotion_code]`);
      if (promo.active !== true)
        throw invalidRequest(`This promotion code is not active: ${promoId}`, `${p}[promotion_code]`);
      if (promo.customer && promo.customer !== customer) {
        throw invalidRequest(
          'This promotion code cannot be redeemed by this customer.',
          `${p}[promotion_code]`,
        );
      }
      couponId = (promo.promotion as { coupon: string }).coupon;
      const times = Number(promo.times_redeemed) + 1;
      const max = promo.max_redemptions as number | null;
      saveQuietly(ctx, 'promotion_codes', {
        ...promo,
        times_redeemed: times,
        active: max === null || times < max,
      });
    }
    if (!couponId) throw invalidRequest(`You must pass a coupon or a promotion_code in ${p}.`, p);
    const coupon = ctx.require('coupons', couponId, `${p}[coupon]`);
    if (!couponUsable(ctx, coupon)) throw invalidRequest(`Coupon expired: ${couponId}`, `${p}[coupon]`);
    redeemCoupon(ctx, coupon);
    const months = coupon.duration === 'repeating' ? Number(coupon.duration_in_months) : undefined;
    return {
      id: ctx.newId('di'),
      coupon: coupon.id,
      promotion_code: promoId ?? null,
      start: ctx.now,
      end: months === undefined ? null : periodEnd(ctx.now, 'month', months),
    };
  });
}

/** Discounts still in force at `at`. */
export function activeDiscounts(refs: readonly DiscountRef[] | undefined, at: number): DiscountRef[] {
  return (refs ?? []).filter((d) => !d.used && (d.end === null || d.end > at));
}

/** After billing an invoice, `once` coupons are spent. */
export function spendOnce(ctx: MutationContext, refs: readonly DiscountRef[]): DiscountRef[] {
  return refs.map((d) => (ctx.get('coupons', d.coupon)?.duration === 'once' ? { ...d, used: true } : d));
}

/**
 * Apply an invoice's discounts to its lines: each discount takes its amount from the discountable lines,
 * spread in proportion to their amounts; line taxes are recomputed on what remains. Returns the invoice
 * with `discounts` and `total_discount_amounts`.
 */
export function applyDiscounts(
  ctx: MutationContext,
  invoice: StripeObject,
  refs: readonly DiscountRef[],
): StripeObject {
  // Read-only views: changed lines are stored as spread copies.
  const lines = ctx.viewBy('invoice_line_items', 'invoice', invoice.id);
  const discountable = lines.filter((l) => l.discountable !== false && Number(l.amount) > 0);
  const base = discountable.reduce((s, l) => s + Number(l.amount), 0);
  const perLine = new Map<string, { amount: number; discount: string }[]>();
  const totals: { amount: number; discount: string }[] = [];
  let remaining = base;
  for (const ref of refs) {
    const coupon = ctx.view('coupons', ref.coupon);
    if (!coupon) continue;
    const want =
      coupon.percent_off !== null
        ? Math.round((base * Number(coupon.percent_off)) / 100)
        : coupon.currency === invoice.currency
          ? Number(coupon.amount_off)
          : 0;
    const amount = Math.min(want, remaining);
    remaining -= amount;
    totals.push({ amount, discount: ref.id });
    let left = amount;
    discountable.forEach((l, i) => {
      const share =
        i === discountable.length - 1 ? left : Math.round((amount * Number(l.amount)) / (base || 1));
      left -= share;
      const list = perLine.get(l.id) ?? [];
      list.push({ amount: share, discount: ref.id });
      perLine.set(l.id, list);
    });
  }
  for (const line of lines) {
    const amounts = perLine.get(line.id) ?? [];
    const off = amounts.reduce((s, d) => s + d.amount, 0);
    const rates =
      (line._tax_rates as StripeObject[] | null) ??
      (invoice.default_tax_rates as StripeObject[] | null) ??
      [];
    const next = {
      ...line,
      discount_amounts: amounts,
      discounts: amounts.map((d) => d.discount),
      taxes: taxesFor(Number(line.amount) - off, rates),
    };
    if (JSON.stringify(next) !== JSON.stringify(line)) ctx.save('invoice_line_items', next);
  }
  return { ...invoice, discounts: refs.map((d) => d.id), total_discount_amounts: totals };
}
