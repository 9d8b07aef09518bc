/**
 * Proves the pinned `stripe` SDK drives every billing operation the emulator offers over real HTTP —
 * each create, update, delete and action of customers (and their balance transactions and tax ids),
 * the catalogue, invoices, invoice items, subscriptions (+ items, schedules), credit notes, quotes and
 * Checkout Sessions — and that auto-pagination of every billing list (top-level and child) walks more than
 * three pages and yields exactly the ids created, newest first.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEST_KEY, type RunningEmulator, startEmulator } from '../../../src/emulator/index.js';

let running: RunningEmulator;
let stripe: Stripe;
const PAGE = 2;
const N = 7; // 7 objects at limit 2 = 4 pages

beforeAll(async () => {
  running = await startEmulator({ port: 0, seed: 21 });
  stripe = new Stripe(DEFAULT_TEST_KEY, {
    host: '127.0.0.1',
    port: running.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
});
afterAll(() => running.close());

/** Every id an auto-paginated list yields, asserting it needed more than three pages. */
async function walk<T extends { id: string }>(
  list: (params: { limit: number }) => Stripe.ApiListPromise<T>,
): Promise<string[]> {
  const ids: string[] = [];
  for await (const o of list({ limit: PAGE })) ids.push(o.id);
  expect(Math.ceil(ids.length / PAGE)).toBeGreaterThan(3);
  return ids;
}

const newestFirst = (ids: string[]) => [...ids].reverse();

async function times<T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await make(i));
  return out;
}

describe('customers over the SDK', () => {
  it('creates, updates, deletes, and pages customers, balance transactions and tax ids', async () => {
    const made = await times(N, (i) =>
      stripe.customers.create({ email: `c${i}@example.com`, metadata: { i: String(i) } }),
    );
    const c = made[0]!;
    expect((await stripe.customers.update(c.id, { name: 'Renamed' })).name).toBe('Renamed');
    const txns = await times(N, (i) =>
      stripe.customers.createBalanceTransaction(c.id, { amount: -(i + 1), currency: 'usd' }),
    );
    expect(
      (await stripe.customers.updateBalanceTransaction(c.id, txns[0]!.id, { description: 'first' }))
        .description,
    ).toBe('first');
    expect((await stripe.customers.retrieveBalanceTransaction(c.id, txns[1]!.id)).amount).toBe(-2);
    expect(await walk((p) => stripe.customers.listBalanceTransactions(c.id, p))).toEqual(
      newestFirst(txns.map((t) => t.id)),
    );
    const taxIds = await times(N, (i) =>
      stripe.customers.createTaxId(c.id, { type: 'eu_vat', value: `DE00000000${i}` }),
    );
    expect((await stripe.customers.retrieveTaxId(c.id, taxIds[0]!.id)).value).toBe('DE000000000');
    expect(await walk((p) => stripe.customers.listTaxIds(c.id, p))).toEqual(
      newestFirst(taxIds.map((t) => t.id)),
    );
    expect((await stripe.customers.deleteTaxId(c.id, taxIds[0]!.id)).deleted).toBe(true);
    const listed = await walk((p) => stripe.customers.list({ ...p, created: { gte: c.created } }));
    expect(listed).toEqual(newestFirst(made.map((m) => m.id)));
    const gone = await stripe.customers.del(made[N - 1]!.id);
    expect(gone).toMatchObject({ id: made[N - 1]!.id, deleted: true });
    expect(await stripe.customers.retrieve(made[N - 1]!.id)).toMatchObject({ deleted: true });
  });
});

