/**
 * Subscriptions and their life: created through the API (trials, discounts, tax rates, add-ons, tiered
 * seats, legacy plans, inline `price_data`), then renewed by "Stripe" at each period end (a new invoice,
 * paid with the card on file or sent for payment), changed by the customer now and then (upgrades,
 * quantity changes with prorations, add-ons), and eventually canceled. Invoices of `send_invoice`
 * subscriptions get paid out of band, or written off as uncollectible.
 */
import type { Obj } from './api.js';
import type { Catalog, PriceRef } from './catalog.js';
import type { CustomerRef } from './customers.js';
import type { StripeActs } from './stripeActs.js';
import { addMonths, type Business, DAY } from './world.js';

export interface SubscribeOpts {
  trialDays?: number;
  /** Extra create params (e.g. `payment_behavior`, `trial_settings`). */
  extra?: Record<string, unknown>;
  /** Items to use instead of a random choice. */
  items?: Record<string, unknown>[];
  /** Chance per period that the customer cancels (default: monthly 2.5%, annual 15%). */
  churn?: number;
  /** Do not schedule renewals (showcase subscriptions whose fate is set explicitly). */
  noRenewals?: boolean;
}

const USAGE = [
  'API calls over plan',
  'Storage overage (GB)',
  'Extra seats (prorated)',
  'SMS messages',
  'Data transfer (GB)',
] as const;

const CURRENCY_BY_COUNTRY: Record<string, string> = { DE: 'eur', FR: 'eur', NL: 'eur', GB: 'gbp', JP: 'jpy' };

export function currencyFor(cat: Catalog, c: CustomerRef): string {
  const cur = CURRENCY_BY_COUNTRY[c.country];
  return cur && cat.monthly[cur]?.length ? cur : 'usd';
}

function chooseItems(
  b: Business,
  cat: Catalog,
  c: CustomerRef,
  legacyOk: boolean,
): { items: Record<string, unknown>[]; main: PriceRef } {
  const r = b.r;
  const currency = currencyFor(cat, c);
  const kind = r.weighted([
    ['monthly', 70],
    ['annual', currency === 'usd' ? 16 : 0],
    ['seats', cat.seats ? 8 : 0],
    ['legacy', legacyOk && cat.legacyPlans.length ? 4 : 0],
    ['inline', 2],
  ] as const);
  const monthly = cat.monthly[currency]!;
  let main: PriceRef;
  let items: Record<string, unknown>[];
  switch (kind) {
    case 'annual':
      main = r.pick(cat.annual);
      items = [{ price: main.id, quantity: 1 }];
      break;
    case 'seats':
      main = cat.seats!;
      items = [
        {
          price: main.id,
          quantity: r.weighted([
            [r.int(2, 10), 6],
            [r.int(11, 50), 3],
            [r.int(51, 200), 1],
          ]),
        },
      ];
      break;
    case 'legacy':
      main = r.pick(cat.legacyPlans);
      items = [{ price: main.id }];
      break;
    case 'inline': {
      // A negotiated price that exists only on this subscription (inline prices are not listed).
      const base = r.pick(monthly);
      main = { ...base, unitAmount: Math.round(base.unitAmount * 0.8) };
      items = [
        {
          price_data: {
            currency: base.currency,
            product: base.product,
            unit_amount: main.unitAmount,
            recurring: { interval: 'month' },
          },
          quantity: 1,
        },
      ];
      break;
    }
    default:
      main = r.weighted(monthly.map((p, i) => [p, 3 - Math.min(i, 2)] as const));
      items = [
        {
          price: main.id,
          quantity: r.weighted([
            [1, 8],
            [2, 2],
            [r.int(3, 20), 1],
          ]),
        },
      ];
  }
  // Most B2B plans bill a workspace plus seats and add-ons: one invoice line per item at each renewal.
  if (kind === 'monthly' && cat.seats && main.currency === 'usd' && r.bool(0.6)) {
    items.push({ price: cat.seats.id, quantity: r.int(3, 40) });
  }
  if (kind === 'monthly' && cat.volume && main.currency === 'usd' && r.bool(0.15)) {
    items.push({ price: cat.volume.id, quantity: r.int(50, 2500) });
  }
  if (kind !== 'legacy') {
    for (const addOn of cat.addOns) {
      if (addOn.currency === main.currency && addOn.interval === main.interval && r.bool(0.3))
        items.push({ price: addOn.id, quantity: 1 });
    }
  }
  return { items, main };
}

