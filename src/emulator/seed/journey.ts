/**
 * The organic life of one account's customers: they sign up over the years (more each month, as a growing
 * business does), most subscribe, some buy one-off, some are invoiced by hand, some never buy; along the
 * way they add tax ids, get balance credits, change their details.
 */
import type { Catalog } from './catalog.js';
import { type CustomerRef, createCustomer } from './customers.js';
import { buildInvoice } from './invoices.js';
import { takePayment } from './payments.js';
import type { StripeActs } from './stripeActs.js';
import { currencyFor, subscribe } from './subscriptions.js';
import { type Business, DAY } from './world.js';

export interface JourneyPlan {
  /** Customers signing up between `from` and the end of the history. */
  customers: number;
  /** Share of them that subscribe. */
  subscribeRate: number;
  /** Share that buy one-off (the rest of non-subscribers are invoiced or dormant). */
  buyerRate: number;
  invoicedRate: number;
  /** Platform's share of each direct charge on a connected account (application fee). */
  applicationFeeRate?: number;
  /** Connected accounts a platform one-off order may be a destination charge for. */
  destinations?: string[];
  /** Called with each charge that moved money (the platform refunds some of its application fees). */
  onCharge?: (charge: string) => void;
}

const VAT_PREFIX: Record<string, [string, string]> = {
  DE: ['eu_vat', 'DE'],
  FR: ['eu_vat', 'FR'],
  NL: ['eu_vat', 'NL'],
  SE: ['eu_vat', 'SE'],
  GB: ['gb_vat', 'GB'],
  AU: ['au_abn', ''],
  IN: ['in_gst', ''],
};

export function scheduleJourneys(
  b: Business,
  cat: Catalog,
  acts: StripeActs,
  plan: JourneyPlan,
  from: number,
): void {
  const span = b.tl.end - from;
  const times: number[] = [];
  // A launch cohort in the first month, then linear growth: sign-up density rises steadily, t = from + span·√u.
  const launch = Math.max(3, Math.round(plan.customers * 0.02));
  for (let i = 0; i < plan.customers; i++) {
    times.push(from + (i < launch ? b.r.int(0, 30 * DAY) : Math.floor(span * Math.sqrt(b.r.next()))));
  }
  times.sort((x, y) => x - y);
  for (const t of times) b.tl.at(t, () => journey(b, cat, acts, plan));
}

async function journey(b: Business, cat: Catalog, acts: StripeActs, plan: JourneyPlan): Promise<void> {
  const r = b.r;
  const c = await createCustomer(b);
  const roll = r.next();
  if (roll < plan.subscribeRate) await subscribe(b, cat, acts, c);
  else if (roll < plan.subscribeRate + plan.buyerRate) scheduleOrders(b, cat, acts, plan, c);
  else if (roll < plan.subscribeRate + plan.buyerRate + plan.invoicedRate) scheduleInvoices(b, cat, c);
  if (r.bool(0.06)) await addTaxId(b, c);
  if (r.bool(0.03)) {
    // A customer's balance is in the currency it was first billed in (Stripe rejects any other).
    const current = await b.get(`/v1/customers/${c.id}`);
    await b.post(`/v1/customers/${c.id}/balance_transactions`, {
      amount: -r.int(5, 50) * 100,
      currency: typeof current.currency === 'string' ? current.currency : currencyFor(cat, c),
      description: 'Goodwill credit',
    });
  }
  if (r.bool(0.08)) {
    b.tl.after(r.int(1, 400) * DAY, async () => {
      await b.post(`/v1/customers/${c.id}`, {
        email: c.email.replace('@', '.billing@'),
        metadata: { email_changed: 'true' },
      });
    });
  }
}

export async function addTaxId(b: Business, c: CustomerRef): Promise<string | undefined> {
  const t = VAT_PREFIX[c.country];
  if (!t) return undefined;
  const digits = String(b.r.int(100000000, 999999999));
  const value =
    t[0] === 'au_abn'
      ? `${digits}12`
      : t[0] === 'in_gst'
        ? `22AAAAA${digits.slice(0, 4)}A1Z5`
        : `${t[1]}${digits}`;
  return (await b.post(`/v1/customers/${c.id}/tax_ids`, { type: t[0], value })).id;
}

function scheduleOrders(
  b: Business,
  cat: Catalog,
  acts: StripeActs,
  plan: JourneyPlan,
  c: CustomerRef,
): void {
  const r = b.r;
  const orders = r.weighted([
    [1, 5],
    [2, 3],
    [r.int(3, 8), 2],
  ]);
  const currency = currencyFor(cat, c);
  for (let i = 0; i < orders; i++) {
    b.tl.after(i === 0 ? 0 : r.int(1, 300) * DAY, async () => {
      const amount = currency === 'jpy' ? r.int(10, 500) * 100 : r.int(5, 800) * 100 + r.pick([0, 0, 99, 50]);
      const destination = plan.destinations?.length && r.bool(0.15) ? r.pick(plan.destinations) : undefined;
      const charge = await takePayment(b, acts, {
        amount,
        currency,
        customer: c,
        description: `Order ${r.int(1000, 999999)}`,
        applicationFee: plan.applicationFeeRate ? Math.round(amount * plan.applicationFeeRate) : undefined,
        destination: currency === 'usd' ? destination : undefined,
      });
      if (charge) plan.onCharge?.(charge);
    });
  }
}

function scheduleInvoices(b: Business, cat: Catalog, c: CustomerRef): void {
  const r = b.r;
  const n = r.int(1, 4);
  for (let i = 0; i < n; i++) {
    b.tl.after(i * r.int(25, 35) * DAY, async () => {
      const fate = r.weighted([
        ['paid', 80],
        ['paid_out_of_band', 10],
        ['void', 4],
        ['uncollectible', 3],
        ['open', 3],
      ] as const);
      await buildInvoice(b, cat, c, { lines: r.int(1, 6), fate, currency: currencyFor(cat, c) });
    });
  }
}
