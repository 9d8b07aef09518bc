import { describe, expect, it } from 'vitest';
import { createEarlyFraudWarning } from '../../../../../src/emulator/resources/payments/earlyFraudWarnings.js';
import { createReview } from '../../../../../src/emulator/resources/payments/reviews.js';
import { NOW, setup } from './helpers.js';

describe('reviews', () => {
  it('opens a review for an elevated-risk payment; the list shows open reviews only', async () => {
    const { emu, api } = setup();
    const pi = await api.post('/v1/payment_intents', {
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_riskLevelElevated',
      confirm: true,
    });
    expect(pi.review).toMatch(/^prv_/);
    const ch = await api.get(`/v1/charges/${pi.latest_charge}`);
    expect(ch).toMatchObject({
      review: pi.review,
      outcome: { type: 'manual_review', risk_level: 'elevated' },
    });
    const review = await api.get(`/v1/reviews/${pi.review}`, { expand: ['charge'] });
    expect(review).toMatchObject({
      object: 'review',
      open: true,
      opened_reason: 'rule',
      reason: 'rule',
      payment_intent: pi.id,
      created: NOW,
    });
    expect(review.charge.id).toBe(ch.id);
    const manual = createReview(
      emu.context(),
      (await api.post('/v1/charges', { amount: 500, currency: 'usd', source: 'tok_visa' })).id,
      {
        openedReason: 'manual',
      },
    );
    expect(await api.ids('/v1/reviews')).toEqual([manual.id, pi.review]);
    const approved = await api.post(`/v1/reviews/${pi.review}/approve`);
    expect(approved).toMatchObject({ open: false, reason: 'approved', closed_reason: 'approved' });
    expect(await api.ids('/v1/reviews')).toEqual([manual.id]);
    // Closed reviews can still be retrieved.
    expect((await api.get(`/v1/reviews/${pi.review}`)).open).toBe(false);
    expect((await api.fails('POST', `/v1/reviews/${pi.review}/approve`)).status).toBe(400);
    expect(await api.eventTypes('review.')).toEqual(['review.opened', 'review.opened', 'review.closed']);
    expect((await api.fails('GET', '/v1/reviews', { open: 'false' })).error.code).toBe('parameter_unknown');
  });
});

describe('early fraud warnings', () => {
  it('records warnings Stripe receives and filters them by charge, payment_intent and created', async () => {
    const { emu, api } = setup();
    const a = await api.post('/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_visa' });
    emu.clock.advance(30);
    const pi = await api.post('/v1/payment_intents', {
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const ctx = emu.context();
    const w1 = createEarlyFraudWarning(ctx, a.id, { fraudType: 'unauthorized_use_of_card' });
    const w2 = createEarlyFraudWarning(ctx, String(pi.latest_charge));
    expect(w1).toMatchObject({
      object: 'radar.early_fraud_warning',
      actionable: true,
      charge: a.id,
      fraud_type: 'unauthorized_use_of_card',
    });
    expect(w1).not.toHaveProperty('payment_intent');
    expect(w2).toMatchObject({ payment_intent: pi.id, fraud_type: 'made_with_stolen_card' });
    expect(w1.id).toMatch(/^issfr_/);
    expect(await api.ids('/v1/radar/early_fraud_warnings', { charge: a.id })).toEqual([w1.id]);
    expect(await api.ids('/v1/radar/early_fraud_warnings', { payment_intent: pi.id })).toEqual([w2.id]);
    expect(await api.ids('/v1/radar/early_fraud_warnings', { created: { gte: NOW + 30 } })).toEqual([
      w2.id,
      w1.id,
    ]);
    const got = await api.get(`/v1/radar/early_fraud_warnings/${w2.id}`, {
      expand: ['charge', 'payment_intent'],
    });
    expect(got.charge.object).toBe('charge');
    expect(got.payment_intent.object).toBe('payment_intent');
    expect(await api.eventTypes('radar.')).toEqual([
      'radar.early_fraud_warning.created',
      'radar.early_fraud_warning.created',
    ]);
    expect((await api.fails('POST', '/v1/radar/early_fraud_warnings', { charge: a.id })).status).toBe(404);
  });
});