describe('catalogue over the SDK', () => {
  it('products, prices, plans, coupons, promotion codes and tax rates', async () => {
    const products = await times(N, (i) =>
      stripe.products.create({ name: `Product ${i}`, metadata: { sdk: 'yes' } }),
    );
    const p = products[0]!;
    expect((await stripe.products.update(p.id, { description: 'Updated' })).description).toBe('Updated');
    const ids = await walk((q) => stripe.products.list({ ...q, ids: products.map((x) => x.id) }));
    expect(ids).toEqual(newestFirst(products.map((x) => x.id)));
    expect((await stripe.products.del(products[N - 1]!.id)).deleted).toBe(true);

    const prices = await times(N, (i) =>
      stripe.prices.create({
        product: p.id,
        currency: 'usd',
        unit_amount: 100 + i,
        recurring: { interval: 'month' },
      }),
    );
    expect((await stripe.prices.update(prices[0]!.id, { nickname: 'Base' })).nickname).toBe('Base');
    expect(await walk((q) => stripe.prices.list({ ...q, product: p.id }))).toEqual(
      newestFirst(prices.map((x) => x.id)),
    );
    // Recurring prices are plans too.
    expect(await walk((q) => stripe.plans.list({ ...q, product: p.id }))).toEqual(
      newestFirst(prices.map((x) => x.id)),
    );
    const plan = await stripe.plans.create({ product: p.id, currency: 'usd', amount: 999, interval: 'year' });
    expect((await stripe.plans.update(plan.id, { nickname: 'Yearly' })).nickname).toBe('Yearly');
    expect((await stripe.plans.del(plan.id)).deleted).toBe(true);

    const coupons = await times(N, (i) => stripe.coupons.create({ percent_off: 5 + i, duration: 'once' }));
    expect((await stripe.coupons.update(coupons[0]!.id, { name: 'Five' })).name).toBe('Five');
    const couponIds = await walk((q) => stripe.coupons.list({ ...q, created: { gte: coupons[0]!.created } }));
    expect(couponIds).toEqual(newestFirst(coupons.map((x) => x.id)));
    expect((await stripe.coupons.del(coupons[N - 1]!.id)).deleted).toBe(true);

    const promos = await times(N, () =>
      stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupons[0]!.id } }),
    );
    expect((await stripe.promotionCodes.update(promos[0]!.id, { active: false })).active).toBe(false);
    expect(await walk((q) => stripe.promotionCodes.list({ ...q, coupon: coupons[0]!.id }))).toEqual(
      newestFirst(promos.map((x) => x.id)),
    );

    const rates = await times(N, (i) =>
      stripe.taxRates.create({ display_name: `Tax ${i}`, percentage: 5 + i, inclusive: false }),
    );
    expect((await stripe.taxRates.update(rates[0]!.id, { active: false })).active).toBe(false);
    expect(await walk((q) => stripe.taxRates.list({ ...q, created: { gte: rates[0]!.created } }))).toEqual(
      newestFirst(rates.map((x) => x.id)),
    );
  });
});

