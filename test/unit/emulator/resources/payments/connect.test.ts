import { describe, expect, it } from 'vitest';
import { connectedAccount, fundBalance, setup } from './helpers.js';

describe('transfers and reversals', () => {
  it('moves available funds to a connected account, which receives a py_ payment', async () => {
    const { api } = setup();
    const acct = await connectedAccount(api);
    expect(
      (await api.fails('POST', '/v1/transfers', { amount: 1000, currency: 'usd', destination: acct.id }))
        .error.code,
    ).toBe('balance_insufficient');
    await fundBalance(api, 20000);
    expect(
      (await api.fails('POST', '/v1/transfers', { amount: 1000, currency: 'usd', destination: 'acct_nope' }))
        .error.param,
    ).toBe('destination');
    const tr = await api.post('/v1/transfers', {
      amount: 7000,
      currency: 'usd',
      destination: acct.id,
      transfer_group: 'ORDER_1',
      metadata: { o: '1' },
    });
    expect(tr).toMatchObject({
      object: 'transfer',
      amount: 7000,
      amount_reversed: 0,
      reversed: false,
      destination: acct.id,
      transfer_group: 'ORDER_1',
      reversals: { object: 'list', data: [], has_more: false, url: `/v1/transfers/${tr.id}/reversals` },
    });
    expect(await api.get(`/v1/balance_transactions/${tr.balance_transaction}`)).toMatchObject({
      amount: -7000,
      type: 'transfer',
      reporting_category: 'transfer',
    });
    const seller = api.as(acct.id);
    const py = await seller.get(`/v1/charges/${tr.destination_payment}`);
    expect(py).toMatchObject({
      id: expect.stringMatching(/^py_/),
      amount: 7000,
      source_transfer: tr.id,
      payment_method_details: { type: 'stripe_account' },
    });
    expect(await seller.get(`/v1/balance_transactions/${py.balance_transaction}`)).toMatchObject({
      amount: 7000,
      type: 'payment',
      status: 'pending',
    });
    expect((await seller.get('/v1/balance')).pending[0].amount).toBe(7000);
    expect(await api.ids('/v1/transfers', { destination: acct.id })).toEqual([tr.id]);
    expect(await api.ids('/v1/transfers', { transfer_group: 'ORDER_2' })).toEqual([]);
    const upd = await api.post(`/v1/transfers/${tr.id}`, { description: 'Payout share' });
    expect(upd.description).toBe('Payout share');
    expect(await api.eventTypes('transfer.')).toEqual(['transfer.created', 'transfer.updated']);
  });

  it('reverses transfers through the child endpoint, embedding the 10 newest reversals', async () => {
    const { api } = setup();
    const acct = await connectedAccount(api);
    await fundBalance(api, 20000);
    const tr = await api.post('/v1/transfers', { amount: 1200, currency: 'usd', destination: acct.id });
    const first = await api.post(`/v1/transfers/${tr.id}/reversals`, {
      amount: 100,
      metadata: { why: 'adjust' },
    });
    expect(first).toMatchObject({
      object: 'transfer_reversal',
      amount: 100,
      transfer: tr.id,
      metadata: { why: 'adjust' },
      destination_payment_refund: expect.stringMatching(/^pyr_/),
    });
    expect(await api.get(`/v1/balance_transactions/${first.balance_transaction}`)).toMatchObject({
      amount: 100,
      type: 'transfer_refund',
      reporting_category: 'transfer_reversal',
    });
    const seller = api.as(acct.id);
    expect((await seller.get(`/v1/charges/${tr.destination_payment}`)).amount_refunded).toBe(100);
    const ids = [first.id];
    for (let i = 0; i < 10; i++)
      ids.unshift((await api.post(`/v1/transfers/${tr.id}/reversals`, { amount: 100 })).id);
    const got = await api.get(`/v1/transfers/${tr.id}`);
    expect(got).toMatchObject({ amount_reversed: 1100, reversed: false });
    expect(got.reversals.data).toHaveLength(10);
    expect(got.reversals.has_more).toBe(true);
    expect(await api.ids(`/v1/transfers/${tr.id}/reversals`)).toEqual(ids);
    const last = await api.post(`/v1/transfers/${tr.id}/reversals`);
    expect(last.amount).toBe(100);
    expect((await api.get(`/v1/transfers/${tr.id}`)).reversed).toBe(true);
    expect((await api.fails('POST', `/v1/transfers/${tr.id}/reversals`)).error.code).toBe(
      'transfer_already_reversed',
    );
    const upd = await api.post(`/v1/transfers/${tr.id}/reversals/${first.id}`, {
      metadata: { why: 'changed' },
    });
    expect(upd.metadata).toEqual({ why: 'changed' });
    expect((await api.get(`/v1/transfers/${tr.id}/reversals/${first.id}`)).metadata).toEqual({
      why: 'changed',
    });
    expect((await api.eventTypes('transfer.')).filter((t) => t === 'transfer.reversed')).toHaveLength(12);
  });
});

