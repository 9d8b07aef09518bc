/**
 * How much of everything each seed size makes. Counts are of customers and rates; the objects follow
 * (a monthly subscriber renewed for two years leaves ~150 objects: invoices, lines, payments, charges,
 * balance transactions). Targets, side-effect objects included and events not counted:
 * small ≈ 5k objects, medium ≈ 100k, large ≥ 1M across the platform and three connected accounts.
 */
import type { JourneyPlan } from './journey.js';

export type SeedSize = 'small' | 'medium' | 'large';

export interface SeedPlan {
  platform: JourneyPlan;
  /** One entry per connected account. */
  connected: JourneyPlan[];
  /** Customers created in a single second (and the share subscribed in that second). */
  bulkImport: { count: number; subscribeRate: number };
  awkwardCustomers: number;
  /** Multiplier for deleted objects and for the last-30-days activity. */
  deletions: number;
  recent: number;
  /** Days between payouts (Stripe's weekly schedule is 7). */
  payoutEveryDays: number;
}

const platform = (customers: number): JourneyPlan => ({
  customers,
  subscribeRate: 0.5,
  buyerRate: 0.25,
  invoicedRate: 0.1,
});
const connected = (customers: number): JourneyPlan => ({
  customers,
  subscribeRate: 0.3,
  buyerRate: 0.55,
  invoicedRate: 0.05,
  applicationFeeRate: 0.1,
});

export const PLANS: Record<SeedSize, SeedPlan> = {
  small: {
    platform: platform(42),
    connected: [connected(12), connected(8)],
    bulkImport: { count: 150, subscribeRate: 0.04 },
    awkwardCustomers: 16,
    deletions: 1,
    recent: 1,
    payoutEveryDays: 14,
  },
  medium: {
    platform: platform(1100),
    connected: [connected(300), connected(200)],
    bulkImport: { count: 2000, subscribeRate: 0.1 },
    awkwardCustomers: 40,
    deletions: 3,
    recent: 3,
    payoutEveryDays: 7,
  },
  large: {
    platform: platform(14000),
    connected: [connected(5000), connected(3200), connected(2200)],
    bulkImport: { count: 5000, subscribeRate: 0.15 },
    awkwardCustomers: 80,
    deletions: 10,
    recent: 10,
    payoutEveryDays: 7,
  },
};
