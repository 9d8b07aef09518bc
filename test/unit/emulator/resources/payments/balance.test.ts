import { describe, expect, it } from 'vitest';
import { settleAll } from '../../../../../src/emulator/resources/payments/settle.js';
import { advance, DAY, NOW, setup } from './helpers.js';

describe('balance and balance transactions', () => {
  it('keeps card funds pending until available_on, then emits balance.available', async () => {
    const { emu, api } = setup();
    await api.post('/v1/charges', { amount: 10000, currency: 'usd', source: 'tok_visa' });
    await api.post('/v1/charges', { amount: 5000, currency: 'eur', source: 'tok_visa' });
    const before = await api.get('/v1/balance');
    expect(before).toMatchObject({ object: 'balance', livemode: false });
    expect(before.pending).toEqual([
      { amount: 5000 - 175, currency: 'eur', source_types: { card: 4825 } },
      { amount: 10000 - 320, currency: 'usd', source_types: { card: 9680 } },
    ]);
    expect(before.available.map((b: { amount: number }) => b.amount)).toEqual([0, 0]);
    advance(emu, 2 * DAY);
    const after = await api.get('/v1/balance');
    expect(after.available.map((b: { amount: number }) => b.amount)).toEqual([4825, 9680]);
    expect(after.pending.map((b: { amount: number }) => b.amount)).toEqual([0, 0]);
    const [ev] = await api.events('balance.available');
    expect(ev!.data.object).toMatchObject({ object: 'balance' });
    // Balance transactions have no events of their own.
    expect(await api.eventTypes('balance_transaction')).toEqual([]);
    const txns = (await api.get('/v1/balance_transactions')).data;
    expect(txns.every((t: { status: string }) => t.status === 'available')).toBe(true);
  });

  it('applies what fell due before any read, in every account', async () => {
    const { emu, api } = setup();
    const ch = await api.post('/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_visa' });
    const acct = await api.post('/v1/accounts', { type: 'express' });
    const direct = await api
      .as(acct.id)
      .post('/v1/charges', { amount: 2000, currency: 'usd', source: 'tok_visa' });
    advance(emu, 2 * DAY);
    // Every request first applies the time-driven changes of its account (Emulator.tickers).
    expect((await api.get(`/v1/balance_transactions/${ch.balance_transaction}`)).status).toBe('available');
    settleAll(emu);
    expect((await api.as(acct.id).get(`/v1/balance_transactions/${direct.balance_transaction}`)).status).toBe(
      'available',
    );
    expect(await api.as(acct.id).eventTypes('balance.')).toEqual(['balance.available']);
  });

  it('shows a zero balance in the default currency for a new account', async () => {
    const { api } = setup();
    const bal = await api.get('/v1/balance');
    expect(bal.available).toEqual([{ amount: 0, currency: 'usd', source_types: { card: 0 } }]);
    expect(bal.connect_reserved).toEqual([{ amount: 0, currency: 'usd' }]);
  });

  it('filters by type, source, currency and created, and expands the source', async () => {
    const { emu, api } = setup();
    const ch = await api.post('/v1/charges', { amount: 2000, currency: 'usd', source: 'tok_bypassPending' });
    advance(emu, 10);
    const re = await api.post('/v1/refunds', { charge: ch.id, amount: 500 });
    await api.post('/v1/charges', { amount: 3000, currency: 'gbp', source: 'tok_visa' });
    expect(await api.ids('/v1/balance_transactions', { type: 'refund' })).toEqual([re.balance_transaction]);
    expect(await api.ids('/v1/balance_transactions', { source: ch.id })).toEqual([ch.balance_transaction]);
    expect(await api.ids('/v1/balance_transactions', { currency: 'USD' })).toEqual([
      re.balance_transaction,
      ch.balance_transaction,
    ]);
    expect(await api.ids('/v1/balance_transactions', { created: { lte: NOW } })).toEqual([
      ch.balance_transaction,
    ]);
    const txn = await api.get(`/v1/balance_transactions/${re.balance_transaction}`, { expand: ['source'] });
    expect(txn.source).toMatchObject({ object: 'refund', id: re.id });
    const listed = await api.get('/v1/balance_transactions', {
      type: 'charge',
      currency: 'usd',
      expand: ['data.source'],
    });
    expect(listed.data[0].source.object).toBe('charge');
    expect((await api.fails('POST', '/v1/balance_transactions', { amount: 1 })).status).toBe(404);
  });

  it('reports the account behind the key or Stripe-Account', async () => {
    const { api } = setup();
    const platform = await api.get('/v1/account');
    expect(platform).toMatchObject({
      object: 'account',
      id: api.emu.platformAccount,
      charges_enabled: true,
      controller: { type: 'account' },
    });
    expect(platform.external_accounts.data[0]).toMatchObject({
      object: 'bank_account',
      account: platform.id,
    });
    expect(platform.requirements.currently_due).toEqual([]);
  });

  it('answers to restricted keys per permission group', async () => {
    const { emu } = setup();
    const key = 'rk_test_payments_reader_0001';
    emu.keys.add({ key, permissions: ['charges:read', 'balance', 'radar:read'] });
    const call = (method: 'GET' | 'POST', path: string, params: Record<string, unknown> = {}) =>
      emu.call(method, path, params, { key });
    expect((await call('GET', '/v1/charges')).status).toBe(200);
    expect(
      (await call('POST', '/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_visa' })).status,
    ).toBe(403);
    expect((await call('GET', '/v1/balance')).status).toBe(200);
    expect((await call('GET', '/v1/radar/early_fraud_warnings')).status).toBe(200);
    for (const path of [
      '/v1/payouts',
      '/v1/balance_transactions',
      '/v1/refunds',
      '/v1/reviews',
      '/v1/transfers',
      '/v1/accounts',
      '/v1/files',
    ]) {
      expect((await call('GET', path)).status, path).toBe(403);
    }
  });
});
