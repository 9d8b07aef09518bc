import { describe, expect, it } from 'vitest';
import { NOW, setup } from './helpers.js';

describe('payment_intents', () => {
  it('creates with Stripe defaults, then confirms to succeeded with a charge', async () => {
    const { api } = setup();
    const pi = await api.post('/v1/payment_intents', {
      amount: 1500,
      currency: 'usd',
      description: 'Pro plan',
    });
    expect(pi).toMatchObject({
      object: 'payment_intent',
      status: 'requires_payment_method',
      amount: 1500,
      amount_received: 0,
      capture_method: 'automatic_async',
      confirmation_method: 'automatic',
      automatic_payment_methods: { enabled: true },
      payment_method_types: ['card'],
      latest_charge: null,
      created: NOW,
    });
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_`));
    const withPm = await api.post(`/v1/payment_intents/${pi.id}`, {
      payment_method: 'pm_card_visa',
      metadata: { a: '1' },
    });
    expect(withPm.status).toBe('requires_confirmation');
    const done = await api.post(`/v1/payment_intents/${pi.id}/confirm`);
    expect(done).toMatchObject({
      status: 'succeeded',
      amount_received: 1500,
      amount_capturable: 0,
      payment_method: withPm.payment_method,
    });
    const charge = await api.get(`/v1/charges/${done.latest_charge}`);
    expect(charge).toMatchObject({
      payment_intent: pi.id,
      amount: 1500,
      description: 'Pro plan',
      metadata: { a: '1' },
      captured: true,
    });
    // No payment_intent.updated exists in Stripe's event list: the update sent nothing.
    expect(await api.eventTypes()).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
  });

  it('creates and confirms in one call the way invoices pay', async () => {
    const { api } = setup();
    const cus = await api.post('/v1/customers', { email: 'p@example.com' });
    const pi = await api.post('/v1/payment_intents', {
      amount: '2500',
      currency: 'eur',
      customer: cus.id,
      payment_method: 'pm_card_amex',
      confirm: 'true',
      off_session: 'true',
      setup_future_usage: 'off_session',
    });
    expect(pi).toMatchObject({ status: 'succeeded', customer: cus.id, currency: 'eur' });
    const pm = await api.get(`/v1/payment_methods/${pi.payment_method}`);
    expect(pm).toMatchObject({ customer: cus.id, card: { brand: 'amex' } });
    expect(await api.eventTypes()).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_method.attached',
      'payment_intent.succeeded',
    ]);
    expect(await api.ids('/v1/payment_intents', { customer: cus.id })).toEqual([pi.id]);
  });

  it('authorises with manual capture, captures part, and refunds the rest of the authorisation', async () => {
    const { api } = setup();
    const pi = await api.post('/v1/payment_intents', {
      amount: 4000,
      currency: 'usd',
      capture_method: 'manual',
      allowed_payment_method_types: ['card'],
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(pi).toMatchObject({
      status: 'requires_capture',
      amount_capturable: 4000,
      amount_received: 0,
      automatic_payment_methods: null,
      allowed_payment_method_types: ['card'],
    });
    const tooMuch = await api.fails('POST', `/v1/payment_intents/${pi.id}/capture`, {
      amount_to_capture: 5000,
    });
    expect(tooMuch.error.param).toBe('amount_to_capture');
    const cap = await api.post(`/v1/payment_intents/${pi.id}/capture`, {
      amount_to_capture: 2500,
      metadata: { captured_by: 'ops' },
    });
    expect(cap).toMatchObject({
      status: 'succeeded',
      amount_received: 2500,
      amount_capturable: 0,
      metadata: { captured_by: 'ops' },
    });
    const charge = await api.get(`/v1/charges/${pi.latest_charge}`);
    expect(charge).toMatchObject({ amount_captured: 2500, amount_refunded: 1500, captured: true });
    expect(await api.eventTypes('payment_intent.')).toEqual([
      'payment_intent.created',
      'payment_intent.amount_capturable_updated',
      'payment_intent.succeeded',
    ]);
  });

  it('cancels an authorisation, releasing the charge', async () => {
    const { api } = setup();
    const pi = await api.post('/v1/payment_intents', {
      amount: 1000,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const canceled = await api.post(`/v1/payment_intents/${pi.id}/cancel`, {
      cancellation_reason: 'requested_by_customer',
    });
    expect(canceled).toMatchObject({
      status: 'canceled',
      canceled_at: NOW,
      cancellation_reason: 'requested_by_customer',
      amount_capturable: 0,
    });
    expect(await api.get(`/v1/charges/${pi.latest_charge}`)).toMatchObject({
      refunded: true,
      amount_refunded: 1000,
      captured: false,
    });
    const again = await api.fails('POST', `/v1/payment_intents/${pi.id}/cancel`);
    expect(again.error.code).toBe('payment_intent_unexpected_state');
    expect(await api.eventTypes('payment_intent.')).toContain('payment_intent.canceled');
  });

  it('records a decline on the intent and answers 402 carrying it', async () => {
    const { api } = setup();
    const err = await api.fails('POST', '/v1/payment_intents', {
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_chargeDeclined',
      confirm: true,
    });
    expect(err.status).toBe(402);
    expect(err.error).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
    });
    const pi = err.error.payment_intent;
    expect(pi).toMatchObject({
      status: 'requires_payment_method',
      payment_method: null,
      last_payment_error: { code: 'card_declined', type: 'card_error' },
    });
    const stored = await api.get(`/v1/payment_intents/${pi.id}`);
    expect(stored.latest_charge).toBe(err.error.charge);
    expect(await api.eventTypes()).toEqual([
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
    ]);
    // A retry with a good card succeeds.
    const ok = await api.post(`/v1/payment_intents/${pi.id}/confirm`, { payment_method: 'pm_card_visa' });
    expect(ok).toMatchObject({ status: 'succeeded', last_payment_error: null });
    expect(await api.ids('/v1/charges', { payment_intent: pi.id })).toHaveLength(2);
  });

  it('guards state transitions and parameters', async () => {
    const { api } = setup();
    const noPm = await api.post('/v1/payment_intents', { amount: 1000, currency: 'usd' });
    expect((await api.fails('POST', `/v1/payment_intents/${noPm.id}/confirm`)).error).toMatchObject({
      code: 'payment_intent_unexpected_state',
      param: 'payment_method',
    });
    expect((await api.fails('POST', `/v1/payment_intents/${noPm.id}/capture`)).error.code).toBe(
      'payment_intent_unexpected_state',
    );
    const paid = await api.post('/v1/payment_intents', {
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect((await api.fails('POST', `/v1/payment_intents/${paid.id}`, { amount: 2000 })).error.code).toBe(
      'payment_intent_unexpected_state',
    );
    expect((await api.post(`/v1/payment_intents/${paid.id}`, { description: 'fine' })).description).toBe(
      'fine',
    );
    expect((await api.fails('POST', '/v1/payment_intents', { amount: 1000 })).error.param).toBe('currency');
    expect(
      (await api.fails('POST', '/v1/payment_intents', { amount: 1000, currency: 'usd', bogus: 1 })).error
        .code,
    ).toBe('parameter_unknown');
    const bank = await api.post('/v1/payment_methods', {
      type: 'us_bank_account',
      us_bank_account: { account_number: '000123456789' },
    });
    const cardOnly = await api.post('/v1/payment_intents', {
      amount: 1000,
      currency: 'usd',
      allowed_payment_method_types: ['card'],
    });
    expect(
      (await api.fails('POST', `/v1/payment_intents/${cardOnly.id}/confirm`, { payment_method: bank.id }))
        .error.param,
    ).toBe('payment_method');
  });

  it('takes an inline payment_method_data and a direct charge fee on a connected account', async () => {
    const { api } = setup();
    const acct = await api.post('/v1/accounts', {
      type: 'standard',
      tos_acceptance: { date: NOW, ip: '192.0.2.1' },
    });
    const pi = await api.as(acct.id).post('/v1/payment_intents', {
      amount: 3000,
      currency: 'usd',
      application_fee_amount: 200,
      payment_method_data: {
        type: 'card',
        card: { token: 'tok_mastercard' },
        billing_details: { name: 'Ada' },
      },
      confirm: true,
    });
    expect(pi).toMatchObject({
      status: 'succeeded',
      application_fee_amount: 200,
      application: expect.stringMatching(/^ca_/),
    });
    const pm = await api.as(acct.id).get(`/v1/payment_methods/${pi.payment_method}`);
    expect(pm).toMatchObject({ card: { brand: 'mastercard' }, billing_details: { name: 'Ada' } });
    const charge = await api.as(acct.id).get(`/v1/charges/${pi.latest_charge}`);
    expect((await api.get(`/v1/application_fees/${charge.application_fee}`)).amount).toBe(200);
  });

  it('pays with a bank debit payment method', async () => {
    const { api } = setup();
    const bank = await api.post('/v1/payment_methods', {
      type: 'us_bank_account',
      us_bank_account: { account_number: '000999888777', account_holder_type: 'company' },
    });
    const pi = await api.post('/v1/payment_intents', {
      amount: 10000,
      currency: 'usd',
      allowed_payment_method_types: ['us_bank_account'],
      payment_method: bank.id,
      confirm: true,
    });
    expect(pi.status).toBe('succeeded');
    expect(pi.payment_method_options).toEqual({ us_bank_account: { verification_method: 'automatic' } });
    const ch = await api.get(`/v1/charges/${pi.latest_charge}`);
    expect(ch.payment_method_details).toMatchObject({
      type: 'us_bank_account',
      us_bank_account: { last4: '8777', account_holder_type: 'company' },
    });
  });
});
