/**
 * Every object the billing resources create looks like Stripe's: the same top-level keys as Stripe's
 * example object in fixtures3.json (differences listed with a reason in fixture-key-differences.json),
 * valid against the schema generated from the pinned SDK (schemas/<stream>.json), no emulator-internal
 * (`_…`) fields, and no values copied from the example objects.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSchemas, validateObject } from '../../../../../src/schema/jsonSchema.js';
import { type Api, customer, monthly, type Obj, oneTimePrice, setup } from './helpers.js';

const fixtures = (
  JSON.parse(readFileSync(new URL('../../../../fixtures/fixtures3.json', import.meta.url), 'utf8')) as {
    resources: Record<string, Record<string, unknown>>;
  }
).resources;
type Differences = Record<string, { missing: Record<string, string>; extra: Record<string, string> }>;
const differences = JSON.parse(
  readFileSync(new URL('../../../../fixtures/fixture-key-differences.json', import.meta.url), 'utf8'),
) as Differences;

interface Sample {
  stream: string;
  obj: Obj;
}

/** One object per billing stream, through the API as a client makes them (and the seed's helpers). */
async function samples(api: Api): Promise<Sample[]> {
  const out: Sample[] = [];
  const add = (stream: string, obj: Obj) => out.push({ stream, obj });
  const c = await customer(api, { address: { city: 'Lyon', country: 'FR' }, metadata: { crm: '42' } });
  add('customers', c);
  add(
    'customer_balance_transactions',
    await api.post(`/v1/customers/${c.id}/balance_transactions`, { amount: -300, currency: 'usd' }),
  );
  add(
    'customer_tax_ids',
    await api.post(`/v1/customers/${c.id}/tax_ids`, { type: 'eu_vat', value: 'FR12345678901' }),
  );
  const { product, price } = await monthly(api, 1900);
  add('products', product);
  add('prices', price);
  add('plans', await api.get(`/v1/plans/${price.id}`));
  const coupon = await api.post('/v1/coupons', {
    percent_off: 15,
    duration: 'repeating',
    duration_in_months: 2,
  });
  add('coupons', coupon);
  add(
    'promotion_codes',
    await api.post('/v1/promotion_codes', { promotion: { type: 'coupon', coupon: coupon.id } }),
  );
  const vat = await api.post('/v1/tax_rates', {
    display_name: 'TVA',
    percentage: '20',
    inclusive: 'false',
    country: 'FR',
  });
  add('tax_rates', vat);
  const sub = await api.post('/v1/subscriptions', {
    customer: c.id,
    items: [{ price: price.id, tax_rates: [vat.id] }],
    discounts: [{ coupon: coupon.id }],
  });
  add('subscriptions', sub);
  add('subscription_items', sub.items.data[0]);
  const inv = await api.get(`/v1/invoices/${sub.latest_invoice}`);
  add('invoices', inv);
  add('invoice_line_items', inv.lines.data[0]);
  add(
    'invoice_payments',
    (await api.get('/v1/invoice_payments', { invoice: inv.id })).data[0] ?? {
      id: 'none',
      object: 'invoice_payment',
    },
  );
  add(
    'invoice_items',
    await api.post('/v1/invoiceitems', {
      customer: c.id,
      amount: 250,
      currency: 'usd',
      description: 'Extra',
    }),
  );
  add('subscription_schedules', await api.post('/v1/subscription_schedules', { from_subscription: sub.id }));
  const cn = await api.post('/v1/credit_notes', {
    invoice: inv.id,
    lines: [{ type: 'invoice_line_item', invoice_line_item: inv.lines.data[0].id, quantity: 1 }],
  });
  add('credit_notes', cn);
  add('credit_note_lines', cn.lines.data[0]);
  const once = await oneTimePrice(api, 800);
  const q = await api.post('/v1/quotes', { customer: c.id, line_items: [{ price: once.id }] });
  add('quotes', q);
  add('quote_line_items', (await api.get(`/v1/quotes/${q.id}/line_items`)).data[0]);
  const cs = await api.post('/v1/checkout/sessions', {
    mode: 'payment',
    line_items: [{ price: once.id }],
    success_url: 'https://example.com/ok',
  });
  add('checkout_sessions', cs);
  add('checkout_session_line_items', (await api.get(`/v1/checkout/sessions/${cs.id}/line_items`)).data[0]);
  return out;
}

/** Quote line items have no stream of their own in schemas/; they are the same `item` object. */
const SCHEMA_OF: Record<string, string> = { quote_line_items: 'checkout_session_line_items' };

describe('billing object shapes', () => {
  let all: Sample[] = [];
  let schemas: Awaited<ReturnType<typeof loadSchemas>>['schemas'];

  beforeAll(async () => {
    const { api } = setup();
    all = await samples(api);
    schemas = (await loadSchemas()).schemas;
  });

  it('covers every billing stream', () => {
    expect(all.map((s) => s.stream).sort()).toEqual(
      [
        'checkout_session_line_items',
        'checkout_sessions',
        'coupons',
        'credit_note_lines',
        'credit_notes',
        'customer_balance_transactions',
        'customer_tax_ids',
        'customers',
        'invoice_items',
        'invoice_line_items',
        'invoice_payments',
        'invoices',
        'plans',
        'prices',
        'products',
        'promotion_codes',
        'quote_line_items',
        'quotes',
        'subscription_items',
        'subscription_schedules',
        'subscriptions',
        'tax_rates',
      ].sort(),
    );
    expect(all.every((s) => s.obj.id !== 'none')).toBe(true);
  });

  it('has the top-level keys of Stripe’s example object, up to the listed differences', () => {
    for (const s of all) {
      const object = String(s.obj.object);
      const expected = new Set(Object.keys(fixtures[object] ?? {}));
      const diff = differences[object] ?? { missing: {}, extra: {} };
      const got = new Set(Object.keys(s.obj));
      expect({
        stream: s.stream,
        missing: [...expected].filter((k) => !got.has(k)).sort(),
        extra: [...got].filter((k) => !expected.has(k)).sort(),
      }).toEqual({
        stream: s.stream,
        missing: Object.keys(diff.missing).sort(),
        extra: Object.keys(diff.extra).sort(),
      });
    }
  });

  it('validates against the schema generated from the pinned SDK', () => {
    const failures = all
      .map((s) => ({
        stream: s.stream,
        violations: validateObject(schemas.get(SCHEMA_OF[s.stream] ?? s.stream)!, s.obj),
      }))
      .filter((f) => f.violations.length > 0);
    expect(failures).toEqual([]);
  });

  it('leaks no emulator-internal fields and copies no values from Stripe’s example objects', () => {
    for (const s of all) {
      const json = JSON.stringify(s.obj);
      expect(json, s.stream).not.toMatch(/"_[a-z_]+":/);
      // fixtures3.json ids carry the account fragment B7WZ01zgkW and `obj_123`; its filler numbers
      // (1555417355, 1592560163, …) and timestamps (1234567890) must not survive either.
      expect(json, s.stream).not.toMatch(
        /B7WZ01zgkW|obj_123|QXg1|sangeekp|\b(1234567890|1555417355|1592560163|797691627|1413853096|2060319484|1028554472)\b/,
      );
    }
  });
});
