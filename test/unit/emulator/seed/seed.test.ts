import { beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../../src/emulator/emulator.js';
import { createEmulator } from '../../../../src/emulator/index.js';
import { COLLIDING_KEYS, KEY_40, NUL_STRING, VALUE_500 } from '../../../../src/emulator/seed/content.js';
import { type SeedSummary, seedEmulator } from '../../../../src/emulator/seed/index.js';

const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const DAY = 86400;

type Obj = Record<string, unknown> & { id: string; object: string };
type List = { data: Obj[]; has_more: boolean };

async function get(
  emu: Emulator,
  path: string,
  params: Record<string, unknown> = {},
  account?: string,
): Promise<Obj> {
  const res = await emu.call('GET', path, params, account ? { account } : {});
  expect(res.status, `${path}: ${JSON.stringify(res.json).slice(0, 300)}`).toBe(200);
  return res.json as Obj;
}

/** Every object of a list endpoint, following `starting_after`. */
async function listAll(
  emu: Emulator,
  path: string,
  params: Record<string, unknown> = {},
  account?: string,
): Promise<Obj[]> {
  const out: Obj[] = [];
  let after: string | undefined;
  for (;;) {
    const page = (await get(
      emu,
      path,
      { limit: 100, ...params, ...(after ? { starting_after: after } : {}) },
      account,
    )) as unknown as List;
    out.push(...page.data);
    if (!page.has_more) return out;
    after = page.data[page.data.length - 1]!.id;
  }
}

type GroundTruth = Record<string, Record<string, { live: Obj[]; deleted: Obj[] }>>;

/** Every live and deleted object per account and resource, from the control plane. */
async function groundTruth(emu: Emulator): Promise<GroundTruth> {
  const res = await emu.handle({ method: 'GET', path: '/_emulator/ground-truth' });
  return (JSON.parse(res.body) as { accounts: GroundTruth }).accounts;
}

/** Ground truth ids (live and deleted) per account and resource. */
async function groundTruthIds(
  emu: Emulator,
): Promise<Record<string, Record<string, { live: string[]; deleted: string[] }>>> {
  const gt = { accounts: await groundTruth(emu) };
  const out: Record<string, Record<string, { live: string[]; deleted: string[] }>> = {};
  for (const [account, resources] of Object.entries(gt.accounts)) {
    out[account] = {};
    for (const [name, { live, deleted }] of Object.entries(resources)) {
      out[account]![name] = { live: live.map((o) => o.id), deleted: deleted.map((o) => o.id) };
    }
  }
  return out;
}

async function seeded(seed: number): Promise<{ emu: Emulator; summary: SeedSummary }> {
  const emu = createEmulator({ seed, now: NOW });
  const summary = await seedEmulator(emu, { size: 'small', seed });
  return { emu, summary };
}

describe('seed generator (small)', () => {
  let emu: Emulator;
  let summary: SeedSummary;
  let customers: Obj[];

  beforeAll(async () => {
    ({ emu, summary } = await seeded(7));
    customers = await listAll(emu, '/v1/customers');
  });

  it('seeds every resource (nothing skipped) with about 5k objects over at least 3 accounts', () => {
    expect(summary.skipped).toEqual({});
    expect(summary.objects).toBeGreaterThan(3_500);
    expect(summary.objects).toBeLessThan(8_000);
    expect(summary.accounts.length).toBeGreaterThanOrEqual(3);
    for (const account of summary.accounts) {
      expect(Object.values(summary.byAccount[account]!).reduce((a, b) => a + b, 0)).toBeGreaterThan(50);
    }
    const total = Object.values(summary.byResource).reduce((a, b) => a + b, 0);
    expect(total).toBe(summary.objects);
  });

  it('covers the resources of issue #2', () => {
    for (const resource of [
      'products',
      'prices',
      'plans',
      'coupons',
      'promotion_codes',
      'tax_rates',
      'customers',
      'payment_methods',
      'subscriptions',
      'subscription_items',
      'subscription_schedules',
      'invoices',
      'invoice_items',
      'invoice_payments',
      'payment_intents',
      'charges',
      'balance_transactions',
      'payouts',
      'refunds',
      'disputes',
      'credit_notes',
      'quotes',
      'setup_intents',
      'transfers',
      'transfer_reversals',
      'application_fees',
      'application_fee_refunds',
      'topups',
      'reviews',
      'early_fraud_warnings',
      'files',
      'checkout_sessions',
      'customer_tax_ids',
      'customer_balance_transactions',
      'accounts',
    ]) {
      expect(summary.byResource[resource] ?? 0, resource).toBeGreaterThan(0);
    }
  });

  it('is deterministic: the same seed gives the same ids, another seed different ones', async () => {
    const again = await seeded(7);
    expect(await groundTruthIds(again.emu)).toEqual(await groundTruthIds(emu));
    expect(again.summary.byAccount).toEqual(summary.byAccount);
    // With the same `now`, not only the ids: every field of every object.
    expect(JSON.stringify(await groundTruth(again.emu))).toBe(JSON.stringify(await groundTruth(emu)));
    const other = await seeded(8);
    expect(other.summary.accounts[0]).not.toBe(summary.accounts[0]);
  });

  it('ends at the original now, with three years of history', async () => {
    expect(emu.clock.isFrozen()).toBe(false);
    expect(emu.clock.now()).toBeGreaterThanOrEqual(NOW);
    expect(emu.clock.now()).toBeLessThan(NOW + 120);
    expect(emu.eventsSince).toBe(0);
    const created = customers.map((c) => Number(c.created));
    expect(Math.min(...created)).toBeLessThan(NOW - 2.5 * 365 * DAY);
    expect(Math.max(...created)).toBeGreaterThan(NOW - 7 * DAY);
    expect(Math.max(...created)).toBeLessThanOrEqual(NOW);
  });

  it('has customers with awkward metadata: colliding keys, unicode, quotes, 40-char keys, NUL, 500-char values, 50 keys', () => {
    const keys = new Set(customers.flatMap((c) => Object.keys(c.metadata as object)));
    for (const k of COLLIDING_KEYS) expect(keys.has(k), k).toBe(true);
    expect(keys.has(KEY_40)).toBe(true);
    expect(KEY_40).toHaveLength(40);
    expect([...keys].some((k) => [...k].some((ch) => ch.codePointAt(0)! > 127))).toBe(true);
    expect([...keys].some((k) => k.includes('"') && k.includes(';'))).toBe(true);
    const values = customers.flatMap((c) => Object.values(c.metadata as Record<string, string>));
    expect(values).toContain(NUL_STRING);
    expect(values).toContain(VALUE_500);
    expect(VALUE_500).toHaveLength(500);
    expect(customers.some((c) => Object.keys(c.metadata as object).length === 50)).toBe(true);
    expect(customers.some((c) => String(c.name).includes('\u0000'))).toBe(true);
  });

  it('has a bulk import: more than a page of customers sharing one created second, paged without loss', async () => {
    const bySecond = new Map<number, number>();
    for (const c of customers) bySecond.set(Number(c.created), (bySecond.get(Number(c.created)) ?? 0) + 1);
    const [second, count] = [...bySecond.entries()].sort((a, b) => b[1] - a[1])[0]!;
    expect(count).toBeGreaterThanOrEqual(150);
    const paged = await listAll(emu, '/v1/customers', { created: second });
    expect(paged).toHaveLength(count);
    expect(new Set(paged.map((c) => c.id)).size).toBe(count);
  });

  it('has a subscription in every status, with items', async () => {
    const subs = await listAll(emu, '/v1/subscriptions', { status: 'all' });
    const statuses = new Set(subs.map((s) => s.status));
    for (const s of [
      'incomplete',
      'incomplete_expired',
      'trialing',
      'active',
      'past_due',
      'canceled',
      'unpaid',
      'paused',
    ]) {
      expect(statuses.has(s), s).toBe(true);
    }
    expect(subs.every((s) => (s.items as List).data.length > 0)).toBe(true);
  });

  it('has an invoice in every status, and invoices with more than 10 lines', async () => {
    const invoices = await listAll(emu, '/v1/invoices');
    const statuses = new Set(invoices.map((i) => i.status));
    for (const s of ['draft', 'open', 'paid', 'void', 'uncollectible']) expect(statuses.has(s), s).toBe(true);
    const long = invoices.filter((i) => (i.lines as List).has_more);
    expect(long.length).toBeGreaterThanOrEqual(3);
    const lines = await listAll(emu, `/v1/invoices/${long[0]!.id}/lines`);
    expect(lines.length).toBeGreaterThan(10);
  });

  it('has prices that are tiered, inactive and inline', async () => {
    const prices = await listAll(emu, '/v1/prices', { active: 'false' });
    expect(prices.length).toBeGreaterThanOrEqual(2);
    const active = await listAll(emu, '/v1/prices');
    expect(active.some((p) => p.billing_scheme === 'tiered' && p.tiers_mode === 'graduated')).toBe(true);
    expect(active.some((p) => p.currency === 'jpy')).toBe(true);
    const items = await listAll(emu, '/v1/invoiceitems');
    const listed = new Set([...prices, ...active].map((p) => p.id));
    // Inline `price_data` prices exist on items but are not listed.
    const inline = items.map(
      (i) =>
        ((i.pricing as { price_details?: { price?: string } } | null)?.price_details?.price ??
          (i.price as Obj | null)?.id) as string | undefined,
    );
    expect(inline.some((id) => id !== undefined && !listed.has(id))).toBe(true);
  });

  it('has deleted customers, products and coupons: gone from lists, with recent *.deleted events', async () => {
    const gt = await groundTruthIds(emu);
    const platform = gt[summary.accounts[0]!]!;
    for (const resource of ['customers', 'products', 'coupons', 'plans']) {
      expect(platform[resource]!.deleted.length, resource).toBeGreaterThanOrEqual(2);
    }
    const deletedCustomers = new Set(platform.customers!.deleted);
    expect(customers.some((c) => deletedCustomers.has(c.id))).toBe(false);
    const one = await get(emu, `/v1/customers/${platform.customers!.deleted[0]}`);
    expect(one.deleted).toBe(true);
    for (const type of [
      'customer.deleted',
      'product.deleted',
      'coupon.deleted',
      'plan.deleted',
      'invoice.deleted',
      'invoiceitem.deleted',
    ]) {
      const events = await listAll(emu, '/v1/events', { type });
      expect(events.length, type).toBeGreaterThan(0);
    }
    // Older deletions left no event: fewer deleted events than deleted customers.
    const customerDeleted = await listAll(emu, '/v1/events', { type: 'customer.deleted' });
    expect(customerDeleted.length).toBeLessThan(platform.customers!.deleted.length);
  });

  it('keeps only the last 30 days of events, of many types', async () => {
    const events = await listAll(emu, '/v1/events');
    expect(events.length).toBeGreaterThan(200);
    const types = new Set(events.map((e) => e.type));
    expect(types.size).toBeGreaterThanOrEqual(25);
    for (const t of [
      'customer.created',
      'customer.updated',
      'invoice.paid',
      'charge.succeeded',
      'customer.subscription.updated',
      'payout.created',
    ]) {
      expect(types.has(t), t).toBe(true);
    }
    expect(events.every((e) => Number(e.created) >= NOW - 30 * DAY)).toBe(true);
    expect(summary.events).toBeGreaterThanOrEqual(events.length);
  });

  it('has Connect data: connected accounts with their own charges, transfers and application fees', async () => {
    const accounts = await listAll(emu, '/v1/accounts');
    expect(accounts.length).toBeGreaterThanOrEqual(2);
    const transfers = await listAll(emu, '/v1/transfers');
    expect(transfers.some((t) => accounts.some((a) => a.id === t.destination))).toBe(true);
    const fees = await listAll(emu, '/v1/application_fees');
    expect(fees.length).toBeGreaterThan(0);
    const charges = await listAll(emu, '/v1/charges', {}, accounts[0]!.id);
    expect(charges.length).toBeGreaterThan(0);
    const events = await listAll(emu, '/v1/events', {}, accounts[0]!.id);
    expect(events.every((e) => e.account === accounts[0]!.id)).toBe(true);
  });

  it('has balance transactions with fee details, and payouts', async () => {
    const txns = await listAll(emu, '/v1/balance_transactions');
    expect(txns.some((t) => Array.isArray(t.fee_details) && (t.fee_details as unknown[]).length > 0)).toBe(
      true,
    );
    const payouts = await listAll(emu, '/v1/payouts');
    expect(payouts.length).toBeGreaterThan(50);
  });
});
