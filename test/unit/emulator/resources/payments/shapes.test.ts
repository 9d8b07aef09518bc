/**
 * Every object the payments resources create looks like Stripe's: the same top-level keys as Stripe's
 * example object in fixtures3.json (differences listed with a reason in fixture-key-differences.json),
 * valid against the schema generated from the pinned SDK (schemas/<stream>.json), and nothing copied
 * from the example objects' own values.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDispute } from '../../../../../src/emulator/resources/payments/disputes.js';
import { createEarlyFraudWarning } from '../../../../../src/emulator/resources/payments/earlyFraudWarnings.js';
import { createFile } from '../../../../../src/emulator/resources/payments/files.js';
import { createAutomaticPayout } from '../../../../../src/emulator/resources/payments/payouts.js';
import { createReview } from '../../../../../src/emulator/resources/payments/reviews.js';
import { loadSchemas, validateObject } from '../../../../../src/schema/jsonSchema.js';
import { type Api, connectedAccount, fundBalance, type Obj, setup } from './helpers.js';

const fixtures = (
  JSON.parse(readFileSync(new URL('../../../../fixtures/fixtures3.json', import.meta.url), 'utf8')) as {
    resources: Record<string, Record<string, unknown>>;
  }
).resources;
type Differences = Record<string, { missing: Record<string, string>; extra: Record<string, string> }>;
const differences = JSON.parse(
  readFileSync(new URL('../../../../fixtures/fixture-key-differences.json', import.meta.url), 'utf8'),
) as Differences;

interface Sample {
  label: string;
  stream: string;
  obj: Obj;
  /** The plain variant whose keys are compared with Stripe's example object. */
  keys?: boolean;
}

async function samples(api: Api): Promise<Sample[]> {
  const out: Sample[] = [];
  const add = (label: string, stream: string, obj: Obj, keys = false) =>
    out.push({ label, stream, obj, keys });
  const ctx = api.emu.context();
  const ch = await api.post('/v1/charges', { amount: 2000, currency: 'usd', source: 'tok_visa' });
  add('charge', 'charges', ch, true);
  const pi = await api.post('/v1/payment_intents', {
    amount: 2000,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
  });
  add('payment_intent', 'payment_intents', pi, true);
  add('payment_intent charge', 'charges', await api.get(`/v1/charges/${pi.latest_charge}`));
  const manual = await api.post('/v1/payment_intents', {
    amount: 900,
    currency: 'usd',
    capture_method: 'manual',
    payment_method: 'pm_card_visa',
    confirm: true,
  });
  add(
    'canceled payment_intent',
    'payment_intents',
    await api.post(`/v1/payment_intents/${manual.id}/cancel`),
  );
  const declined = await api.raw('POST', '/v1/payment_intents', {
    amount: 900,
    currency: 'usd',
    payment_method: 'pm_card_chargeDeclined',
    confirm: true,
  });
  const failedPi = (declined.json.error as { payment_intent: Obj }).payment_intent;
  add('declined payment_intent', 'payment_intents', await api.get(`/v1/payment_intents/${failedPi.id}`));
  add('failed charge', 'charges', await api.get(`/v1/charges/${failedPi.latest_charge}`));
  add(
    'balance_transaction',
    'balance_transactions',
    await api.get(`/v1/balance_transactions/${ch.balance_transaction}`),
    true,
  );
  const refund = await api.post('/v1/refunds', { charge: ch.id, amount: 100 });
  add('refund', 'refunds', refund, true);
  add(
    'charge with refunds expanded',
    'charges',
    await api.get(`/v1/charges/${ch.id}`, { expand: ['refunds'] }),
  );
  add('dispute', 'disputes', createDispute(ctx, String(pi.latest_charge)) as Obj, true);
  const ch2 = await api.post('/v1/charges', { amount: 3000, currency: 'usd', source: 'tok_visa' });
  add('radar.early_fraud_warning', 'early_fraud_warnings', createEarlyFraudWarning(ctx, ch2.id) as Obj, true);
  add('review', 'reviews', createReview(ctx, ch2.id) as Obj, true);
  add(
    'setup_intent',
    'setup_intents',
    await api.post('/v1/setup_intents', { payment_method: 'pm_card_visa', confirm: true }),
    true,
  );
  add(
    'payment_method',
    'payment_methods',
    await api.post('/v1/payment_methods', { type: 'card', card: { token: 'tok_visa' } }),
    true,
  );
  add(
    'us_bank_account',
    'payment_methods',
    await api.post('/v1/payment_methods', {
      type: 'us_bank_account',
      us_bank_account: { account_number: '000123456789' },
    }),
  );
  add(
    'sepa_debit',
    'payment_methods',
    await api.post('/v1/payment_methods', {
      type: 'sepa_debit',
      sepa_debit: { iban: 'DE89370400440532013000' },
    }),
  );
  await fundBalance(api, 100000);
  add('payout', 'payouts', await api.post('/v1/payouts', { amount: 1000, currency: 'usd' }), true);
  add('automatic payout', 'payouts', createAutomaticPayout(ctx, 'usd') as Obj);
  add('topup', 'topups', await api.post('/v1/topups', { amount: 1000, currency: 'usd' }), true);
  const acct = await connectedAccount(api);
  add('account', 'accounts', acct, true);
  add('unonboarded account', 'accounts', await api.post('/v1/accounts', { type: 'standard' }));
  add('platform account', 'accounts', await api.get('/v1/account'));
  await fundBalance(api, 100000);
  const tr = await api.post('/v1/transfers', { amount: 1000, currency: 'usd', destination: acct.id });
  add('transfer', 'transfers', tr, true);
  add(
    'transfer_reversal',
    'transfer_reversals',
    await api.post(`/v1/transfers/${tr.id}/reversals`, { amount: 100 }),
    true,
  );
  const seller = api.as(acct.id);
  add('destination payment', 'charges', await seller.get(`/v1/charges/${tr.destination_payment}`));
  const direct = await seller.post('/v1/charges', {
    amount: 5000,
    currency: 'usd',
    source: 'tok_visa',
    application_fee_amount: 100,
  });
  add('direct charge', 'charges', direct);
  const fee = await api.get(`/v1/application_fees/${direct.application_fee}`);
  add('application_fee', 'application_fees', fee, true);
  add(
    'fee_refund',
    'application_fee_refunds',
    await api.post(`/v1/application_fees/${fee.id}/refunds`, { amount: 10 }),
    true,
  );
  add(
    'file',
    'files',
    createFile(ctx, { purpose: 'dispute_evidence', filename: 'a.pdf', size: 10 }) as Obj,
    true,
  );
  add('balance', 'balance', await api.get('/v1/balance'), true);
  return out;
}

