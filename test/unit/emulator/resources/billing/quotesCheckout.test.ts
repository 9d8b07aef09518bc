import { describe, expect, it } from 'vitest';
import { completeCheckoutSession } from '../../../../../src/emulator/resources/billing.js';
import { customer, hasPayments, monthly, type Obj, oneTimePrice, setup } from './helpers.js';

describe('quotes', () => {
  it('drafts, finalizes and accepts into a subscription; line_items are includable; no quote.updated', async () => {
    const { api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api, 1500);
    const setupFee = await oneTimePrice(api, 9900);
    const q = await api.post('/v1/quotes', {
      customer: c.id,
      line_items: [{ price: price.id, quantity: 2 }, { price: setupFee.id }],
      description: 'Deal',
    });
    expect(q).toMatchObject({
      object: 'quote',
      status: 'draft',
      number: null,
      amount_total: 12900,
      currency: 'usd',
      computed: { recurring: { amount_total: 3000, interval: 'month' }, upfront: { amount_total: 12900 } },
    });
    expect(q.id).toMatch(/^qt_/);
    expect(q.line_items).toBeUndefined();
    const withItems = await api.get(`/v1/quotes/${q.id}`, { expand: ['line_items'] });
    expect(withItems.line_items).toMatchObject({
      object: 'list',
      url: `/v1/quotes/${q.id}/line_items`,
      has_more: false,
    });
    expect(withItems.line_items.data.map((li: Obj) => li.object)).toEqual(['item', 'item']);
    expect(await api.ids(`/v1/quotes/${q.id}/line_items`)).toHaveLength(2);
    await api.post(`/v1/quotes/${q.id}`, { header: 'Hello' });
    const fin = await api.post(`/v1/quotes/${q.id}/finalize`);
    expect(fin).toMatchObject({
      status: 'open',
      number: expect.stringMatching(/^QT-/),
      status_transitions: { finalized_at: expect.any(Number) },
    });
    expect((await api.fails('POST', `/v1/quotes/${q.id}`, { header: 'Late' })).status).toBe(400);
    const acc = await api.post(`/v1/quotes/${q.id}/accept`);
    expect(acc).toMatchObject({
      status: 'accepted',
      subscription: expect.stringMatching(/^sub_/),
      invoice: expect.stringMatching(/^in_/),
    });
    expect(await api.get(`/v1/invoices/${acc.invoice}`)).toMatchObject({ total: 12900 });
    expect(await api.eventTypes('quote.')).toEqual(['quote.created', 'quote.finalized', 'quote.accepted']);
  });

  it('accepts one-time quotes into an invoice, cancels, filters; no created filter', async () => {
    const { api } = setup();
    const c = await customer(api);
    const item = await oneTimePrice(api, 700);
    const q = await api.post('/v1/quotes', { customer: c.id, line_items: [{ price: item.id, quantity: 3 }] });
    await api.post(`/v1/quotes/${q.id}/finalize`);
    const acc = await api.post(`/v1/quotes/${q.id}/accept`);
    expect(acc.subscription).toBeNull();
    expect(await api.get(`/v1/invoices/${acc.invoice}`)).toMatchObject({
      total: 2100,
      billing_reason: 'quote_accept',
      parent: { type: 'quote_details', quote_details: { quote: q.id } },
    });
    const other = await api.post('/v1/quotes', { customer: c.id, line_items: [{ price: item.id }] });
    expect((await api.post(`/v1/quotes/${other.id}/cancel`)).status).toBe('canceled');
    expect(await api.ids('/v1/quotes', { status: 'canceled' })).toEqual([other.id]);
    expect(await api.ids('/v1/quotes', { customer: c.id })).toEqual([other.id, q.id]);
    expect((await api.fails('GET', '/v1/quotes', { created: 1 })).error.code).toBe('parameter_unknown');
    expect((await api.fails('POST', `/v1/quotes/${other.id}/accept`)).status).toBe(400);
  });
});

