/**
 * The payments resources over HTTP, driven by the pinned `stripe` SDK exactly as a client would: every
 * create, update, delete and action the emulator offers, and every list auto-paginated with `limit: 3`
 * across more than three pages, compared with the ids that were created (newest first).
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEST_KEY, type RunningEmulator, startEmulator } from '../../../src/emulator/index.js';
import { createDispute } from '../../../src/emulator/resources/payments/disputes.js';
import { createEarlyFraudWarning } from '../../../src/emulator/resources/payments/earlyFraudWarnings.js';
import { createFile } from '../../../src/emulator/resources/payments/files.js';

const N = 11; // > 3 pages of 3
const DAY = 86400;

let running: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
  running = await startEmulator({ port: 0, seed: 5 });
  stripe = new Stripe(DEFAULT_TEST_KEY, {
    host: '127.0.0.1',
    port: running.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
});
afterAll(() => running.close());
beforeEach(() => running.emulator.reset());

/** Every id an auto-paginated list yields, in order. */
async function ids(list: AsyncIterable<{ id: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of list) out.push(item.id);
  return out;
}

/** Creates `n` objects one after the other and returns their ids newest first (the list order). */
async function make(n: number, create: (i: number) => Promise<{ id: string }>): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.unshift((await create(i)).id);
  return out;
}

const fund = (amount: number, opts?: Stripe.RequestOptions) =>
  stripe.charges.create({ amount, currency: 'usd', source: 'tok_bypassPending' }, opts);

async function seller(): Promise<Stripe.Account> {
  return stripe.accounts.create({
    type: 'express',
    country: 'US',
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    tos_acceptance: { date: Math.floor(Date.now() / 1000), ip: '203.0.113.1' },
  });
}