describe('invoicing over the SDK', () => {
  it('invoices and their actions, lines, invoice items, invoice payments and credit notes', async () => {
    const c = await stripe.customers.create({ email: 'billing@example.com' });
    const invoices = await times(N + 1, () =>
      stripe.invoices.create({ customer: c.id, collection_method: 'send_invoice', days_until_due: 30 }),
    );
    const inv = invoices[0]!;
    const items = await times(N + 1, (i) =>
      stripe.invoiceItems.create({ customer: c.id, invoice: inv.id, amount: 100 * (i + 1), currency: 'usd' }),
    );
    expect((await stripe.invoiceItems.update(items[0]!.id, { description: 'First' })).description).toBe(
      'First',
    );
    expect(await walk((q) => stripe.invoiceItems.list({ ...q, invoice: inv.id }))).toEqual(
      newestFirst(items.map((x) => x.id)),
    );
    expect((await stripe.invoiceItems.del(items[N]!.id)).deleted).toBe(true);
    expect((await stripe.invoices.update(inv.id, { description: 'Updated' })).description).toBe('Updated');
    const lines = await walk((q) => stripe.invoices.listLineItems(inv.id, q));
    expect(lines).toHaveLength(N);
    const finalized = await stripe.invoices.finalizeInvoice(inv.id);
    expect(finalized.status).toBe('open');
    expect((await stripe.invoices.sendInvoice(inv.id)).status).toBe('open');
    const cn = await stripe.creditNotes.create({ invoice: inv.id, amount: 100 });
    expect((await stripe.creditNotes.update(cn.id, { memo: 'Adjusted' })).memo).toBe('Adjusted');
    expect((await stripe.creditNotes.voidCreditNote(cn.id)).status).toBe('void');
    const cns = await times(N, () => stripe.creditNotes.create({ invoice: inv.id, amount: 10 }));
    expect(await walk((q) => stripe.creditNotes.list({ ...q, invoice: inv.id }))).toEqual(
      newestFirst([cn, ...cns].map((x) => x.id)),
    );
    const big = await stripe.creditNotes.create({
      invoice: inv.id,
      lines: Array.from({ length: N }, () => ({
        type: 'custom_line_item' as const,
        unit_amount: 1,
        quantity: 1,
      })),
    });
    expect(await walk((q) => stripe.creditNotes.listLineItems(big.id, q))).toHaveLength(N);
    expect((await stripe.invoices.pay(inv.id, { paid_out_of_band: true })).status).toBe('paid');
    for (const i of invoices.slice(1, 3))
      await stripe.invoiceItems.create({ customer: c.id, invoice: i.id, amount: 700, currency: 'usd' });
    expect(
      (await stripe.invoices.voidInvoice((await stripe.invoices.finalizeInvoice(invoices[1]!.id)).id)).status,
    ).toBe('void');
    expect(
      (await stripe.invoices.markUncollectible((await stripe.invoices.finalizeInvoice(invoices[2]!.id)).id))
        .status,
    ).toBe('uncollectible');
    expect((await stripe.invoices.del(invoices[N]!.id)).deleted).toBe(true);
    expect(await walk((q) => stripe.invoices.list({ ...q, customer: c.id }))).toEqual(
      newestFirst(invoices.slice(0, N).map((x) => x.id)),
    );

    // Paid invoices record their payments.
    const payer = await stripe.customers.create({ email: 'payer@example.com' });
    const paid = await times(N, async () => {
      const i = await stripe.invoices.create({ customer: payer.id });
      await stripe.invoiceItems.create({ customer: payer.id, invoice: i.id, amount: 500, currency: 'usd' });
      return stripe.invoices.pay(i.id);
    });
    expect(paid.every((i) => i.status === 'paid')).toBe(true);
    const payments = await walk((q) =>
      stripe.invoicePayments.list({ ...q, status: 'paid', created: { gte: paid[0]!.created } }),
    );
    if (running.emulator.registry.has('payment_intents')) {
      expect(payments).toHaveLength(N);
      expect((await stripe.invoicePayments.retrieve(payments[0]!)).invoice).toBe(paid[N - 1]!.id);
    } else expect(payments).toEqual([]);
  });
});

