import { describe, expect, it } from 'vitest';
import { advance, DAY, NOW, setup } from './helpers.js';

describe('charges', () => {
  it('creates a succeeded card charge with a fee-bearing balance transaction', async () => {
    const { api } = setup();
    const ch = await api.post('/v1/charges', {
      amount: 2000,
      currency: 'USD',
      source: 'tok_visa',
      description: 'Order 1',
      metadata: { order: '1' },
    });
    expect(ch).toMatchObject({
      object: 'charge',
      amount: 2000,
      amount_captured: 2000,
      amount_refunded: 0,
      captured: true,
      paid: true,
      status: 'succeeded',
      currency: 'usd',
      created: NOW,
      description: 'Order 1',
      metadata: { order: '1' },
      payment_intent: null,
      refunded: false,
      disputed: false,
      outcome: { type: 'authorized', network_status: 'approved_by_network', risk_level: 'normal' },
      payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242', funding: 'credit' } },
      source: { object: 'card', brand: 'Visa', last4: '4242' },
    });
    expect(ch.id).toMatch(/^ch_[A-Za-z0-9]{24}$/);
    expect(ch.payment_method).toBe(ch.source.id);
    // `refunds` is includable only (not returned by default since 2022-11-15).
    expect(ch).not.toHaveProperty('refunds');
    const txn = await api.get(`/v1/balance_transactions/${ch.balance_transaction}`);
    expect(txn).toMatchObject({
      amount: 2000,
      fee: 88, // 2.9% + 30¢
      net: 1912,
      type: 'charge',
      reporting_category: 'charge',
      source: ch.id,
      status: 'pending',
      available_on: Math.floor(NOW / DAY) * DAY + 2 * DAY,
      fee_details: [
        {
          amount: 88,
          application: null,
          currency: 'usd',
          description: 'Stripe processing fees',
          type: 'stripe_fee',
        },
      ],
    });
    expect(await api.eventTypes('charge.')).toEqual(['charge.succeeded']);
  });

  it('expands references and includes the refunds list only when asked', async () => {
    const { api } = setup();
    const ch = await api.post('/v1/charges', { amount: 1000, currency: 'usd', source: 'pm_card_mastercard' });
    await api.post('/v1/refunds', { charge: ch.id, amount: 100 });
    const got = await api.get(`/v1/charges/${ch.id}`, { expand: ['balance_transaction', 'refunds'] });
    expect(got.balance_transaction).toMatchObject({
      object: 'balance_transaction',
      id: ch.balance_transaction,
    });
    expect(got.refunds).toMatchObject({
      object: 'list',
      has_more: false,
      url: `/v1/charges/${ch.id}/refunds`,
    });
    expect(got.refunds.data).toHaveLength(1);
    expect(got.payment_method_details.card.brand).toBe('mastercard');
    const listed = await api.get('/v1/charges', { expand: ['data.refunds'] });
    expect(listed.data[0].refunds.data[0].amount).toBe(100);
  });

  it('stores a declined charge and answers 402 card_error naming it', async () => {
    const { api } = setup();
    const err = await api.fails('POST', '/v1/charges', {
      amount: 1000,
      currency: 'usd',
      source: 'tok_chargeDeclinedInsufficientFunds',
    });
    expect(err.status).toBe(402);
    expect(err.error).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    });
    const failed = await api.get(`/v1/charges/${err.error.charge}`);
    expect(failed).toMatchObject({
      status: 'failed',
      paid: false,
      captured: false,
      balance_transaction: null,
      failure_code: 'card_declined',
      outcome: { type: 'issuer_declined', reason: 'insufficient_funds' },
    });
    expect(await api.eventTypes('charge.')).toEqual(['charge.failed']);
    const blocked = await api.fails('POST', '/v1/charges', {
      amount: 1000,
      currency: 'usd',
      source: 'pm_card_riskLevelHighest',
    });
    expect((await api.get(`/v1/charges/${blocked.error.charge}`)).outcome).toMatchObject({
      type: 'blocked',
      risk_level: 'highest',
    });
  });

  it('authorises without capture, then captures part and releases the rest as a refund', async () => {
    const { api } = setup();
    const auth = await api.post('/v1/charges', {
      amount: 5000,
      currency: 'usd',
      source: 'tok_visa',
      capture: false,
    });
    expect(auth).toMatchObject({
      captured: false,
      paid: true,
      status: 'succeeded',
      amount_captured: 0,
      balance_transaction: null,
    });
    const captured = await api.post(`/v1/charges/${auth.id}/capture`, { amount: 3000 });
    expect(captured).toMatchObject({
      captured: true,
      amount_captured: 3000,
      amount_refunded: 2000,
      refunded: false,
    });
    const txn = await api.get(`/v1/balance_transactions/${captured.balance_transaction}`);
    expect(txn.amount).toBe(3000);
    const refunds = await api.get(`/v1/charges/${auth.id}/refunds`);
    expect(refunds.data).toHaveLength(1);
    expect(refunds.data[0]).toMatchObject({
      amount: 2000,
      balance_transaction: null,
      destination_details: { type: 'card', card: { type: 'reversal' } },
    });
    expect(await api.eventTypes('charge.')).toEqual([
      'charge.succeeded',
      'charge.captured',
      'charge.refunded',
    ]);
    const again = await api.fails('POST', `/v1/charges/${auth.id}/capture`);
    expect(again.error.code).toBe('charge_already_captured');
  });

  it('updates descriptive fields with charge.updated and previous_attributes', async () => {
    const { api } = setup();
    const cus = await api.post('/v1/customers', { email: 'a@example.com' });
    const ch = await api.post('/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_visa' });
    const upd = await api.post(`/v1/charges/${ch.id}`, {
      description: 'Updated',
      metadata: { k: 'v' },
      customer: cus.id,
      fraud_details: { user_report: 'safe' },
      shipping: { name: 'Jenny Rosen', address: { line1: '1 Main St', country: 'US' } },
    });
    expect(upd).toMatchObject({
      description: 'Updated',
      metadata: { k: 'v' },
      customer: cus.id,
      fraud_details: { user_report: 'safe' },
    });
    expect(upd.shipping).toMatchObject({ name: 'Jenny Rosen', address: { line1: '1 Main St', city: null } });
    const [ev] = await api.events('charge.updated');
    expect(ev!.data.previous_attributes).toMatchObject({ description: null, metadata: {}, customer: null });
    const other = await api.post('/v1/customers', { email: 'b@example.com' });
    const err = await api.fails('POST', `/v1/charges/${ch.id}`, { customer: other.id });
    expect(err.error.param).toBe('customer');
  });

  it('charges a customer with their default payment method', async () => {
    const { api } = setup();
    const cus = await api.post('/v1/customers', { email: 'c@example.com' });
    const none = await api.fails('POST', '/v1/charges', { amount: 1000, currency: 'usd', customer: cus.id });
    expect(none.error).toMatchObject({
      code: 'missing',
      message: 'Cannot charge a customer that has no active card',
    });
    const pm = await api.post('/v1/payment_methods', {
      type: 'card',
      card: { number: '5555555555554444', exp_month: 4, exp_year: 2031 },
    });
    await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: cus.id });
    const ch = await api.post('/v1/charges', { amount: 1000, currency: 'usd', customer: cus.id });
    expect(ch).toMatchObject({
      customer: cus.id,
      payment_method: pm.id,
      payment_method_details: { card: { last4: '4444', exp_year: 2031 } },
    });
  });

  it('filters lists by customer, payment_intent, transfer_group and created', async () => {
    const { emu, api } = setup();
    const cus = await api.post('/v1/customers', { email: 'd@example.com' });
    const pm = await api.post('/v1/payment_methods', { type: 'card', card: { token: 'tok_visa' } });
    await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: cus.id });
    const a = await api.post('/v1/charges', {
      amount: 1000,
      currency: 'usd',
      customer: cus.id,
      transfer_group: 'g1',
    });
    advance(emu, 100);
    const b = await api.post('/v1/charges', {
      amount: 1000,
      currency: 'usd',
      source: 'tok_visa',
      transfer_group: 'g1',
    });
    const pi = await api.post('/v1/payment_intents', {
      amount: 700,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(await api.ids('/v1/charges', { customer: cus.id })).toEqual([a.id]);
    expect(await api.ids('/v1/charges', { transfer_group: 'g1' })).toEqual([b.id, a.id]);
    expect(await api.ids('/v1/charges', { payment_intent: pi.id })).toEqual([pi.latest_charge]);
    expect(await api.ids('/v1/charges', { created: { gt: NOW } })).toEqual([pi.latest_charge, b.id]);
    expect(await api.ids('/v1/charges', { created: NOW })).toEqual([a.id]);
  });

  it('rejects bad parameters the way Stripe does', async () => {
    const { api } = setup();
    expect(
      (
        await api.fails('POST', '/v1/charges', {
          amount: 1000,
          currency: 'usd',
          source: 'tok_visa',
          colour: 'red',
        })
      ).error,
    ).toMatchObject({
      code: 'parameter_unknown',
      param: 'colour',
    });
    expect(
      (await api.fails('POST', '/v1/charges', { amount: 20, currency: 'usd', source: 'tok_visa' })).error
        .code,
    ).toBe('amount_too_small');
    expect(
      (await api.fails('POST', '/v1/charges', { currency: 'usd', source: 'tok_visa' })).error,
    ).toMatchObject({ code: 'parameter_missing', param: 'amount' });
    expect((await api.fails('POST', '/v1/charges', { amount: 1000, currency: 'usd' })).error.message).toBe(
      'Must provide source or customer.',
    );
    expect(
      (await api.fails('POST', '/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_nope' })).error
        .code,
    ).toBe('resource_missing');
    const fee = await api.fails('POST', '/v1/charges', {
      amount: 1000,
      currency: 'usd',
      source: 'tok_visa',
      application_fee_amount: 100,
    });
    expect(fee.error.param).toBe('application_fee_amount');
    expect((await api.fails('GET', '/v1/charges', { customerr: 'x' })).error.code).toBe('parameter_unknown');
  });
});
