/**
 * Money leaving and entering an account's balance. Stripe's own daily processing (pending funds becoming
 * available on `available_on`, payouts arriving, top-ups landing) runs every day of the history; the
 * platform is paid out automatically on a schedule (docs.stripe.com/payouts#payout-schedule), connected
 * accounts by manual payouts the platform requests through the API (read `/v1/balance`, pay out what is
 * available), and a few payouts bounce. Top-ups fund the platform balance used for Connect transfers
 * (docs.stripe.com/connect/top-ups).
 */
import type { StripeActs } from './stripeActs.js';
import { type Business, DAY } from './world.js';

interface BalanceAmount {
  amount: number;
  currency: string;
}

/** Stripe's daily processing for one account, from `from` to the end of the history. */
export function scheduleDailySettlement(b: Business, acts: StripeActs, from: number): void {
  const day = async () => {
    await acts.settle(b);
    b.tl.after(DAY, day);
  };
  b.tl.at(from - (from % DAY) + DAY + 60, day);
}

export function schedulePayouts(
  b: Business,
  acts: StripeActs,
  from: number,
  everyDays: number,
  mode: 'automatic' | 'manual',
): void {
  const r = b.r;
  const payout = async () => {
    const balance = await b.get('/v1/balance');
    for (const a of (balance.available as BalanceAmount[] | undefined) ?? []) {
      if (a.amount <= 0) continue;
      const po =
        mode === 'automatic'
          ? await acts.automaticPayout(b, a.currency)
          : await b.post('/v1/payouts', {
              amount: a.amount,
              currency: a.currency,
              description: `Payout to ${b.label}`,
              statement_descriptor: 'MARKETPLACE PAYOUT',
              metadata: { requested_by: 'platform' },
            });
      if (po && r.bool(0.01)) b.tl.after(DAY, () => acts.failPayout(b, po.id));
    }
    b.tl.after(everyDays * DAY, payout);
  };
  // Payouts leave at a fixed time of day, like Stripe's schedule.
  b.tl.at(from - (from % DAY) + everyDays * DAY + 2 * 3600, payout);
}

export function scheduleTopups(b: Business, from: number, everyDays: number, amount: number): void {
  const r = b.r;
  const topup = async () => {
    await b.post('/v1/topups', {
      amount: amount + r.int(0, 100) * 1000,
      currency: 'usd',
      description: 'Top-up for Connect transfers',
      statement_descriptor: 'TOPUP',
      metadata: { purpose: 'connect' },
    });
    b.tl.after(everyDays * DAY, topup);
  };
  b.tl.at(from + DAY, topup);
}