describe('Connect charges and application fees', () => {
  it('books a direct charge’s application fee in the platform, with refunds', async () => {
    const { api } = setup();
    const acct = await connectedAccount(api);
    const seller = api.as(acct.id);
    const ch = await seller.post('/v1/charges', {
      amount: 10000,
      currency: 'usd',
      source: 'tok_visa',
      application_fee_amount: 1000,
    });
    expect(ch).toMatchObject({
      application_fee_amount: 1000,
      application_fee: expect.stringMatching(/^fee_/),
      application: expect.stringMatching(/^ca_/),
    });
    const txn = await seller.get(`/v1/balance_transactions/${ch.balance_transaction}`);
    expect(txn.fee_details.map((f: { type: string }) => f.type)).toEqual(['stripe_fee', 'application_fee']);
    expect(txn).toMatchObject({ fee: 320 + 1000, net: 10000 - 1320 });
    const fee = await api.get(`/v1/application_fees/${ch.application_fee}`);
    expect(fee).toMatchObject({
      object: 'application_fee',
      account: acct.id,
      amount: 1000,
      charge: ch.id,
      fee_source: { type: 'charge', charge: ch.id },
      refunded: false,
    });
    expect(fee.refunds).toMatchObject({
      object: 'list',
      data: [],
      url: `/v1/application_fees/${fee.id}/refunds`,
    });
    expect(await api.get(`/v1/balance_transactions/${fee.balance_transaction}`)).toMatchObject({
      amount: 1000,
      type: 'application_fee',
      reporting_category: 'platform_earning',
    });
    expect(await api.eventTypes('application_fee')).toEqual(['application_fee.created']);
    expect(await seller.eventTypes('application_fee')).toEqual([]);
    expect(await api.ids('/v1/application_fees', { charge: ch.id })).toEqual([fee.id]);
    // The seller refunds the customer and gives back the platform's fee share.
    await seller.post('/v1/refunds', { charge: ch.id, amount: 5000, refund_application_fee: true });
    const fr = (await api.get(`/v1/application_fees/${fee.id}/refunds`)).data[0];
    expect(fr).toMatchObject({ object: 'fee_refund', amount: 500, fee: fee.id });
    const more = await api.post(`/v1/application_fees/${fee.id}/refunds`, {
      amount: 200,
      metadata: { r: '2' },
    });
    expect(await api.get(`/v1/application_fees/${fee.id}`)).toMatchObject({
      amount_refunded: 700,
      refunded: false,
    });
    expect(
      (await api.fails('POST', `/v1/application_fees/${fee.id}/refunds`, { amount: 400 })).error.code,
    ).toBe('amount_too_large');
    await api.post(`/v1/application_fees/${fee.id}/refunds/${more.id}`, { metadata: { r: '3' } });
    expect((await api.get(`/v1/application_fees/${fee.id}/refunds/${more.id}`)).metadata).toEqual({ r: '3' });
    expect(await api.eventTypes('application_fee')).toEqual([
      'application_fee.created',
      'application_fee.refunded',
      'application_fee.refunded',
      'application_fee.refund.updated',
    ]);
  });

  it('makes destination charges: transfer to the account and a fee with originating_transaction', async () => {
    const { api } = setup();
    const acct = await connectedAccount(api);
    const pi = await api.post('/v1/payment_intents', {
      amount: 10000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      application_fee_amount: 1500,
      transfer_data: { destination: acct.id },
    });
    expect(pi.transfer_data).toEqual({ destination: acct.id });
    const ch = await api.get(`/v1/charges/${pi.latest_charge}`, { expand: ['transfer'] });
    expect(ch.transfer).toMatchObject({
      object: 'transfer',
      amount: 8500,
      destination: acct.id,
      source_transaction: ch.id,
    });
    expect(ch.transfer_group).toBe(ch.transfer.transfer_group);
    const fee = await api.get(`/v1/application_fees/${ch.application_fee}`);
    expect(fee).toMatchObject({
      account: acct.id,
      amount: 1500,
      originating_transaction: ch.id,
      charge: ch.transfer.destination_payment,
    });
    const seller = api.as(acct.id);
    expect((await seller.get(`/v1/charges/${ch.transfer.destination_payment}`)).amount).toBe(8500);
    // Refunding with reverse_transfer pulls the transfer back proportionally.
    const re = await api.post('/v1/refunds', { charge: ch.id, amount: 5000, reverse_transfer: true });
    const trr = await api.get(`/v1/transfers/${ch.transfer.id}/reversals/${re.transfer_reversal}`);
    expect(trr).toMatchObject({ amount: 4250, source_refund: re.id });
    expect(
      (
        await api.fails('POST', '/v1/payment_intents', {
          amount: 1000,
          currency: 'usd',
          application_fee_amount: 10,
        })
      ).error.param,
    ).toBe('application_fee_amount');
    expect(
      (
        await api.fails('POST', '/v1/charges', {
          amount: 1000,
          currency: 'usd',
          source: 'tok_visa',
          transfer_data: { destination: 'acct_none' },
        })
      ).error.code,
    ).toBe('resource_missing');
  });
});
