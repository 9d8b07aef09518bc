import { describe, expect, it } from 'vitest';
import { createEarlyFraudWarning } from '../../../../../src/emulator/resources/payments/earlyFraudWarnings.js';
import { setup } from './helpers.js';

describe('refunds', () => {
  it('refunds part then the rest of a charge, booking negative balance transactions', async () => {
    const { api } = setup();
    const ch = await api.post('/v1/charges', { amount: 3000, currency: 'usd', source: 'tok_visa' });
    const r1 = await api.post('/v1/refunds', {
      charge: ch.id,
      amount: 1000,
      reason: 'requested_by_customer',
      metadata: { ticket: 'T1' },
    });
    expect(r1).toMatchObject({
      object: 'refund',
      amount: 1000,
      charge: ch.id,
      currency: 'usd',
      status: 'succeeded',
      reason: 'requested_by_customer',
      metadata: { ticket: 'T1' },
      destination_details: { type: 'card', card: { type: 'refund' } },
    });
    expect(r1.id).toMatch(/^re_/);
    const txn = await api.get(`/v1/balance_transactions/${r1.balance_transaction}`);
    expect(txn).toMatchObject({
      amount: -1000,
      fee: 0,
      net: -1000,
      type: 'refund',
      reporting_category: 'refund',
      source: r1.id,
      status: 'available',
    });
    expect(await api.get(`/v1/charges/${ch.id}`)).toMatchObject({ amount_refunded: 1000, refunded: false });
    const tooMuch = await api.fails('POST', '/v1/refunds', { charge: ch.id, amount: 2500 });
    expect(tooMuch.error).toMatchObject({
      code: 'amount_too_large',
      message: 'Refund amount ($25.00) is greater than unrefunded amount on charge ($20.00)',
    });
    const r2 = await api.post('/v1/refunds', { charge: ch.id });
    expect(r2.amount).toBe(2000);
    expect(await api.get(`/v1/charges/${ch.id}`)).toMatchObject({ amount_refunded: 3000, refunded: true });
    expect((await api.fails('POST', '/v1/refunds', { charge: ch.id })).error.code).toBe(
      'charge_already_refunded',
    );
    expect(await api.eventTypes()).toEqual([
      'charge.succeeded',
      'refund.created',
      'charge.refunded',
      'refund.created',
      'charge.refunded',
    ]);
  });

  it('refunds a payment intent through its latest charge', async () => {
    const { api } = setup();
    const pi = await api.post('/v1/payment_intents', {
      amount: 900,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const r = await api.post('/v1/refunds', { payment_intent: pi.id });
    expect(r).toMatchObject({
      amount: 900,
      charge: pi.latest_charge,
      payment_intent: pi.id,
      payment_method: pi.payment_method,
    });
    expect(await api.ids('/v1/refunds', { payment_intent: pi.id })).toEqual([r.id]);
    expect(await api.ids('/v1/refunds', { charge: pi.latest_charge })).toEqual([r.id]);
    const none = await api.post('/v1/payment_intents', { amount: 900, currency: 'usd' });
    expect((await api.fails('POST', '/v1/refunds', { payment_intent: none.id })).error.param).toBe(
      'payment_intent',
    );
    expect((await api.fails('POST', '/v1/refunds', {})).error.message).toMatch(/payment_intent or charge/);
  });

  it('lists a charge’s refunds at the child endpoint with has_more beyond the page', async () => {
    const { api } = setup();
    const ch = await api.post('/v1/charges', { amount: 10000, currency: 'usd', source: 'tok_visa' });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.unshift((await api.post('/v1/refunds', { charge: ch.id, amount: 100 })).id);
    const embedded = (await api.get(`/v1/charges/${ch.id}`, { expand: ['refunds'] })).refunds;
    expect(embedded.data).toHaveLength(10);
    expect(embedded.has_more).toBe(true);
    expect(await api.ids(`/v1/charges/${ch.id}/refunds`)).toEqual(ids);
    const one = await api.get(`/v1/charges/${ch.id}/refunds/${ids[3]}`);
    expect(one.id).toBe(ids[3]);
    const other = await api.post('/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_visa' });
    expect((await api.fails('GET', `/v1/charges/${other.id}/refunds/${ids[3]}`)).status).toBe(404);
  });

  it('updates metadata with refund.updated and never cancels a card refund', async () => {
    const { api } = setup();
    const ch = await api.post('/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_visa' });
    const r = await api.post('/v1/refunds', { charge: ch.id });
    const upd = await api.post(`/v1/refunds/${r.id}`, { metadata: { note: 'x' } });
    expect(upd.metadata).toEqual({ note: 'x' });
    const [ev] = await api.events('refund.updated');
    expect(ev!.data.previous_attributes).toEqual({ metadata: {} });
    const [legacy] = await api.events('charge.refund.updated');
    expect(legacy!.data).toMatchObject({
      object: { id: r.id, metadata: { note: 'x' } },
      previous_attributes: { metadata: {} },
    });
    await api.post(`/v1/refunds/${r.id}`, { metadata: { note: 'x' } }); // no change, no events
    expect(await api.eventTypes('charge.refund.updated')).toHaveLength(1);
    expect(await api.eventTypes('refund.updated')).toHaveLength(1);
    expect((await api.fails('POST', `/v1/refunds/${r.id}`, { amount: 5 })).error.code).toBe(
      'parameter_unknown',
    );
    const cancel = await api.fails('POST', `/v1/refunds/${r.id}/cancel`);
    expect(cancel.error.message).toMatch(/status of succeeded/);
  });

  it('closes the review and settles fraud warnings on a full refund', async () => {
    const { emu, api } = setup();
    const ch = await api.post('/v1/charges', {
      amount: 1000,
      currency: 'usd',
      source: 'tok_riskLevelElevated',
    });
    const efw = createEarlyFraudWarning(emu.context(), ch.id);
    expect(efw.actionable).toBe(true);
    await api.post('/v1/refunds', { charge: ch.id, reason: 'fraudulent' });
    const review = await api.get(`/v1/reviews/${(await api.get(`/v1/charges/${ch.id}`)).review}`);
    expect(review).toMatchObject({ open: false, closed_reason: 'refunded_as_fraud' });
    expect((await api.get(`/v1/radar/early_fraud_warnings/${efw.id}`)).actionable).toBe(false);
    expect(await api.eventTypes('r')).toEqual([
      'review.opened',
      'radar.early_fraud_warning.created',
      'refund.created',
      'review.closed',
      'radar.early_fraud_warning.updated',
    ]);
  });

  it('refuses to refund a charged-back charge', async () => {
    const { api } = setup();
    const ch = await api.post('/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_createDispute' });
    expect((await api.fails('POST', '/v1/refunds', { charge: ch.id })).error.code).toBe('charge_disputed');
  });
});