describe('subscriptions over the SDK', () => {
  it('subscriptions, items and schedules with their actions', async () => {
    const c = await stripe.customers.create({ email: 'subs@example.com' });
    const product = await stripe.products.create({ name: 'Seats' });
    const prices = await times(N + 1, (i) =>
      stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 100 + i,
        recurring: { interval: 'month' },
      }),
    );
    const subs = await times(N, (i) =>
      stripe.subscriptions.create({ customer: c.id, items: [{ price: prices[i]!.id }] }),
    );
    const sub = subs[0]!;
    expect(sub.status).toBe('active');
    const updated = await stripe.subscriptions.update(sub.id, {
      metadata: { plan: 'pro' },
      cancel_at_period_end: true,
    });
    expect(updated.cancel_at_period_end).toBe(true);
    const items = await times(N - 1, (i) =>
      stripe.subscriptionItems.create({
        subscription: sub.id,
        price: prices[i + 1]!.id,
        proration_behavior: 'none',
      }),
    );
    expect((await stripe.subscriptionItems.update(items[0]!.id, { quantity: 3 })).quantity).toBe(3);
    expect((await stripe.subscriptionItems.retrieve(items[0]!.id)).quantity).toBe(3);
    const itemIds = await walk((q) => stripe.subscriptionItems.list({ ...q, subscription: sub.id }));
    expect(itemIds).toEqual(newestFirst([sub.items.data[0]!.id, ...items.map((x) => x.id)]));
    expect((await stripe.subscriptionItems.del(items[0]!.id)).deleted).toBe(true);
    const paused = await stripe.subscriptions.pause(subs[1]!.id);
    expect(paused.status).toBe('paused');
    expect((await stripe.subscriptions.resume(subs[1]!.id)).status).toBe('active');
    const canceled = await stripe.subscriptions.cancel(subs[2]!.id, {
      cancellation_details: { comment: 'bye' },
    });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_details: { comment: 'bye' } });
    expect(await walk((q) => stripe.subscriptions.list({ ...q, customer: c.id, status: 'all' }))).toEqual(
      newestFirst(subs.map((x) => x.id)),
    );

    const schedules = await times(N, (i) =>
      stripe.subscriptionSchedules.create({
        customer: c.id,
        start_date: 'now',
        phases: [{ items: [{ price: prices[i]!.id }], duration: { interval: 'month', interval_count: 2 } }],
      }),
    );
    expect(
      (await stripe.subscriptionSchedules.update(schedules[0]!.id, { metadata: { ramp: 'yes' } })).metadata,
    ).toEqual({ ramp: 'yes' });
    expect((await stripe.subscriptionSchedules.release(schedules[0]!.id)).status).toBe('released');
    expect((await stripe.subscriptionSchedules.cancel(schedules[1]!.id)).status).toBe('canceled');
    const fromSub = await stripe.subscriptionSchedules.create({ from_subscription: subs[3]!.id });
    expect(fromSub.subscription).toBe(subs[3]!.id);
    expect(await walk((q) => stripe.subscriptionSchedules.list({ ...q, customer: c.id }))).toEqual(
      newestFirst([...schedules, fromSub].map((x) => x.id)),
    );
  });
});

describe('quotes and Checkout over the SDK', () => {
  it('quotes with their actions and line items; sessions with expire and line items', async () => {
    const c = await stripe.customers.create({ email: 'quotes@example.com' });
    const product = await stripe.products.create({ name: 'Service' });
    const prices = await times(N, (i) =>
      stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 1000 + i }),
    );
    const quotes = await times(N, () =>
      stripe.quotes.create({ customer: c.id, line_items: prices.map((p) => ({ price: p.id })) }),
    );
    const q = quotes[0]!;
    expect((await stripe.quotes.update(q.id, { description: 'Proposal' })).description).toBe('Proposal');
    expect(await walk((p) => stripe.quotes.listLineItems(q.id, p))).toHaveLength(N);
    expect((await stripe.quotes.finalizeQuote(q.id)).status).toBe('open');
    expect((await stripe.quotes.accept(q.id)).status).toBe('accepted');
    expect((await stripe.quotes.cancel(quotes[1]!.id)).status).toBe('canceled');
    expect(await walk((p) => stripe.quotes.list({ ...p, customer: c.id }))).toEqual(
      newestFirst(quotes.map((x) => x.id)),
    );

    const sessions = await times(N, () =>
      stripe.checkout.sessions.create({
        mode: 'payment',
        customer: c.id,
        success_url: 'https://example.com/ok',
        line_items: prices.map((p) => ({ price: p.id, quantity: 1 })),
      }),
    );
    const s = sessions[0]!;
    expect((await stripe.checkout.sessions.update(s.id, { metadata: { cart: '1' } })).metadata).toEqual({
      cart: '1',
    });
    expect(await walk((p) => stripe.checkout.sessions.listLineItems(s.id, p))).toHaveLength(N);
    expect((await stripe.checkout.sessions.expire(s.id)).status).toBe('expired');
    expect(await walk((p) => stripe.checkout.sessions.list({ ...p, customer: c.id }))).toEqual(
      newestFirst(sessions.map((x) => x.id)),
    );
  });
});
