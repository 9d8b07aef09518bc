import { describe, expect, it } from 'vitest';
import { setup } from './helpers.js';

describe('setup_intents', () => {
  it('confirms a setup for a customer, attaching the payment method', async () => {
    const { api } = setup();
    const cus = await api.post('/v1/customers', { email: 's@example.com' });
    const si = await api.post('/v1/setup_intents', {
      customer: cus.id,
      usage: 'on_session',
      metadata: { flow: 'signup' },
    });
    expect(si).toMatchObject({
      object: 'setup_intent',
      status: 'requires_payment_method',
      customer: cus.id,
      usage: 'on_session',
      payment_method_types: ['card'],
      automatic_payment_methods: { enabled: true },
      latest_attempt: null,
    });
    expect(si.client_secret).toMatch(new RegExp(`^${si.id}_secret_`));
    const done = await api.post(`/v1/setup_intents/${si.id}/confirm`, { payment_method: 'pm_card_visa' });
    expect(done.status).toBe('succeeded');
    expect((await api.get(`/v1/payment_methods/${done.payment_method}`)).customer).toBe(cus.id);
    expect(await api.eventTypes()).toEqual([
      'setup_intent.created',
      'payment_method.attached',
      'setup_intent.succeeded',
    ]);
    expect((await api.fails('POST', `/v1/setup_intents/${si.id}/cancel`)).error.code).toBe(
      'setup_intent_unexpected_state',
    );
  });

  it('fails with a declining card and can be canceled', async () => {
    const { api } = setup();
    const err = await api.fails('POST', '/v1/setup_intents', {
      payment_method: 'pm_card_chargeDeclined',
      confirm: true,
    });
    expect(err.status).toBe(402);
    expect(err.error.setup_intent).toMatchObject({
      status: 'requires_payment_method',
      last_setup_error: { code: 'card_declined' },
    });
    const id = err.error.setup_intent.id;
    const canceled = await api.post(`/v1/setup_intents/${id}/cancel`, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect(await api.eventTypes('setup_intent.')).toEqual([
      'setup_intent.created',
      'setup_intent.setup_failed',
      'setup_intent.canceled',
    ]);
  });

  it('updates without events and filters by customer, payment_method and attach_to_self', async () => {
    const { api } = setup();
    const cus = await api.post('/v1/customers', { email: 'f@example.com' });
    const a = await api.post('/v1/setup_intents', { customer: cus.id });
    const b = await api.post('/v1/setup_intents', {
      attach_to_self: true,
      allowed_payment_method_types: ['us_bank_account'],
      flow_directions: ['inbound'],
    });
    expect(b).toMatchObject({
      attach_to_self: true,
      payment_method_types: ['us_bank_account'],
      automatic_payment_methods: null,
      flow_directions: ['inbound'],
    });
    expect(a).not.toHaveProperty('attach_to_self');
    const pm = await api.post('/v1/payment_methods', { type: 'card', card: { token: 'tok_visa' } });
    const upd = await api.post(`/v1/setup_intents/${a.id}`, {
      payment_method: pm.id,
      description: 'card on file',
    });
    expect(upd).toMatchObject({
      status: 'requires_confirmation',
      payment_method: pm.id,
      description: 'card on file',
    });
    expect(await api.eventTypes()).toEqual(['setup_intent.created', 'setup_intent.created']);
    expect(await api.ids('/v1/setup_intents', { customer: cus.id })).toEqual([a.id]);
    expect(await api.ids('/v1/setup_intents', { payment_method: pm.id })).toEqual([a.id]);
    expect(await api.ids('/v1/setup_intents', { attach_to_self: true })).toEqual([b.id]);
    expect(await api.ids('/v1/setup_intents', { attach_to_self: false })).toEqual([a.id]);
    expect((await api.fails('GET', '/v1/setup_intents', { attach_to_self: 'maybe' })).status).toBe(400);
  });
});
