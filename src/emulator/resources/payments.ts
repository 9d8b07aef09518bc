/**
 * Payments, balance, payouts and Connect money movement: one ResourceDef per file under `payments/`,
 * plus the `/v1/balance` and `/v1/account` singletons. The emulator-only helpers the seed uses to make
 * what only Stripe creates (disputes, reviews, early fraud warnings, files, automatic payouts) are
 * re-exported here.
 */
import type { ResourceDef } from '../resource.js';
import type { CustomRoute } from '../routes.js';
import { accounts } from './payments/accounts.js';
import { applicationFeeRefunds } from './payments/applicationFeeRefunds.js';
import { applicationFees } from './payments/applicationFees.js';
import { BALANCE_ROUTES } from './payments/balance.js';
import { balanceTransactions } from './payments/balanceTransactions.js';
import { charges } from './payments/charges.js';
import { disputes } from './payments/disputes.js';
import { earlyFraudWarnings } from './payments/earlyFraudWarnings.js';
import { files } from './payments/files.js';
import { paymentIntents } from './payments/paymentIntents.js';
import { paymentMethods } from './payments/paymentMethods.js';
import { payouts } from './payments/payouts.js';
import { refunds } from './payments/refunds.js';
import { reviews } from './payments/reviews.js';
import { setupIntents } from './payments/setupIntents.js';
import { topups } from './payments/topups.js';
import { transferReversals } from './payments/transferReversals.js';
import { transfers } from './payments/transfers.js';

export { currentBalance } from './payments/balance.js';
export { CardError } from './payments/cardError.js';
export { createDispute, resolveDispute } from './payments/disputes.js';
export { createEarlyFraudWarning } from './payments/earlyFraudWarnings.js';
export { createFile } from './payments/files.js';
export { defaultPaymentMethodFor } from './payments/paymentMethods.js';
export { createAutomaticPayout, failPayout } from './payments/payouts.js';
export { createReview } from './payments/reviews.js';
export { settle, settleAll } from './payments/settle.js';

export const PAYMENT_RESOURCES: ResourceDef[] = [
  balanceTransactions,
  charges,
  paymentIntents,
  refunds,
  disputes,
  earlyFraudWarnings,
  reviews,
  setupIntents,
  paymentMethods,
  payouts,
  topups,
  transfers,
  transferReversals,
  applicationFees,
  applicationFeeRefunds,
  accounts,
  files,
];

export const PAYMENT_ROUTES: CustomRoute[] = [...BALANCE_ROUTES];