/** When the current period (or trial) ends, per the subscription the emulator returned. */
export function periodEnd(sub: Obj, fallback: number): number {
  const items = (sub.items as { data?: { current_period_end?: unknown }[] } | undefined)?.data;
  const fromItem = items?.[0]?.current_period_end;
  if (typeof fromItem === 'number') return fromItem;
  if (typeof sub.current_period_end === 'number') return sub.current_period_end;
  if (sub.status === 'trialing' && typeof sub.trial_end === 'number') return sub.trial_end;
  return fallback;
}

function itemIds(sub: Obj): string[] {
  return ((sub.items as { data?: { id: string }[] } | undefined)?.data ?? []).map((i) => i.id);
}

export async function subscribe(
  b: Business,
  cat: Catalog,
  acts: StripeActs,
  c: CustomerRef,
  o: SubscribeOpts = {},
): Promise<Obj> {
  const r = b.r;
  const legacyOk = b.tl.now < b.tl.start + 365 * DAY;
  const { items, main } = o.items ? { items: o.items, main: undefined } : chooseItems(b, cat, c, legacyOk);
  const params: Record<string, unknown> = {
    customer: c.id,
    items,
    metadata: { source: r.pick(['web', 'sales', 'api', 'self-serve']) },
  };
  // Without a card on file the invoices are e-mailed (unless the caller decides the collection method).
  if (c.pm) params.default_payment_method = c.pm;
  else if (!o.extra || !('collection_method' in o.extra))
    Object.assign(params, { collection_method: 'send_invoice', days_until_due: 30 });
  const trialDays = o.trialDays ?? (r.bool(0.15) ? 14 : undefined);
  if (trialDays) params.trial_period_days = trialDays;
  const promo = r.next();
  if (promo < 0.06 && cat.coupons.length) params.discounts = [{ coupon: r.pick(cat.coupons.slice(0, 2)) }];
  else if (promo < 0.09 && cat.promotionCodes.length)
    params.discounts = [{ promotion_code: cat.promotionCodes[0] }];
  const tax = cat.taxRates[c.country];
  if (tax && main?.currency !== 'usd') params.default_tax_rates = [tax];
  Object.assign(params, o.extra);
  const sub = await b.post('/v1/subscriptions', params);
  if (!o.noRenewals) {
    const interval = main?.interval ?? 'month';
    const churn = o.churn ?? (interval === 'year' ? 0.15 : 0.025);
    scheduleRenewals(b, cat, acts, sub, c, churn, interval);
  }
  return sub;
}

