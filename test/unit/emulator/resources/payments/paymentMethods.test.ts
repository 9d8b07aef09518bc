import { describe, expect, it } from 'vitest';
import { setup } from './helpers.js';

describe('payment_methods', () => {
  it('creates cards from numbers and test tokens, with brand, last4 and a stable fingerprint', async () => {
    const { api } = setup();
    const a = await api.post('/v1/payment_methods', {
      type: 'card',
      card: { number: '4242 4242 4242 4242', exp_month: '8', exp_year: '2030', cvc: '123' },
      billing_details: { name: 'Jenny Rosen', email: 'jenny@example.com', address: { postal_code: '94103' } },
      metadata: { source: 'test' },
    });
    expect(a).toMatchObject({
      object: 'payment_method',
      type: 'card',
      customer: null,
      allow_redisplay: 'unspecified',
      billing_details: {
        name: 'Jenny Rosen',
        email: 'jenny@example.com',
        address: { postal_code: '94103', city: null },
      },
      card: { brand: 'visa', last4: '4242', exp_month: 8, exp_year: 2030, funding: 'credit', country: 'US' },
      metadata: { source: 'test' },
    });
    const b = await api.post('/v1/payment_methods', { type: 'card', card: { token: 'tok_visa_debit' } });
    expect(b.card).toMatchObject({ brand: 'visa', funding: 'debit', last4: '5556' });
    const c = await api.post('/v1/payment_methods', {
      type: 'card',
      card: { number: '4242424242424242', exp_month: 1, exp_year: 2029 },
    });
    expect(c.card.fingerprint).toBe(a.card.fingerprint);
    expect(b.card.fingerprint).not.toBe(a.card.fingerprint);
    const sepa = await api.post('/v1/payment_methods', {
      type: 'sepa_debit',
      sepa_debit: { iban: 'DE89370400440532013000' },
    });
    expect(sepa).toMatchObject({ type: 'sepa_debit', sepa_debit: { country: 'DE', last4: '3000' } });
    expect(sepa).not.toHaveProperty('card');
    expect(
      (
        await api.fails('POST', '/v1/payment_methods', {
          type: 'card',
          card: { number: '12', exp_month: 1, exp_year: 2030 },
        })
      ).error.code,
    ).toBe('incorrect_number');
    expect(
      (await api.fails('POST', '/v1/payment_methods', { card: { token: 'tok_visa' } })).error.param,
    ).toBe('type');
    // No payment_method.created event exists.
    expect(await api.eventTypes()).toEqual([]);
  });

  it('attaches and detaches with events, and lists per customer at both endpoints', async () => {
    const { api } = setup();
    const cus = await api.post('/v1/customers', { email: 'pm@example.com' });
    const pm1 = await api.post('/v1/payment_methods', { type: 'card', card: { token: 'tok_mastercard' } });
    const pm2 = await api.post('/v1/payment_methods', {
      type: 'us_bank_account',
      us_bank_account: { account_number: '000111222333' },
    });
    await api.post('/v1/payment_methods', { type: 'card', card: { token: 'tok_amex' } });
    expect((await api.post(`/v1/payment_methods/${pm1.id}/attach`, { customer: cus.id })).customer).toBe(
      cus.id,
    );
    await api.post(`/v1/payment_methods/${pm2.id}/attach`, { customer: cus.id });
    expect(await api.ids('/v1/payment_methods', { customer: cus.id })).toEqual([pm2.id, pm1.id]);
    expect(await api.ids('/v1/payment_methods', { customer: cus.id, type: 'card' })).toEqual([pm1.id]);
    expect(await api.ids(`/v1/customers/${cus.id}/payment_methods`)).toEqual([pm2.id, pm1.id]);
    expect(await api.ids(`/v1/customers/${cus.id}/payment_methods`, { type: 'us_bank_account' })).toEqual([
      pm2.id,
    ]);
    expect((await api.get(`/v1/customers/${cus.id}/payment_methods/${pm1.id}`)).id).toBe(pm1.id);
    const other = await api.post('/v1/customers', { email: 'other@example.com' });
    expect(
      (await api.fails('POST', `/v1/payment_methods/${pm1.id}/attach`, { customer: other.id })).error.code,
    ).toBe('payment_method_unexpected_state');
    expect((await api.fails('GET', `/v1/customers/${other.id}/payment_methods/${pm1.id}`)).status).toBe(404);
    const detached = await api.post(`/v1/payment_methods/${pm1.id}/detach`);
    expect(detached.customer).toBeNull();
    expect((await api.fails('POST', `/v1/payment_methods/${pm1.id}/detach`)).error.code).toBe(
      'payment_method_unexpected_state',
    );
    expect(await api.eventTypes()).toEqual([
      'payment_method.attached',
      'payment_method.attached',
      'payment_method.detached',
    ]);
    expect(
      (await api.fails('POST', `/v1/payment_methods/${pm1.id}/attach`, { customer: 'cus_missing' })).error
        .code,
    ).toBe('resource_missing');
  });

  it('updates billing details and metadata; card expiry only once attached', async () => {
    const { api } = setup();
    const pm = await api.post('/v1/payment_methods', {
      type: 'card',
      card: { token: 'tok_visa' },
      billing_details: { name: 'A', email: 'a@example.com' },
    });
    const upd = await api.post(`/v1/payment_methods/${pm.id}`, {
      billing_details: { name: 'B' },
      metadata: { m: '1' },
      allow_redisplay: 'always',
    });
    expect(upd).toMatchObject({
      billing_details: { name: 'B', email: 'a@example.com' },
      metadata: { m: '1' },
      allow_redisplay: 'always',
    });
    const [ev] = await api.events('payment_method.updated');
    expect(ev!.data.previous_attributes).toMatchObject({ metadata: {}, allow_redisplay: 'unspecified' });
    expect(
      (await api.fails('POST', `/v1/payment_methods/${pm.id}`, { card: { exp_year: 2035 } })).error.message,
    ).toMatch(/save this PaymentMethod to a customer/);
    const cus = await api.post('/v1/customers', { email: 'x@example.com' });
    await api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: cus.id });
    expect(
      (await api.post(`/v1/payment_methods/${pm.id}`, { card: { exp_month: 2, exp_year: 2035 } })).card,
    ).toMatchObject({ exp_month: 2, exp_year: 2035 });
  });

  it('leaves out custom payment methods unless type is given', async () => {
    const { emu, api } = setup();
    const card = await api.post('/v1/payment_methods', { type: 'card', card: { token: 'tok_visa' } });
    // A `custom` PaymentMethod (created in the Dashboard for custom payment method types).
    const ctx = emu.context();
    const custom = ctx.insert('payment_methods', {
      ...(await api.get(`/v1/payment_methods/${card.id}`)),
      id: 'pm_customExample000000000000',
      type: 'custom',
      card: undefined,
    });
    expect(await api.ids('/v1/payment_methods')).toEqual([card.id]);
    expect(await api.ids('/v1/payment_methods', { type: 'custom' })).toEqual([custom.id]);
  });
});
