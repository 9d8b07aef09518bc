import { describe, expect, it } from 'vitest';
import { advance, DAY, NOW, setup } from './helpers.js';

describe('topups', () => {
  it('is pending until its expected availability, then credits the balance', async () => {
    const { emu, api } = setup();
    const tu = await api.post('/v1/topups', {
      amount: 50000,
      currency: 'usd',
      description: 'Fund refunds',
      statement_descriptor: 'TOPUP',
    });
    expect(tu).toMatchObject({
      object: 'topup',
      amount: 50000,
      status: 'pending',
      balance_transaction: null,
      expected_availability_date: Math.floor(NOW / DAY) * DAY + 5 * DAY,
      source: { object: 'source', type: 'ach_debit', currency: 'usd' },
    });
    expect((await api.get('/v1/balance')).available[0].amount).toBe(0);
    advance(emu, 6 * DAY);
    const bal = await api.get('/v1/balance');
    expect(bal.available[0]).toMatchObject({ amount: 50000, source_types: { card: 0, bank_account: 50000 } });
    const done = await api.get(`/v1/topups/${tu.id}`);
    expect(done.status).toBe('succeeded');
    const txn = await api.get(`/v1/balance_transactions/${done.balance_transaction}`);
    expect(txn).toMatchObject({
      amount: 50000,
      type: 'topup',
      reporting_category: 'topup',
      source: tu.id,
      status: 'available',
    });
    expect(await api.eventTypes('topup.')).toEqual(['topup.created', 'topup.succeeded']);
  });

  it('cancels pending top-ups, updates without events, and filters by amount and status', async () => {
    const { api } = setup();
    const small = await api.post('/v1/topups', { amount: 1000, currency: 'usd' });
    const big = await api.post('/v1/topups', { amount: 90000, currency: 'usd' });
    const canceled = await api.post(`/v1/topups/${small.id}/cancel`);
    expect(canceled.status).toBe('canceled');
    expect((await api.fails('POST', `/v1/topups/${small.id}/cancel`)).error.code).toBe(
      'topup_not_cancelable',
    );
    const upd = await api.post(`/v1/topups/${big.id}`, { description: 'Reserve', metadata: { q: '4' } });
    expect(upd).toMatchObject({ description: 'Reserve', metadata: { q: '4' } });
    expect(await api.eventTypes('topup.')).toEqual(['topup.created', 'topup.created', 'topup.canceled']);
    expect(await api.ids('/v1/topups', { status: 'canceled' })).toEqual([small.id]);
    expect(await api.ids('/v1/topups', { amount: { gte: 5000 } })).toEqual([big.id]);
    expect(await api.ids('/v1/topups', { amount: 1000 })).toEqual([small.id]);
    expect((await api.fails('GET', '/v1/topups', { status: 'lost' })).status).toBe(400);
  });
});
