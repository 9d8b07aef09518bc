import { describe, expect, it } from 'vitest';
import { createDispute, resolveDispute } from '../../../../../src/emulator/resources/payments/disputes.js';
import { NOW, setup } from './helpers.js';

describe('disputes', () => {
  it('opens a chargeback from the pm_card_createDispute test card, withdrawing amount and fee', async () => {
    const { api } = setup();
    const pi = await api.post('/v1/payment_intents', {
      amount: 5000,
      currency: 'usd',
      payment_method: 'pm_card_createDispute',
      confirm: true,
    });
    const [dp] = (await api.get('/v1/disputes')).data;
    expect(dp).toMatchObject({
      object: 'dispute',
      amount: 5000,
      charge: pi.latest_charge,
      payment_intent: pi.id,
      reason: 'fraudulent',
      status: 'needs_response',
      is_charge_refundable: false,
      created: NOW,
      evidence_details: { has_evidence: false, submission_count: 0, past_due: false },
      payment_method_details: {
        type: 'card',
        card: { brand: 'visa', case_type: 'chargeback', network_reason_code: '10.4' },
      },
    });
    expect(dp.evidence.uncategorized_text).toBeNull();
    expect(dp.evidence_details.due_by).toBeGreaterThan(NOW);
    expect(dp.balance_transactions).toHaveLength(1);
    expect(dp.balance_transactions[0]).toMatchObject({
      amount: -5000,
      fee: 1500,
      net: -6500,
      type: 'adjustment',
      reporting_category: 'dispute',
      source: dp.id,
    });
    expect((await api.get(`/v1/charges/${pi.latest_charge}`)).disputed).toBe(true);
    expect(await api.eventTypes('charge.dispute.')).toEqual([
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
    ]);
  });

  it('takes evidence (submitted by default) and can be accepted with /close', async () => {
    const { api } = setup();
    const ch = await api.post('/v1/charges', {
      amount: 2000,
      currency: 'usd',
      source: 'tok_createDisputeProductNotReceived',
    });
    const [dp] = (await api.get('/v1/disputes', { charge: ch.id })).data;
    expect(dp.reason).toBe('product_not_received');
    const staged = await api.post(`/v1/disputes/${dp.id}`, {
      evidence: { uncategorized_text: 'Delivered on time' },
      submit: false,
    });
    expect(staged).toMatchObject({
      status: 'needs_response',
      evidence: { uncategorized_text: 'Delivered on time' },
      evidence_details: { has_evidence: true, submission_count: 0 },
    });
    const submitted = await api.post(`/v1/disputes/${dp.id}`, {
      evidence: { shipping_tracking_number: 'Z123' },
      metadata: { case: '9' },
    });
    expect(submitted).toMatchObject({
      status: 'under_review',
      metadata: { case: '9' },
      evidence_details: { submission_count: 1 },
    });
    expect(
      (await api.fails('POST', `/v1/disputes/${dp.id}`, { evidence: { favourite_colour: 'red' } })).error
        .code,
    ).toBe('parameter_unknown');
    const closed = await api.post(`/v1/disputes/${dp.id}/close`);
    expect(closed.status).toBe('lost');
    expect((await api.fails('POST', `/v1/disputes/${dp.id}/close`)).error.code).toBe(
      'dispute_already_closed',
    );
    const types = await api.eventTypes('charge.dispute.');
    expect(types.filter((t) => t === 'charge.dispute.updated')).toHaveLength(2);
    expect(types[types.length - 1]).toBe('charge.dispute.closed');
  });

  it('supports the seed’s createDispute/resolveDispute: inquiries and won disputes', async () => {
    const { emu, api } = setup();
    const a = await api.post('/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_visa' });
    const b = await api.post('/v1/charges', { amount: 3000, currency: 'usd', source: 'tok_visa' });
    const ctx = emu.context();
    const inquiry = createDispute(ctx, a.id, { inquiry: true, reason: 'general' });
    expect(inquiry).toMatchObject({
      status: 'warning_needs_response',
      balance_transactions: [],
      is_charge_refundable: true,
    });
    const won = resolveDispute(ctx, createDispute(ctx, b.id, { reason: 'duplicate' }).id, 'won');
    expect(won.status).toBe('won');
    expect((won.balance_transactions as { amount: number }[]).map((t) => t.amount)).toEqual([-3000, 3000]);
    expect(() => createDispute(ctx, b.id)).toThrow(/already been disputed/);
    expect(resolveDispute(ctx, inquiry.id, 'won').status).toBe('warning_closed');
    expect(await api.ids('/v1/disputes', { charge: b.id })).toEqual([won.id]);
    expect(await api.eventTypes('charge.dispute.funds')).toEqual([
      'charge.dispute.funds_withdrawn',
      'charge.dispute.funds_reinstated',
    ]);
  });

  it('filters by payment_intent and created', async () => {
    const { emu, api } = setup();
    const pi = await api.post('/v1/payment_intents', {
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_createDisputeInquiry',
      confirm: true,
    });
    emu.clock.advance(60);
    await api.post('/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_createDispute' });
    const all = await api.ids('/v1/disputes');
    expect(all).toHaveLength(2);
    const byPi = await api.get('/v1/disputes', { payment_intent: pi.id });
    expect(byPi.data.map((d: { status: string }) => d.status)).toEqual(['warning_needs_response']);
    expect(await api.ids('/v1/disputes', { created: { gt: NOW } })).toEqual([all[0]]);
  });
});
