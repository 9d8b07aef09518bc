import { describe, expect, it } from 'vitest';
import { connectedAccount, DAY, NOW, setup } from './helpers.js';

describe('accounts (Connect)', () => {
  it('creates an account that becomes its own Stripe-Account scope', async () => {
    const { api } = setup();
    const pending = await api.post('/v1/accounts', {
      type: 'custom',
      country: 'DE',
      email: 'shop@example.de',
      capabilities: { card_payments: { requested: true } },
    });
    expect(pending).toMatchObject({
      object: 'account',
      type: 'custom',
      country: 'DE',
      default_currency: 'eur',
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      capabilities: { card_payments: 'inactive' },
      controller: { type: 'application', requirement_collection: 'application' },
      created: NOW,
    });
    expect(pending.id).toMatch(/^acct_[A-Za-z0-9]{16}$/);
    expect(pending.requirements.currently_due.length).toBeGreaterThan(0);
    expect(pending.external_accounts.data[0]).toMatchObject({
      object: 'bank_account',
      account: pending.id,
      currency: 'eur',
      country: 'DE',
    });
    const live = await connectedAccount(api);
    expect(live).toMatchObject({
      charges_enabled: true,
      payouts_enabled: true,
      capabilities: { card_payments: 'active', transfers: 'active' },
    });
    expect(live.requirements.currently_due).toEqual([]);
    const self = await api.as(live.id).get('/v1/account');
    expect(self).toMatchObject({ id: live.id, email: 'seller@example.com' });
    // The connected account sees only its own data.
    await api.post('/v1/charges', { amount: 1000, currency: 'usd', source: 'tok_visa' });
    expect(await api.as(live.id).ids('/v1/charges')).toEqual([]);
    expect((await api.as(live.id).fails('POST', '/v1/accounts', { type: 'express' })).status).toBe(400);
    expect(await api.eventTypes('account.')).toEqual([]);
  });

  it('onboards on update with account.updated, lists with created, and deletes', async () => {
    const { emu, api } = setup();
    const a = await api.post('/v1/accounts', {
      type: 'express',
      capabilities: { transfers: { requested: true } },
    });
    emu.clock.advance(DAY);
    const b = await connectedAccount(api, {
      business_profile: { name: 'B Shop', url: 'https://b.example.com' },
    });
    expect(b.business_profile).toMatchObject({ name: 'B Shop', url: 'https://b.example.com', mcc: null });
    const upd = await api.post(`/v1/accounts/${a.id}`, {
      tos_acceptance: { date: NOW, ip: '198.51.100.4' },
      metadata: { tier: 'gold' },
      settings: { payouts: { schedule: { interval: 'weekly', delay_days: '4' } } },
    });
    expect(upd).toMatchObject({
      charges_enabled: true,
      capabilities: { transfers: 'active' },
      metadata: { tier: 'gold' },
    });
    expect(upd.settings.payouts.schedule).toMatchObject({ interval: 'weekly', delay_days: 4 });
    const [ev] = await api.events('account.updated');
    expect(ev!.data.object.id).toBe(a.id);
    expect(ev!.data.previous_attributes).toMatchObject({ charges_enabled: false, metadata: {} });
    expect((await api.fails('POST', `/v1/accounts/${a.id}`, { country: 'GB' })).error.code).toBe(
      'parameter_unknown',
    );
    expect(
      (await api.fails('POST', `/v1/accounts/${a.id}`, { settings: { nonsense: { x: '1' } } })).error.code,
    ).toBe('parameter_unknown');
    expect(await api.ids('/v1/accounts')).toEqual([b.id, a.id]);
    expect(await api.ids('/v1/accounts', { created: { gt: NOW } })).toEqual([b.id]);
    const del = await api.del(`/v1/accounts/${a.id}`);
    expect(del).toEqual({ id: a.id, object: 'account', deleted: true });
    expect(await api.ids('/v1/accounts')).toEqual([b.id]);
    expect((await api.fails('GET', `/v1/accounts/${a.id}`)).status).toBe(404);
  });
});
