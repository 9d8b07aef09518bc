/**
 * Customers, catalogue and billing resources (one file each under billing/), and the emulator-only
 * helpers the seed generator uses to act out what Stripe does by itself (renewals, dunning, Checkout
 * completion). Definitions that reference each other's modules are assembled here, once every module has
 * loaded.
 */
import type { ResourceDef } from '../resource.js';
import type { CustomRoute } from '../routes.js';
import { checkoutSessions } from './billing/checkoutSessions.js';
import { coupons } from './billing/coupons.js';
import { creditNoteLines } from './billing/creditNoteLines.js';
import { creditNotes } from './billing/creditNotes.js';
import { customerBalanceTransactions } from './billing/customerBalanceTransactions.js';
import { customers } from './billing/customers.js';
import { customerTaxIds } from './billing/customerTaxIds.js';
import { INVOICE_ACTIONS } from './billing/invoiceActions.js';
import { invoiceItems } from './billing/invoiceItems.js';
import { invoiceLineItems } from './billing/invoiceLines.js';
import { invoicePayments } from './billing/invoicePayments.js';
import { invoices } from './billing/invoices.js';
import { checkoutSessionLineItems, quoteLineItems } from './billing/items.js';
import { plans } from './billing/plans.js';
import { prices } from './billing/prices.js';
import { products } from './billing/products.js';
import { promotionCodes } from './billing/promotionCodes.js';
import { quotes } from './billing/quotes.js';
import { SUBSCRIPTION_ACTIONS } from './billing/subscriptionActions.js';
import { subscriptionItems } from './billing/subscriptionItems.js';
import { subscriptionSchedules } from './billing/subscriptionSchedules.js';
import { subscriptions } from './billing/subscriptions.js';
import { taxRates } from './billing/taxRates.js';

export { completeCheckoutSession } from './billing/checkoutSessions.js';
export { DECLINING_PAYMENT_METHOD, FALLBACK_PAYMENT_METHOD } from './billing/invoiceActions.js';
export {
  renewSubscription,
  type SubscriptionStatus,
  setSubscriptionStatus,
} from './billing/subscriptionLifecycle.js';

export const BILLING_RESOURCES: ResourceDef[] = [
  customers,
  customerBalanceTransactions,
  customerTaxIds,
  products,
  prices,
  plans,
  coupons,
  promotionCodes,
  taxRates,
  { ...invoices, actions: INVOICE_ACTIONS },
  invoiceLineItems,
  invoiceItems,
  invoicePayments,
  { ...subscriptions, actions: SUBSCRIPTION_ACTIONS },
  subscriptionItems,
  subscriptionSchedules,
  creditNotes,
  creditNoteLines,
  quotes,
  quoteLineItems,
  checkoutSessions,
  checkoutSessionLineItems,
];

export const BILLING_ROUTES: CustomRoute[] = [];