describe('payments object shapes', () => {
  let all: Sample[] = [];
  let schemas: Awaited<ReturnType<typeof loadSchemas>>['schemas'];

  beforeAll(async () => {
    const { api } = setup();
    all = await samples(api);
    schemas = (await loadSchemas()).schemas;
  });

  it('covers every payments object once for the key comparison', () => {
    expect(
      all
        .filter((s) => s.keys)
        .map((s) => s.label)
        .sort(),
    ).toEqual(
      [
        'account',
        'application_fee',
        'balance',
        'balance_transaction',
        'charge',
        'dispute',
        'fee_refund',
        'file',
        'payment_intent',
        'payment_method',
        'payout',
        'radar.early_fraud_warning',
        'refund',
        'review',
        'setup_intent',
        'topup',
        'transfer',
        'transfer_reversal',
      ].sort(),
    );
  });

  it('has the top-level keys of Stripe’s example object, up to the listed differences', () => {
    for (const s of all.filter((x) => x.keys)) {
      const object = String(s.obj.object);
      const expected = new Set(Object.keys(fixtures[object] ?? {}));
      const diff = differences[object] ?? { missing: {}, extra: {} };
      const got = new Set(Object.keys(s.obj));
      const missing = [...expected].filter((k) => !got.has(k)).sort();
      const extra = [...got].filter((k) => !expected.has(k)).sort();
      expect({ object, missing, extra }).toEqual({
        object,
        missing: Object.keys(diff.missing).sort(),
        extra: Object.keys(diff.extra).sort(),
      });
    }
  });

  it('every listed difference has a reason', () => {
    for (const [object, d] of Object.entries(differences)) {
      for (const [key, why] of [...Object.entries(d.missing), ...Object.entries(d.extra)])
        expect(why.length, `${object}.${key}`).toBeGreaterThan(20);
    }
  });

  it('validates against the schema generated from the pinned SDK', () => {
    const failures = all
      .map((s) => ({ label: s.label, violations: validateObject(schemas.get(s.stream)!, s.obj) }))
      .filter((f) => f.violations.length > 0);
    expect(failures).toEqual([]);
  });

  it('copies no values from Stripe’s example objects', () => {
    for (const s of all) {
      const json = JSON.stringify(s.obj);
      // fixtures3.json ids carry the account fragment B7WZ01zgkW, `obj_123` is its placeholder id; the
      // rest are its people and fingerprints.
      expect(json, s.label).not.toMatch(
        /B7WZ01zgkW|obj_123|sangeekp|Jenny Rosen|jenny\.rosen|Jane Austen|AOB934RVNwzk6xtn|5Wh4KBcfDrz5IOnx|AuoSJ18zsVWV9SPc/,
      );
    }
  });
});
