import { describe, expect, it } from 'vitest';
import { customer, DAY, monthly, setup } from './helpers.js';

describe('customers', () => {
  it('creates, updates (customer.updated with previous_attributes) and lists by email', async () => {
    const { api } = setup();
    const c = await customer(api, { metadata: { tier: 'gold' }, address: { city: 'Berlin', country: 'DE' } });
    expect(c).toMatchObject({
      object: 'customer',
      email: 'ada@example.com',
      balance: 0,
      currency: null,
      delinquent: false,
      metadata: { tier: 'gold' },
      address: { city: 'Berlin', country: 'DE', line1: null, line2: null, postal_code: null, state: null },
      test_clock: null,
    });
    expect(c.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    expect(c.invoice_prefix).toMatch(/^[0-9A-F]{8}$/);
    const other = await customer(api, { email: 'other@example.com' });
    const updated = await api.post(`/v1/customers/${c.id}`, { name: 'Ada L.', metadata: { tier: '' } });
    expect(updated).toMatchObject({ name: 'Ada L.', metadata: {} });
    const events = await api.events('customer.');
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.created', 'customer.updated']);
    expect(events[2]!.data.previous_attributes).toEqual({ name: 'Ada Lovelace', metadata: { tier: 'gold' } });
    expect(await api.ids('/v1/customers', { email: 'other@example.com' })).toEqual([other.id]);
    expect((await api.fails('POST', '/v1/customers', { emial: 'typo@example.com' })).error).toMatchObject({
      code: 'parameter_unknown',
      param: 'emial',
    });
  });

  it('deletes: gone from lists, retrieves as deleted, customer.deleted, and cancels its subscriptions', async () => {
    const { api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api);
    const sub = await api.post('/v1/subscriptions', { customer: c.id, items: [{ price: price.id }] });
    expect(sub.status).toBe('active');
    expect(await api.del(`/v1/customers/${c.id}`)).toEqual({ id: c.id, object: 'customer', deleted: true });
    expect(await api.get(`/v1/customers/${c.id}`)).toEqual({ id: c.id, object: 'customer', deleted: true });
    expect(await api.ids('/v1/customers')).toEqual([]);
    const canceled = await api.get(`/v1/subscriptions/${sub.id}`);
    expect(canceled).toMatchObject({
      status: 'canceled',
      canceled_at: expect.any(Number),
      ended_at: expect.any(Number),
    });
    const types = await api.eventTypes();
    expect(types.slice(-2)).toEqual(['customer.subscription.deleted', 'customer.deleted']);
    expect((await api.fails('POST', `/v1/customers/${c.id}`, { name: 'x' })).status).toBe(404);
  });

  it('hides customers on a test clock unless test_clock is passed', async () => {
    const { api } = setup();
    const plain = await customer(api);
    const clocked = await customer(api, { test_clock: 'clock_1' });
    expect(await api.ids('/v1/customers')).toEqual([plain.id]);
    expect(await api.ids('/v1/customers', { test_clock: 'clock_1' })).toEqual([clocked.id]);
  });

  it('filters by created', async () => {
    const { emu, api } = setup();
    const old = await customer(api);
    emu.clock.advance(DAY);
    const recent = await customer(api);
    expect(await api.ids('/v1/customers', { created: { gte: old.created + 1 } })).toEqual([recent.id]);
    expect(await api.ids('/v1/customers', { created: old.created })).toEqual([old.id]);
  });
});

describe('customer balance transactions', () => {
  it('moves the balance, emits customer.updated, lists by invoice and created, updates description only', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const t1 = await api.post(`/v1/customers/${c.id}/balance_transactions`, {
      amount: -500,
      currency: 'usd',
      description: 'Goodwill',
    });
    expect(t1).toMatchObject({
      object: 'customer_balance_transaction',
      amount: -500,
      ending_balance: -500,
      type: 'adjustment',
      customer: c.id,
      currency: 'usd',
    });
    expect(t1.id).toMatch(/^cbtxn_/);
    emu.clock.advance(10);
    const t2 = await api.post(`/v1/customers/${c.id}/balance_transactions`, { amount: 200, currency: 'usd' });
    expect(t2.ending_balance).toBe(-300);
    expect(await api.get(`/v1/customers/${c.id}`)).toMatchObject({ balance: -300, currency: 'usd' });
    const updates = await api.events('customer.updated');
    expect(updates.map((e) => e.data.previous_attributes.balance)).toEqual([0, -500]);
    expect(await api.ids(`/v1/customers/${c.id}/balance_transactions`)).toEqual([t2.id, t1.id]);
    expect(
      await api.ids(`/v1/customers/${c.id}/balance_transactions`, { created: { gt: t1.created } }),
    ).toEqual([t2.id]);
    const edited = await api.post(`/v1/customers/${c.id}/balance_transactions/${t1.id}`, {
      description: 'Apology credit',
    });
    expect(edited).toMatchObject({ description: 'Apology credit', amount: -500 });
    expect(
      (await api.fails('POST', `/v1/customers/${c.id}/balance_transactions/${t1.id}`, { amount: 1 })).error
        .code,
    ).toBe('parameter_unknown');
    expect(
      (await api.fails('POST', `/v1/customers/${c.id}/balance_transactions`, { amount: 1, currency: 'eur' }))
        .error.param,
    ).toBe('currency');
    const other = await customer(api);
    expect((await api.fails('GET', `/v1/customers/${other.id}/balance_transactions/${t1.id}`)).status).toBe(
      404,
    );
  });

  it('credit applies to the next invoice at finalization (applied_to_invoice)', async () => {
    const { api } = setup();
    const c = await customer(api);
    await api.post(`/v1/customers/${c.id}/balance_transactions`, { amount: -700, currency: 'usd' });
    const inv = await api.post('/v1/invoices', {
      customer: c.id,
      collection_method: 'send_invoice',
      days_until_due: 7,
    });
    await api.post('/v1/invoiceitems', { customer: c.id, invoice: inv.id, amount: 1000, currency: 'usd' });
    const fin = await api.post(`/v1/invoices/${inv.id}/finalize`);
    expect(fin).toMatchObject({ total: 1000, starting_balance: -700, ending_balance: 0, amount_due: 300 });
    const txns = await api.get(`/v1/customers/${c.id}/balance_transactions`, { invoice: inv.id });
    expect(txns.data).toMatchObject([
      { type: 'applied_to_invoice', amount: 700, ending_balance: 0, invoice: inv.id },
    ]);
    expect((await api.get(`/v1/customers/${c.id}`)).balance).toBe(0);
  });
});

