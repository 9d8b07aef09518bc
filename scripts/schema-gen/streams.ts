/**
 * The stream → SDK interface mapping, as data. One row per warehouse table; the generator derives
 * `schemas/<stream>.json` from `interface` in `node_modules/stripe/esm/resources/<file>`.
 *
 * `object` is what we expect the interface's `object:` literal to be; the generator asserts it so an SDK
 * upgrade that renames or re-purposes an interface fails loudly instead of emitting a wrong schema.
 * `deleted` names the interface of the `{id, object, deleted: true}` stub Stripe returns from DELETE and
 * puts in `*.deleted` events; it is emitted as `schemas/deleted_<stream>.json`.
 */
export interface StreamSource {
  readonly stream: string;
  readonly file: string;
  readonly interface: string;
  readonly object: string;
  readonly deleted?: string;
}

export const STREAM_SOURCES: readonly StreamSource[] = [
  { stream: 'accounts', file: 'Accounts.d.ts', interface: 'Account', object: 'account' },
  {
    stream: 'application_fees',
    file: 'ApplicationFees.d.ts',
    interface: 'ApplicationFee',
    object: 'application_fee',
  },
  {
    stream: 'application_fee_refunds',
    file: 'FeeRefunds.d.ts',
    interface: 'FeeRefund',
    object: 'fee_refund',
  },
  {
    stream: 'balance_transactions',
    file: 'BalanceTransactions.d.ts',
    interface: 'BalanceTransaction',
    object: 'balance_transaction',
  },
  { stream: 'balance', file: 'Balance.d.ts', interface: 'Balance', object: 'balance' },
  { stream: 'charges', file: 'Charges.d.ts', interface: 'Charge', object: 'charge' },
  {
    stream: 'checkout_sessions',
    file: 'Checkout/Sessions.d.ts',
    interface: 'Session',
    object: 'checkout.session',
  },
  { stream: 'checkout_session_line_items', file: 'LineItems.d.ts', interface: 'LineItem', object: 'item' },
  {
    stream: 'coupons',
    file: 'Coupons.d.ts',
    interface: 'Coupon',
    object: 'coupon',
    deleted: 'DeletedCoupon',
  },
  { stream: 'credit_notes', file: 'CreditNotes.d.ts', interface: 'CreditNote', object: 'credit_note' },
  {
    stream: 'credit_note_lines',
    file: 'CreditNoteLineItems.d.ts',
    interface: 'CreditNoteLineItem',
    object: 'credit_note_line_item',
  },
  {
    stream: 'customers',
    file: 'Customers.d.ts',
    interface: 'Customer',
    object: 'customer',
    deleted: 'DeletedCustomer',
  },
  {
    stream: 'customer_balance_transactions',
    file: 'CustomerBalanceTransactions.d.ts',
    interface: 'CustomerBalanceTransaction',
    object: 'customer_balance_transaction',
  },
  {
    stream: 'customer_tax_ids',
    file: 'TaxIds.d.ts',
    interface: 'TaxId',
    object: 'tax_id',
    deleted: 'DeletedTaxId',
  },
  { stream: 'disputes', file: 'Disputes.d.ts', interface: 'Dispute', object: 'dispute' },
  {
    stream: 'early_fraud_warnings',
    file: 'Radar/EarlyFraudWarnings.d.ts',
    interface: 'EarlyFraudWarning',
    object: 'radar.early_fraud_warning',
  },
  // `Event` is a union of ~300 typed events that all extend EventBase and only narrow `type` and
  // `data`; EventBase carries every top-level field, which is what a table needs.
  { stream: 'events', file: 'Events.d.ts', interface: 'EventBase', object: 'event' },
  { stream: 'files', file: 'Files.d.ts', interface: 'File', object: 'file' },
  {
    stream: 'invoices',
    file: 'Invoices.d.ts',
    interface: 'Invoice',
    object: 'invoice',
    deleted: 'DeletedInvoice',
  },
  {
    stream: 'invoice_line_items',
    file: 'InvoiceLineItems.d.ts',
    interface: 'InvoiceLineItem',
    object: 'line_item',
  },
  {
    stream: 'invoice_items',
    file: 'InvoiceItems.d.ts',
    interface: 'InvoiceItem',
    object: 'invoiceitem',
    deleted: 'DeletedInvoiceItem',
  },
  {
    stream: 'invoice_payments',
    file: 'InvoicePayments.d.ts',
    interface: 'InvoicePayment',
    object: 'invoice_payment',
  },
  {
    stream: 'payment_intents',
    file: 'PaymentIntents.d.ts',
    interface: 'PaymentIntent',
    object: 'payment_intent',
  },
  {
    stream: 'payment_methods',
    file: 'PaymentMethods.d.ts',
    interface: 'PaymentMethod',
    object: 'payment_method',
  },
  { stream: 'payouts', file: 'Payouts.d.ts', interface: 'Payout', object: 'payout' },
  { stream: 'plans', file: 'Plans.d.ts', interface: 'Plan', object: 'plan', deleted: 'DeletedPlan' },
  { stream: 'prices', file: 'Prices.d.ts', interface: 'Price', object: 'price', deleted: 'DeletedPrice' },
  {
    stream: 'products',
    file: 'Products.d.ts',
    interface: 'Product',
    object: 'product',
    deleted: 'DeletedProduct',
  },
  {
    stream: 'promotion_codes',
    file: 'PromotionCodes.d.ts',
    interface: 'PromotionCode',
    object: 'promotion_code',
  },
  { stream: 'quotes', file: 'Quotes.d.ts', interface: 'Quote', object: 'quote' },
  { stream: 'refunds', file: 'Refunds.d.ts', interface: 'Refund', object: 'refund' },
  { stream: 'reviews', file: 'Reviews.d.ts', interface: 'Review', object: 'review' },
  { stream: 'setup_intents', file: 'SetupIntents.d.ts', interface: 'SetupIntent', object: 'setup_intent' },
  { stream: 'subscriptions', file: 'Subscriptions.d.ts', interface: 'Subscription', object: 'subscription' },
  {
    stream: 'subscription_items',
    file: 'SubscriptionItems.d.ts',
    interface: 'SubscriptionItem',
    object: 'subscription_item',
    deleted: 'DeletedSubscriptionItem',
  },
  {
    stream: 'subscription_schedules',
    file: 'SubscriptionSchedules.d.ts',
    interface: 'SubscriptionSchedule',
    object: 'subscription_schedule',
  },
  { stream: 'tax_rates', file: 'TaxRates.d.ts', interface: 'TaxRate', object: 'tax_rate' },
  { stream: 'topups', file: 'Topups.d.ts', interface: 'Topup', object: 'topup' },
  { stream: 'transfers', file: 'Transfers.d.ts', interface: 'Transfer', object: 'transfer' },
  {
    stream: 'transfer_reversals',
    file: 'TransferReversals.d.ts',
    interface: 'TransferReversal',
    object: 'transfer_reversal',
  },
];