/** At each period end: maybe cancel, maybe change, else let "Stripe" renew (new invoice, payment). */
export function scheduleRenewals(
  b: Business,
  cat: Catalog,
  acts: StripeActs,
  first: Obj,
  c: CustomerRef,
  churn: number,
  interval: 'month' | 'year',
): void {
  const r = b.r;
  const id = first.id;
  let items = itemIds(first);
  const sendInvoice = first.collection_method === 'send_invoice';
  const currency = String(first.currency ?? 'usd');
  // Usage-billed customers: usage per metered dimension is recorded as pending invoice items, which the
  // renewal invoice sweeps in (one line each) — the way usage was billed before Billing Meters.
  const meters = r.bool(0.5)
    ? USAGE.slice(
        0,
        r.weighted([
          [1, 2],
          [2, 2],
          [4, 3],
          [6, 3],
          [8, 2],
        ]),
      )
    : [];
  // Dunning: usually the customer fixes the card and pays the open invoice days later (active again);
  // otherwise retries run out and Stripe cancels the subscription or leaves it unpaid.
  const recover = (sub: Obj): boolean => {
    const invoice = latestInvoice(sub);
    if (invoice && r.bool(0.7)) {
      b.tl.after(r.int(1, 6) * DAY, async () => {
        // By then a retry or a later renewal may have settled it: pay only what is still open.
        const current = await b.get(`/v1/invoices/${invoice}`);
        if (current.status === 'open') await b.post(`/v1/invoices/${invoice}/pay`, {});
      });
      return true;
    }
    const end = r.bool(0.5) ? 'canceled' : 'unpaid';
    b.tl.after(r.int(14, 21) * DAY, () => acts.setSubscriptionStatus(b, id, end));
    return false;
  };
  const next = (sub: Obj) => periodEnd(sub, addMonths(b.tl.now, interval === 'year' ? 12 : 1));
  const renew = async () => {
    if (r.bool(churn)) {
      if (r.bool(0.5)) {
        await b.post(`/v1/subscriptions/${id}`, {
          cancellation_details: {
            feedback: r.pick(['too_expensive', 'unused', 'switched_service', 'missing_features']),
            comment: 'Cancelled from the billing portal',
          },
        });
      }
      await b.del(`/v1/subscriptions/${id}`);
      return;
    }
    const change = r.next();
    if (change < 0.03 && items[0]) {
      const sub = await b.post(`/v1/subscriptions/${id}`, {
        items: [{ id: items[0], quantity: r.int(2, 25) }],
        proration_behavior: 'create_prorations',
      });
      items = itemIds(sub);
    } else if (change < 0.045 && cat.addOns.length > 0 && items.length === 1 && interval === 'month') {
      const addOn = cat.addOns.find((p) => p.currency === currencyFor(cat, c));
      if (addOn) {
        const si = await b.post('/v1/subscription_items', {
          subscription: id,
          price: addOn.id,
          quantity: 1,
          proration_behavior: 'none',
        });
        items.push(si.id);
      }
    }
    // Usage beyond the plan, billed on the next renewal invoice as a pending invoice item.
    // Each metered dimension bills its usage of the period (when there was any) as a pending item.
    for (const [u, meter] of meters.entries()) {
      if (!r.bool(0.85)) continue;
      await b.postQuietly('/v1/invoiceitems', {
        customer: c.id,
        subscription: id,
        amount: r.int(1, 200) * (currency === 'jpy' ? 100 : 50),
        currency,
        description: `${meter} — usage for the period`,
        metadata: { meter: `m${u}` },
      });
    }
    // Now and then the card is declined at renewal: the subscription goes past_due.
    const declined = !sendInvoice && r.bool(0.02);
    const renewed = await acts.renewSubscription(b, id, { fail: declined });
    if (!renewed) return;
    if (sendInvoice) settleSentInvoice(b, renewed);
    if (declined && !recover(renewed)) return;
    const at = next(renewed);
    if (at > b.tl.now) b.tl.at(at, renew);
  };
  b.tl.at(next(first), renew);
}

/** A `send_invoice` renewal invoice: usually paid by bank transfer (out of band), sometimes written off. */
function latestInvoice(sub: Obj): string | undefined {
  return typeof sub.latest_invoice === 'string' ? sub.latest_invoice : (sub.latest_invoice as Obj | null)?.id;
}

function settleSentInvoice(b: Business, sub: Obj): void {
  const r = b.r;
  const invoice = latestInvoice(sub);
  if (!invoice) return;
  const roll = r.next();
  if (roll < 0.9) {
    b.tl.after(r.int(2, 28) * DAY, async () => {
      // A $0 invoice (trial) was paid on finalization already.
      const inv = await b.get(`/v1/invoices/${invoice}`);
      if (inv.status === 'open') await b.post(`/v1/invoices/${invoice}/pay`, { paid_out_of_band: true });
    });
  } else if (roll < 0.97) {
    b.tl.after(r.int(45, 90) * DAY, async () => {
      const inv = await b.get(`/v1/invoices/${invoice}`);
      if (inv.status === 'open') await b.post(`/v1/invoices/${invoice}/mark_uncollectible`, {});
    });
  }
}
