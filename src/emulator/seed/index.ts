/**
 * The deterministic seed generator: a believable SaaS platform with three years of history and Connect
 * accounts, built by travelling through time — the clock is frozen at each historical instant and the
 * public API is called there, so `created` dates, events and side effects all agree — and ending back at
 * the original "now". Events older than Stripe's 30-day retention would be unlistable anyway, so they are
 * never stored. Same seed number, same ids and data (with the same emulator `now`).
 */
import type { Emulator } from '../emulator.js';
import { Random } from '../random.js';
import { SeedApi, SeedSkip } from './api.js';
import { seedCatalog, seedDiscountsAndTaxes } from './catalog.js';
import { createConnectedAccount, refundApplicationFee, scheduleTransfers } from './connect.js';
import { scheduleJourneys } from './journey.js';
import { PLANS, type SeedPlan, type SeedSize } from './plan.js';
import { scheduleBillingShowcase } from './showcaseBilling.js';
import {
  scheduleAwkwardCustomers,
  scheduleBulkImport,
  scheduleDeletions,
  schedulePriceIncrease,
  scheduleRecentActivity,
} from './showcaseData.js';
import { schedulePaymentShowcase } from './showcasePayments.js';
import { createStripeActs, type StripeActs } from './stripeActs.js';
import { type SeedSummary, summarize } from './summary.js';
import { Timeline } from './timeline.js';
import { scheduleDailySettlement, schedulePayouts, scheduleTopups } from './treasury.js';
import { Business, DAY, HOUR, type World } from './world.js';

export type { SeedSize } from './plan.js';
export type { SeedSummary } from './summary.js';

export interface SeedOptions {
  size: SeedSize;
  seed: number;
  /** Progress, every 1,000 pieces of work: where in the history the seed is (unix seconds). */
  onProgress?: (p: { at: number; end: number; tasks: number; requests: number }) => void;
}

/** Three years of history, as the issue asks. */
const HISTORY_SECONDS = 3 * 365 * DAY;
const EVENT_RETENTION_SECONDS = 30 * DAY;

export async function seedEmulator(emulator: Emulator, opts: SeedOptions): Promise<SeedSummary> {
  const startedAt = performance.now();
  const plan = PLANS[opts.size];
  if (!plan) throw new Error(`unknown seed size ${String(opts.size)}`);
  const end = emulator.clock.now();
  const tl = new Timeline(end - HISTORY_SECONDS, end);
  const api = new SeedApi(emulator);
  // The seed's choices have their own stream; ids come from the emulator's, so both follow the seed number.
  const w: World = {
    api,
    r: new Random(Math.imul(opts.seed, 0x9e3779b1) ^ 0x5eed),
    tl,
    platform: emulator.platformAccount,
  };
  const acts = createStripeActs(emulator);
  const eventsSinceBefore = emulator.eventsSince;
  emulator.eventsSince = end - EVENT_RETENTION_SECONDS;
  try {
    schedulePlatform(w, acts, plan);
    // A resource the emulator does not serve drops the work that needed it, and says so in `skipped`.
    await tl.run(
      emulator.clock,
      (err) => {
        if (!(err instanceof SeedSkip)) return false;
        api.skip(err.feature, err.reason);
        return true;
      },
      (tasks) => opts.onProgress?.({ at: tl.now, end, tasks, requests: api.requests }),
    );
  } finally {
    emulator.eventsSince = eventsSinceBefore;
    emulator.clock.freeze(end);
    emulator.clock.unfreeze();
  }
  return summarize(emulator, {
    size: opts.size,
    seed: opts.seed,
    skipped: api.skipped,
    requests: api.requests,
    ms: Math.round(performance.now() - startedAt),
  });
}

function schedulePlatform(w: World, acts: StripeActs, plan: SeedPlan): void {
  const { tl } = w;
  const b = new Business(w, w.platform, false, 'platform');
  const connected: Business[] = [];
  const destinations: string[] = [];
  tl.at(tl.start, async () => {
    const cat = await seedCatalog(b, true);
    await seedDiscountsAndTaxes(b, cat, true);
    scheduleJourneys(b, cat, acts, { ...plan.platform, destinations }, tl.start + DAY);
    scheduleDailySettlement(b, acts, tl.start);
    schedulePayouts(b, acts, tl.start, plan.payoutEveryDays, 'automatic');
    scheduleTopups(b, tl.start + 30 * DAY, 90, 2_000_000);
    schedulePriceIncrease(b, cat, tl.start + 365 * DAY + 9 * HOUR);
    scheduleBulkImport(
      b,
      cat,
      acts,
      tl.start + 420 * DAY + 13 * HOUR,
      plan.bulkImport.count,
      plan.bulkImport.subscribeRate,
    );
    scheduleAwkwardCustomers(b, plan.awkwardCustomers);
    scheduleDeletions(b, cat, plan.deletions);
    scheduleRecentActivity(b, cat, acts, plan.recent);
    scheduleBillingShowcase(b, cat, acts);
    schedulePaymentShowcase(b, acts);
    scheduleTransfers(b, connected, tl.start + 60 * DAY);
    tl.at(tl.end - 20 * DAY, async () => {
      await acts.file(b, 'dispute_evidence', 'receipt.pdf');
      await acts.file(b, 'business_logo', 'logo.png');
    });
  });
  plan.connected.forEach((cp, n) => {
    tl.at(tl.start + (20 + 45 * n) * DAY, async () => {
      const c = await createConnectedAccount(w, b, n);
      connected.push(c);
      destinations.push(c.id);
      const cat = await seedCatalog(c, false);
      await seedDiscountsAndTaxes(c, cat, false);
      // The platform gives back part of its fee on some direct charges (always on the first two).
      let charges = 0;
      const onCharge = (charge: string) => {
        if (charges++ < 2 || w.r.bool(0.05))
          tl.after(w.r.int(1, 30) * DAY, () => refundApplicationFee(b, c, charge));
      };
      scheduleJourneys(c, cat, acts, { ...cp, onCharge }, tl.now + DAY);
      scheduleDailySettlement(c, acts, tl.now);
      schedulePayouts(c, acts, tl.now, plan.payoutEveryDays, 'manual');
      // The platform edits its connected accounts now and then (account.updated).
      tl.at(tl.end - w.r.int(2, 25) * DAY, async () => {
        await b.post(`/v1/accounts/${c.id}`, { metadata: { tier: 'gold', reviewed: 'true' } });
      });
    });
  });
}