describe('checkout sessions', () => {
  it('creates open sessions without a created event; expires with checkout.session.expired', async () => {
    const { api } = setup();
    const price = await oneTimePrice(api, 2500);
    const s = await api.post('/v1/checkout/sessions', {
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 2 }],
      success_url: 'https://example.com/ok',
      client_reference_id: 'cart_1',
    });
    expect(s.id).toMatch(/^cs_test_[A-Za-z0-9]{58}$/);
    expect(s).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 5000,
      currency: 'usd',
      mode: 'payment',
      url: `https://checkout.stripe.com/c/pay/${s.id}`,
    });
    expect(s.line_items).toBeUndefined();
    expect(
      (await api.get(`/v1/checkout/sessions/${s.id}`, { expand: ['line_items'] })).line_items.data[0],
    ).toMatchObject({ object: 'item', quantity: 2, amount_total: 5000 });
    expect(await api.eventTypes('checkout.')).toEqual([]);
    const expired = await api.post(`/v1/checkout/sessions/${s.id}/expire`);
    expect(expired).toMatchObject({ status: 'expired', url: null });
    expect(await api.eventTypes('checkout.')).toEqual(['checkout.session.expired']);
    expect((await api.fails('POST', `/v1/checkout/sessions/${s.id}/expire`)).status).toBe(400);
    expect(await api.ids('/v1/checkout/sessions', { status: 'expired' })).toEqual([s.id]);
    expect((await api.fails('POST', '/v1/checkout/sessions', { mode: 'payment' })).error.param).toBe(
      'line_items',
    );
  });

  it('completes payment, subscription and setup sessions (emulator-only) with checkout.session.completed', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const once = await oneTimePrice(api, 1200);
    const { price } = await monthly(api, 900);
    const pay = await api.post('/v1/checkout/sessions', {
      mode: 'payment',
      customer: c.id,
      line_items: [{ price: once.id }],
      success_url: 'https://e/ok',
    });
    const subS = await api.post('/v1/checkout/sessions', {
      mode: 'subscription',
      customer_email: 'new@example.com',
      line_items: [{ price: price.id }],
      success_url: 'https://e/ok',
    });
    const setupS = await api.post('/v1/checkout/sessions', {
      mode: 'setup',
      customer: c.id,
      currency: 'usd',
      success_url: 'https://e/ok',
    });
    expect(setupS).toMatchObject({ payment_status: 'no_payment_required', amount_total: null });
    const paid = completeCheckoutSession(api.ctx(), pay.id);
    expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid', customer: c.id });
    if (hasPayments(emu)) {
      expect(await api.get(`/v1/payment_intents/${paid.payment_intent}`)).toMatchObject({
        amount: 1200,
        status: 'succeeded',
      });
      expect(
        await api.ids('/v1/checkout/sessions', { payment_intent: paid.payment_intent as string }),
      ).toEqual([pay.id]);
    }
    const subbed = completeCheckoutSession(api.ctx(), subS.id);
    expect(subbed).toMatchObject({ status: 'complete', subscription: expect.stringMatching(/^sub_/) });
    const newCustomer = await api.get(`/v1/customers/${subbed.customer}`);
    expect(newCustomer.email).toBe('new@example.com');
    expect(await api.ids('/v1/checkout/sessions', { subscription: subbed.subscription as string })).toEqual([
      subS.id,
    ]);
    expect(
      await api.ids('/v1/checkout/sessions', { customer_details: { email: 'new@example.com' } }),
    ).toEqual([subS.id]);
    const saved = completeCheckoutSession(api.ctx(), setupS.id);
    expect(saved.status).toBe('complete');
    if (hasPayments(emu)) expect(saved.setup_intent).toMatch(/^seti_/);
    expect(await api.eventTypes('checkout.')).toEqual([
      'checkout.session.completed',
      'checkout.session.completed',
      'checkout.session.completed',
    ]);
    expect(await api.ids('/v1/checkout/sessions', { customer: c.id })).toEqual([setupS.id, pay.id]);
    expect(() => completeCheckoutSession(api.ctx(), pay.id)).toThrow(/complete/);
  });
});