describe('payments through the SDK', () => {
  it('charges: create, retrieve, update, capture, list', async () => {
    const created = await make(N, (i) =>
      stripe.charges.create({ amount: 1000 + i, currency: 'usd', source: 'tok_visa', capture: i !== 0 }),
    );
    expect(await ids(stripe.charges.list({ limit: 3 }))).toEqual(created);
    const first = created[N - 1]!;
    const captured = await stripe.charges.capture(first, { amount: 600 });
    expect(captured).toMatchObject({ captured: true, amount_captured: 600 });
    const updated = await stripe.charges.update(first, { description: 'SDK', metadata: { via: 'sdk' } });
    expect(updated.metadata).toEqual({ via: 'sdk' });
    const got = await stripe.charges.retrieve(first, { expand: ['balance_transaction', 'refunds'] });
    expect((got.balance_transaction as Stripe.BalanceTransaction).amount).toBe(600);
    expect(got.refunds?.data).toHaveLength(1);
    const declined = await stripe.charges
      .create({ amount: 1000, currency: 'usd', source: 'tok_chargeDeclined' })
      .catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(declined).toMatchObject({ code: 'card_declined', decline_code: 'generic_decline' });
  });

  it('payment_intents: create, update, confirm, capture, cancel, list', async () => {
    const customer = await stripe.customers.create({ email: 'sdk@example.com' });
    const created = await make(N, (i) =>
      stripe.paymentIntents.create({ amount: 2000 + i, currency: 'usd', customer: customer.id }),
    );
    expect(await ids(stripe.paymentIntents.list({ limit: 3 }))).toEqual(created);
    expect(await ids(stripe.paymentIntents.list({ limit: 3, customer: customer.id }))).toEqual(created);
    const [a, b, c] = created as [string, string, string];
    expect((await stripe.paymentIntents.update(a, { payment_method: 'pm_card_visa' })).status).toBe(
      'requires_confirmation',
    );
    expect((await stripe.paymentIntents.confirm(a)).status).toBe('succeeded');
    await stripe.paymentIntents.update(b, { capture_method: 'manual' });
    expect((await stripe.paymentIntents.confirm(b, { payment_method: 'pm_card_visa' })).status).toBe(
      'requires_capture',
    );
    expect((await stripe.paymentIntents.capture(b, { amount_to_capture: 1000 })).amount_received).toBe(1000);
    expect((await stripe.paymentIntents.cancel(c, { cancellation_reason: 'abandoned' })).status).toBe(
      'canceled',
    );
  });

  it('refunds: create, update, cancel, list', async () => {
    const charge = await stripe.charges.create({ amount: 5000, currency: 'usd', source: 'tok_visa' });
    const created = await make(N, () => stripe.refunds.create({ charge: charge.id, amount: 100 }));
    expect(await ids(stripe.refunds.list({ limit: 3 }))).toEqual(created);
    expect(await ids(stripe.refunds.list({ limit: 3, charge: charge.id }))).toEqual(created);
    expect((await stripe.refunds.update(created[0]!, { metadata: { k: 'v' } })).metadata).toEqual({ k: 'v' });
    await expect(stripe.refunds.cancel(created[0]!)).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
  });

  it('balance and balance transactions: retrieve, list', async () => {
    const created: string[] = [];
    for (let i = 0; i < N; i++)
      created.unshift(
        String(
          (await stripe.charges.create({ amount: 1000, currency: 'usd', source: 'tok_visa' }))
            .balance_transaction,
        ),
      );
    expect(await ids(stripe.balanceTransactions.list({ limit: 3 }))).toEqual(created);
    expect((await stripe.balanceTransactions.retrieve(created[0]!)).type).toBe('charge');
    const before = await stripe.balance.retrieve();
    expect(before.pending[0]).toMatchObject({ currency: 'usd', amount: N * (1000 - 59) });
    running.emulator.clock.advance(3 * DAY);
    expect((await stripe.balance.retrieve()).available[0]!.amount).toBe(N * (1000 - 59));
  });

  it('disputes: update, close, list', async () => {
    const created = await make(N, async () => {
      const ch = await stripe.charges.create({ amount: 1500, currency: 'usd', source: 'tok_visa' });
      return createDispute(running.emulator.context(), ch.id);
    });
    expect(await ids(stripe.disputes.list({ limit: 3 }))).toEqual(created);
    const updated = await stripe.disputes.update(created[0]!, { evidence: { uncategorized_text: 'proof' } });
    expect(updated.status).toBe('under_review');
    expect((await stripe.disputes.close(created[1]!)).status).toBe('lost');
  });

  it('early fraud warnings: retrieve, list', async () => {
    const created = await make(N, async () => {
      const ch = await stripe.charges.create({ amount: 1500, currency: 'usd', source: 'tok_visa' });
      return createEarlyFraudWarning(running.emulator.context(), ch.id);
    });
    expect(await ids(stripe.radar.earlyFraudWarnings.list({ limit: 3 }))).toEqual(created);
    expect((await stripe.radar.earlyFraudWarnings.retrieve(created[0]!)).actionable).toBe(true);
  });

  it('reviews: approve, list (open only)', async () => {
    const created = await make(N, async () => {
      const ch = await stripe.charges.create({
        amount: 1500,
        currency: 'usd',
        source: 'tok_riskLevelElevated',
      });
      return { id: String(ch.review) };
    });
    expect(await ids(stripe.reviews.list({ limit: 3 }))).toEqual(created);
    expect((await stripe.reviews.approve(created[0]!)).open).toBe(false);
    expect(await ids(stripe.reviews.list({ limit: 3 }))).toEqual(created.slice(1));
  });

  it('setup intents: create, update, confirm, cancel, list', async () => {
    const created = await make(N, () => stripe.setupIntents.create({ usage: 'off_session' }));
    expect(await ids(stripe.setupIntents.list({ limit: 3 }))).toEqual(created);
    expect((await stripe.setupIntents.update(created[0]!, { metadata: { a: 'b' } })).metadata).toEqual({
      a: 'b',
    });
    expect((await stripe.setupIntents.confirm(created[0]!, { payment_method: 'pm_card_visa' })).status).toBe(
      'succeeded',
    );
    expect((await stripe.setupIntents.cancel(created[1]!)).status).toBe('canceled');
  });

  it('payment methods: create, update, attach, detach, list (also per customer)', async () => {
    const customer = await stripe.customers.create({ email: 'pm@example.com' });
    const created = await make(N, () =>
      stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } }),
    );
    expect(await ids(stripe.paymentMethods.list({ limit: 3 }))).toEqual(created);
    for (const id of [...created].reverse())
      await stripe.paymentMethods.attach(id, { customer: customer.id });
    expect(await ids(stripe.paymentMethods.list({ limit: 3, customer: customer.id }))).toEqual(created);
    expect(await ids(stripe.customers.listPaymentMethods(customer.id, { limit: 3 }))).toEqual(created);
    expect((await stripe.customers.retrievePaymentMethod(customer.id, created[0]!)).customer).toBe(
      customer.id,
    );
    expect((await stripe.paymentMethods.update(created[0]!, { metadata: { x: '1' } })).metadata).toEqual({
      x: '1',
    });
    expect((await stripe.paymentMethods.detach(created[0]!)).customer).toBeNull();
  });

  it('payouts: create, update, cancel, list', async () => {
    await fund(100_000);
    const created = await make(N, () => stripe.payouts.create({ amount: 1000, currency: 'usd' }));
    expect(await ids(stripe.payouts.list({ limit: 3 }))).toEqual(created);
    expect(await ids(stripe.payouts.list({ limit: 3, status: 'pending' }))).toEqual(created);
    expect((await stripe.payouts.update(created[0]!, { metadata: { batch: '1' } })).metadata).toEqual({
      batch: '1',
    });
    expect((await stripe.payouts.cancel(created[0]!)).status).toBe('canceled');
  });

  it('topups: create, update, cancel, list', async () => {
    const created = await make(N, () => stripe.topups.create({ amount: 5000, currency: 'usd' }));
    expect(await ids(stripe.topups.list({ limit: 3 }))).toEqual(created);
    expect((await stripe.topups.update(created[0]!, { description: 'reserve' })).description).toBe('reserve');
    expect((await stripe.topups.cancel(created[0]!)).status).toBe('canceled');
  });

  it('transfers and reversals: create, update, retrieve, list', async () => {
    const acct = await seller();
    await fund(100_000);
    const created = await make(N, () =>
      stripe.transfers.create({ amount: 1000, currency: 'usd', destination: acct.id }),
    );
    expect(await ids(stripe.transfers.list({ limit: 3 }))).toEqual(created);
    expect(await ids(stripe.transfers.list({ limit: 3, destination: acct.id }))).toEqual(created);
    expect((await stripe.transfers.update(created[0]!, { description: 'share' })).description).toBe('share');
    const tr = created[0]!;
    const reversals = await make(N, () => stripe.transfers.createReversal(tr, { amount: 10 }));
    expect(await ids(stripe.transfers.listReversals(tr, { limit: 3 }))).toEqual(reversals);
    expect(
      (await stripe.transfers.updateReversal(tr, reversals[0]!, { metadata: { r: '1' } })).metadata,
    ).toEqual({ r: '1' });
    expect((await stripe.transfers.retrieveReversal(tr, reversals[0]!)).amount).toBe(10);
    const payments = await ids(stripe.charges.list({ limit: 3 }, { stripeAccount: acct.id }));
    expect(payments).toHaveLength(N);
  });

  it('application fees and their refunds: retrieve, create, update, list', async () => {
    const acct = await seller();
    const fees: string[] = [];
    for (let i = 0; i < N; i++) {
      const ch = await stripe.charges.create(
        { amount: 10_000, currency: 'usd', source: 'tok_visa', application_fee_amount: 500 },
        { stripeAccount: acct.id },
      );
      fees.unshift(String(ch.application_fee));
    }
    expect(await ids(stripe.applicationFees.list({ limit: 3 }))).toEqual(fees);
    const fee = fees[0]!;
    expect((await stripe.applicationFees.retrieve(fee)).account).toBe(acct.id);
    const refunds = await make(N, () => stripe.applicationFees.createRefund(fee, { amount: 10 }));
    expect(await ids(stripe.applicationFees.listRefunds(fee, { limit: 3 }))).toEqual(refunds);
    expect(
      (await stripe.applicationFees.updateRefund(fee, refunds[0]!, { metadata: { f: '1' } })).metadata,
    ).toEqual({ f: '1' });
    expect((await stripe.applicationFees.retrieveRefund(fee, refunds[0]!)).amount).toBe(10);
  });

  it('accounts: create, retrieve, update, delete, list, current account', async () => {
    const created = await make(N, (i) =>
      stripe.accounts.create({ type: 'custom', country: 'US', email: `a${i}@example.com` }),
    );
    expect(await ids(stripe.accounts.list({ limit: 3 }))).toEqual(created);
    const updated = await stripe.accounts.update(created[0]!, { metadata: { tier: 'gold' } });
    expect(updated.metadata).toEqual({ tier: 'gold' });
    expect((await stripe.accounts.retrieve(created[0]!)).email).toBe(`a${N - 1}@example.com`);
    expect((await stripe.accounts.del(created[0]!)).deleted).toBe(true);
    expect((await stripe.accounts.retrieveCurrent()).id).toBe(running.emulator.platformAccount);
    expect((await stripe.accounts.retrieveCurrent({}, { stripeAccount: created[1]! })).id).toBe(created[1]);
  });

  it('files: retrieve, list', async () => {
    const created = await make(N, (i) =>
      Promise.resolve(
        createFile(running.emulator.context(), {
          purpose: 'dispute_evidence',
          filename: `e${i}.pdf`,
          size: 100 + i,
        }),
      ),
    );
    expect(await ids(stripe.files.list({ limit: 3 }))).toEqual(created);
    expect(await ids(stripe.files.list({ limit: 3, purpose: 'identity_document' }))).toEqual([]);
    expect((await stripe.files.retrieve(created[0]!)).size).toBe(100 + N - 1);
  });
});