describe('customer tax ids', () => {
  it('creates, lists, retrieves and deletes with customer.tax_id.* events', async () => {
    const { api } = setup();
    const c = await customer(api, { tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }] });
    const first = (await api.get(`/v1/customers/${c.id}/tax_ids`)).data[0];
    expect(first).toMatchObject({
      object: 'tax_id',
      type: 'eu_vat',
      country: 'DE',
      customer: c.id,
      owner: { type: 'customer', customer: c.id },
    });
    const t = await api.post(`/v1/customers/${c.id}/tax_ids`, { type: 'gb_vat', value: 'GB123456789' });
    expect(t.id).toMatch(/^txi_/);
    expect(await api.get(`/v1/customers/${c.id}/tax_ids/${t.id}`)).toMatchObject({ country: 'GB' });
    const expanded = await api.get(`/v1/customers/${c.id}`, { expand: ['tax_ids'] });
    expect(expanded.tax_ids.data.map((x: { id: string }) => x.id)).toEqual([t.id, first.id]);
    expect((await api.get(`/v1/customers/${c.id}`)).tax_ids).toBeUndefined();
    expect(await api.del(`/v1/customers/${c.id}/tax_ids/${t.id}`)).toEqual({
      id: t.id,
      object: 'tax_id',
      deleted: true,
    });
    expect(await api.ids(`/v1/customers/${c.id}/tax_ids`)).toEqual([first.id]);
    expect(await api.eventTypes('customer.tax_id')).toEqual([
      'customer.tax_id.created',
      'customer.tax_id.created',
      'customer.tax_id.deleted',
    ]);
    expect(
      (await api.fails('POST', `/v1/customers/${c.id}/tax_ids`, { type: 'eu_vat' })).error,
    ).toMatchObject({ code: 'parameter_missing', param: 'value' });
  });
});
