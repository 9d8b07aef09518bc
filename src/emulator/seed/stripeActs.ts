/**
 * What Stripe does by itself, with no API request behind it: renewing a subscription at its period end,
 * dunning (past_due → unpaid), pausing a subscription whose trial ended without a card, expiring an
 * incomplete one, opening disputes, Radar reviews and early fraud warnings, storing uploaded files, paying
 * out automatically, and letting pending funds become available. The resources export emulator-only
 * helpers for these; the seed calls them with a Context of the right account at the frozen instant, so
 * they emit exactly the events a real account would get.
 */
import type { Context } from '../context.js';
import type { Emulator } from '../emulator.js';
import type { StripeObject } from '../resource.js';
import {
  completeCheckoutSession,
  renewSubscription,
  type SubscriptionStatus,
  setSubscriptionStatus,
} from '../resources/billing.js';
import {
  createAutomaticPayout,
  createDispute,
  createEarlyFraudWarning,
  createFile,
  createReview,
  failPayout,
  resolveDispute,
  settle,
} from '../resources/payments.js';
import type { Obj } from './api.js';
import type { Business } from './world.js';

export type { SubscriptionStatus };

export interface StripeActs {
  /** End the current period: a new invoice, collected from the default payment method (declined if `fail`). */
  renewSubscription(b: Business, id: string, opts?: { fail?: boolean }): Promise<Obj | undefined>;
  setSubscriptionStatus(b: Business, id: string, status: SubscriptionStatus): Promise<void>;
  dispute(b: Business, charge: string, opts?: { reason?: string; inquiry?: boolean }): Promise<Obj>;
  /** The card network decides a dispute. */
  resolveDispute(b: Business, dispute: string, outcome: 'won' | 'lost'): Promise<void>;
  earlyFraudWarning(b: Business, charge: string): Promise<void>;
  review(b: Business, charge: string): Promise<Obj>;
  file(
    b: Business,
    purpose: 'dispute_evidence' | 'business_logo' | 'identity_document',
    name: string,
  ): Promise<string>;
  /** Stripe's automatic payout of the available balance in `currency`, if there is any. */
  automaticPayout(b: Business, currency: string): Promise<Obj | undefined>;
  /** The bank returns a payout. */
  failPayout(b: Business, payout: string): Promise<void>;
  /** Pending funds whose day has come become available, payouts arrive, top-ups land. */
  settle(b: Business): Promise<void>;
  /** The customer finishes the hosted Checkout page (pays, subscribes or saves a card). */
  completeCheckout(b: Business, session: string): Promise<void>;
}

export function createStripeActs(emulator: Emulator): StripeActs {
  // A Context at the frozen instant, acting as the account (events carry `account` for connected ones).
  const ctx = (b: Business): Context => emulator.context(b.id);
  // Each act is one operation, like a request: what it stored becomes text when it ends (storedRecord.ts).
  const act =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await f(...args);
      } finally {
        emulator.store.flush();
      }
    };
  const obj = (o: StripeObject | undefined) => o as Obj | undefined;
  return {
    renewSubscription: act(async (b, id, opts) => obj(renewSubscription(ctx(b), id, opts))),
    setSubscriptionStatus: act(async (b, id, status) => {
      setSubscriptionStatus(ctx(b), id, status);
    }),
    dispute: act(async (b, charge, opts) => createDispute(ctx(b), charge, opts) as Obj),
    resolveDispute: act(async (b, dispute, outcome) => {
      // A dispute the merchant accepted (`/close`) is already lost.
      const current = ctx(b).get('disputes', dispute);
      if (current && !['won', 'lost', 'warning_closed'].includes(String(current.status)))
        resolveDispute(ctx(b), dispute, outcome);
    }),
    earlyFraudWarning: act(async (b, charge) => {
      createEarlyFraudWarning(ctx(b), charge);
    }),
    review: act(async (b, charge) => createReview(ctx(b), charge) as Obj),
    file: act(
      async (b, purpose, filename) =>
        createFile(ctx(b), { purpose, filename, size: 1024 + b.r.int(0, 200_000) }).id,
    ),
    automaticPayout: act(async (b, currency) => obj(createAutomaticPayout(ctx(b), currency))),
    failPayout: act(async (b, payout) => {
      failPayout(ctx(b), payout);
    }),
    settle: act(async (b) => settle(ctx(b))),
    completeCheckout: act(async (b, session) => {
      completeCheckoutSession(ctx(b), session);
    }),
  };
}
