import { describe, expect, it } from 'vitest';
import { createAutomaticPayout, failPayout } from '../../../../../src/emulator/resources/payments/payouts.js';
import { advance, DAY, fundBalance, NOW, setup } from './helpers.js';

const MIDNIGHT = Math.floor(NOW / DAY) * DAY;

describe('payouts', () => {
  it('refuses a payout larger than the available balance', async () => {
    const { api } = setup();
    await api.post('/v1/charges', { amount: 10000, currency: 'usd', source: 'tok_visa' }); // still pending
    const err = await api.fails('POST', '/v1/payouts', { amount: 1000, currency: 'usd' });
    expect(err.error.code).toBe('balance_insufficient');
  });

  it('debits the balance at once, is paid on its arrival date, and can be listed by status and arrival', async () => {
    const { emu, api } = setup();
    await fundBalance(api, 10000);
    const po = await api.post('/v1/payouts', {
      amount: 5000,
      currency: 'usd',
      description: 'Weekly',
      metadata: { run: '1' },
    });
    expect(po).toMatchObject({
      object: 'payout',
      amount: 5000,
      status: 'pending',
      automatic: false,
      method: 'standard',
      arrival_date: MIDNIGHT + 2 * DAY,
      destination: expect.stringMatching(/^ba_/),
      reconciliation_status: 'not_applicable',
      description: 'Weekly',
    });
    const txn = await api.get(`/v1/balance_transactions/${po.balance_transaction}`);
    expect(txn).toMatchObject({
      amount: -5000,
      net: -5000,
      type: 'payout',
      reporting_category: 'payout',
      status: 'available',
      source: po.id,
    });
    const bal = await api.get('/v1/balance');
    expect(bal.available[0]).toMatchObject({ currency: 'usd', amount: 10000 - 320 - 5000 });
    expect(await api.ids('/v1/payouts', { status: 'pending' })).toEqual([po.id]);
    expect(await api.ids('/v1/payouts', { arrival_date: { gte: MIDNIGHT + DAY } })).toEqual([po.id]);
    expect(await api.ids('/v1/payouts', { arrival_date: { lt: MIDNIGHT + DAY } })).toEqual([]);
    expect(await api.ids('/v1/payouts', { destination: po.destination })).toEqual([po.id]);
    advance(emu, 3 * DAY);
    await api.get('/v1/balance'); // any payments request settles what fell due
    const paid = await api.get(`/v1/payouts/${po.id}`);
    expect(paid.status).toBe('paid');
    expect(await api.ids('/v1/payouts', { status: 'paid' })).toEqual([po.id]);
    expect(await api.eventTypes('payout.')).toEqual(['payout.created', 'payout.updated', 'payout.paid']);
    const [updated] = await api.events('payout.updated');
    expect(updated!.data.previous_attributes).toMatchObject({ status: 'pending' });
  });

  it('cancels a pending payout, returning the funds', async () => {
    const { api } = setup();
    await fundBalance(api, 10000);
    const po = await api.post('/v1/payouts', { amount: 4000, currency: 'usd' });
    const canceled = await api.post(`/v1/payouts/${po.id}/cancel`);
    expect(canceled.status).toBe('canceled');
    const back = await api.get(`/v1/balance_transactions/${canceled.failure_balance_transaction}`);
    expect(back).toMatchObject({
      amount: 4000,
      type: 'payout_cancel',
      reporting_category: 'payout_reversal',
      source: po.id,
    });
    expect((await api.get('/v1/balance')).available[0].amount).toBe(10000 - 320);
    expect((await api.fails('POST', `/v1/payouts/${po.id}/cancel`)).error.code).toBe('payout_not_cancelable');
    expect(await api.eventTypes('payout.')).toEqual(['payout.created', 'payout.updated', 'payout.canceled']);
  });

  it('updates metadata only, with payout.updated', async () => {
    const { api } = setup();
    await fundBalance(api, 5000);
    const po = await api.post('/v1/payouts', { amount: 1000, currency: 'usd' });
    expect((await api.post(`/v1/payouts/${po.id}`, { metadata: { note: 'x' } })).metadata).toEqual({
      note: 'x',
    });
    expect((await api.fails('POST', `/v1/payouts/${po.id}`, { amount: 5 })).error.code).toBe(
      'parameter_unknown',
    );
    expect(
      (await api.fails('POST', '/v1/payouts', { amount: 100, currency: 'usd', destination: 'ba_other' }))
        .error.code,
    ).toBe('resource_missing');
    expect(await api.eventTypes('payout.')).toEqual(['payout.created', 'payout.updated']);
  });

  it('fails a payout on the bank’s return and pays out automatically with a ?payout= transaction list', async () => {
    const { emu, api } = setup();
    const ch1 = await fundBalance(api, 3000);
    const ch2 = await fundBalance(api, 2000);
    const ctx = emu.context();
    const auto = createAutomaticPayout(ctx, 'usd')!;
    expect(auto).toMatchObject({
      automatic: true,
      amount: 3000 - 117 + 2000 - 88,
      reconciliation_status: 'in_progress',
    });
    const contained = await api.ids('/v1/balance_transactions', { payout: auto.id });
    expect(contained.sort()).toEqual(
      [ch1.balance_transaction, ch2.balance_transaction, auto.balance_transaction].sort(),
    );
    expect(createAutomaticPayout(ctx, 'usd')).toBeUndefined();
    const failed = failPayout(ctx, auto.id, 'account_closed');
    expect(failed).toMatchObject({
      status: 'failed',
      failure_code: 'account_closed',
      failure_message: 'The bank account has been closed.',
    });
    expect((await api.get(`/v1/balance_transactions/${failed.failure_balance_transaction}`)).type).toBe(
      'payout_failure',
    );
    expect(await api.eventTypes('payout.')).toEqual(['payout.created', 'payout.updated', 'payout.failed']);
    // The hidden payout membership never shows on the wire.
    expect(await api.get(`/v1/balance_transactions/${ch1.balance_transaction}`)).not.toHaveProperty(
      '_payout',
    );
  });
});
