/**
 * The invoice lifecycle (docs.stripe.com/invoicing/overview#invoice-lifecycle): draft → finalize → open →
 * pay → paid, or → void / uncollectible. Finalizing numbers the invoice (`<customer prefix>-0001`), applies
 * the customer's credit balance and, when nothing is due, marks it paid at once. Paying creates the
 * payment through the payments resources (`POST /v1/payment_intents` with `confirm=true`), then an
 * `invoice_payment` (`inpay_`), and emits invoice.paid + invoice.payment_succeeded + invoice_payment.paid;
 * a declined card leaves the invoice open with invoice.payment_failed (and, for `/pay`, Stripe's 402).
 */
import { ApiError } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { ActionDef, MutationContext, StripeObject } from '../../resource.js';
import { bool, str } from '../params.js';
import { MIN_CHARGE_AMOUNT } from '../payments/fees.js';
import { recordBalanceChange } from './customerBalanceTransactions.js';
import { recordInvoicePayment, settleInvoicePayment } from './invoicePayments.js';
import { setTotals, withTotals } from './invoiceTotals.js';
import { allowOnly } from './pricing.js';
import { canCreate, cannot, transition } from './shared.js';
import { onInvoicePaid, onInvoicePaymentFailed } from './subscriptionLifecycle.js';

const HOUR = 3600;
const DAY = 86400;
/** Stripe's test card that always succeeds, used when nothing names a payment method. */
export const FALLBACK_PAYMENT_METHOD = 'pm_card_visa';
/** Stripe's always-declining test card (docs.stripe.com/testing#declined-payments). */
export const DECLINING_PAYMENT_METHOD = 'pm_card_chargeDeclined';

function status(invoice: StripeObject): string {
  return String(invoice.status);
}

/** Finalize a draft: number, balance application, `open` (or `paid` when nothing is due). */
export function finalizeInvoice(
  ctx: MutationContext,
  draft: StripeObject,
  opts: { autoAdvance?: boolean } = {},
): StripeObject {
  if (status(draft) !== 'draft')
    throw cannot(
      "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
      'invoice',
      'invoice_not_editable',
    );
  // Read-only: the customer's change (next_invoice_sequence) is stored as a spread copy.
  const customer = ctx.requireView('customers', String(draft.customer), 'customer');
  const totals = withTotals(ctx, draft);
  const balance = Number(customer.balance ?? 0);
  // A credit (negative balance) covers up to the total; a debit (positive) is added to what is due.
  const applied = balance < 0 ? Math.max(balance, -Number(totals.total)) : balance;
  const seq = Number(customer.next_invoice_sequence ?? 1);
  const base = `https://invoice.stripe.com/i/${ctx.account}/${ctx.livemode ? 'live' : 'test'}_${draft.id}`;
  // `totals` is this function's own copy (not stored yet): finalize it in place.
  const inv: StripeObject = Object.assign(totals, {
    auto_advance: opts.autoAdvance ?? totals.auto_advance,
    automatically_finalizes_at: null,
    effective_at: draft.effective_at ?? ctx.now,
    ending_balance: balance - applied,
    hosted_invoice_url: base,
    invoice_pdf: `${base}/pdf`,
    next_payment_attempt: draft.collection_method === 'charge_automatically' ? ctx.now + HOUR : null,
    number: draft.number ?? `${String(customer.invoice_prefix)}-${String(seq).padStart(4, '0')}`,
    starting_balance: balance,
    status: 'open',
    status_transitions: { ...(draft.status_transitions as object), finalized_at: ctx.now },
    webhooks_delivered_at: ctx.now,
  });
  // Amounts again, now that the customer's balance is applied (the discounts are already on the lines).
  setTotals(ctx, inv);
  // A visible attribute of the customer changes, so it is a customer.updated like any other change
  // (an extractor following events must see it).
  if (draft.number === null) ctx.save('customers', { ...customer, next_invoice_sequence: seq + 1 });
  if (applied !== 0) {
    recordBalanceChange(ctx, customer, -applied, {
      type: 'applied_to_invoice',
      currency: String(inv.currency),
      invoice: inv.id,
    });
  }
  transition(ctx, 'invoices', inv, 'invoice.finalized');
  if (Number(inv.amount_due) === 0) return markPaid(ctx, inv, undefined);
  return inv;
}

/** Mark paid after a payment of `payment.amount` (or none: zero due, or paid out of band). */
function markPaid(
  ctx: MutationContext,
  open: StripeObject,
  payment: { amount: number } | undefined,
  outOfBand = false,
): StripeObject {
  const paid: StripeObject = {
    ...open,
    amount_paid:
      Number(open.amount_paid) + (payment?.amount ?? (outOfBand ? Number(open.amount_remaining) : 0)),
    amount_remaining: 0,
    attempt_count: Number(open.attempt_count) + (payment ? 1 : 0),
    attempted: true,
    next_payment_attempt: null,
    status: 'paid',
    status_transitions: { ...(open.status_transitions as object), paid_at: ctx.now },
  };
  const events = payment || !outOfBand ? ['invoice.paid', 'invoice.payment_succeeded'] : ['invoice.paid'];
  transition(ctx, 'invoices', paid, ...events);
  onInvoicePaid(ctx, paid);
  return paid;
}

function paymentMethodFor(ctx: MutationContext, inv: StripeObject, explicit: string | undefined): string {
  if (explicit) return explicit;
  if (typeof inv.default_payment_method === 'string') return inv.default_payment_method;
  const subId = (inv.parent as { subscription_details?: { subscription: string } } | null)
    ?.subscription_details?.subscription;
  const sub = subId ? ctx.view('subscriptions', subId) : undefined;
  if (typeof sub?.default_payment_method === 'string') return sub.default_payment_method;
  const customer = ctx.view('customers', String(inv.customer));
  const settings = customer?.invoice_settings as { default_payment_method?: string | null } | null;
  if (settings?.default_payment_method) return settings.default_payment_method;
  if (typeof customer?.default_source === 'string') return customer.default_source;
  return FALLBACK_PAYMENT_METHOD;
}

function paymentDescription(inv: StripeObject): string {
  if (inv.billing_reason === 'subscription_create') return 'Subscription creation';
  if (inv.billing_reason === 'subscription_cycle' || inv.billing_reason === 'subscription_update')
    return 'Subscription update';
  return 'Payment for Invoice';
}

export interface PayOptions {
  paymentMethod?: string;
  paidOutOfBand?: boolean;
  /** Re-throw a card decline (the `/pay` endpoint answers 402); internal billing records it and goes on. */
  throwOnDecline?: boolean;
  /** Emulator-only: make the attempt fail (the seed's failed renewals), with the declining test card. */
  decline?: boolean;
}

/** Collect an open (or draft: finalized first) invoice. */
export function payInvoice(ctx: MutationContext, invoice: StripeObject, opts: PayOptions = {}): StripeObject {
  let inv = invoice;
  if (status(inv) === 'draft') inv = finalizeInvoice(ctx, inv);
  if (status(inv) === 'paid') {
    if (inv === invoice) throw cannot('Invoice is already paid', 'invoice', 'invoice_already_paid');
    return inv;
  }
  if (status(inv) === 'void')
    throw cannot(
      'This invoice has been voided and can no longer be paid.',
      'invoice',
      'invoice_not_editable',
    );
  if (opts.paidOutOfBand) return markPaid(ctx, inv, undefined, true);
  const amount = Number(inv.amount_remaining);
  if (amount === 0) return markPaid(ctx, inv, undefined);
  if (amount < MIN_CHARGE_AMOUNT) {
    // Below the minimum charge Stripe does not attempt a payment: the invoice is marked paid and the
    // amount is carried to the customer's balance for the next invoice (customer balance transaction
    // type `invoice_too_small`; docs.stripe.com/billing/invoices/subscription#minimum-amounts-and-currencies).
    // Without this a small proration failed the whole seed (prorated renewals depend on the clock).
    const customer = ctx.require('customers', String(inv.customer), 'customer');
    recordBalanceChange(ctx, customer, amount, {
      type: 'invoice_too_small',
      currency: String(inv.currency),
      invoice: inv.id,
    });
    return markPaid(ctx, inv, undefined);
  }
  // Before the payments resources exist there is nothing to charge: record the outcome directly.
  if (!canCreate(ctx, 'payment_intents')) {
    if (opts.decline) return failAttempt(ctx, inv);
    return markPaid(ctx, inv, { amount });
  }

  let pi: StripeObject;
  try {
    pi = ctx.create('payment_intents', {
      amount: String(amount),
      currency: String(inv.currency),
      customer: String(inv.customer),
      confirm: 'true',
      off_session: 'true',
      payment_method: opts.decline
        ? DECLINING_PAYMENT_METHOD
        : paymentMethodFor(ctx, inv, opts.paymentMethod),
      description: paymentDescription(inv),
    });
  } catch (err) {
    if (err instanceof ApiError && err.type === 'card_error') {
      failAttempt(ctx, inv);
      if (opts.throwOnDecline) throw err;
      return ctx.get('invoices', inv.id) ?? inv;
    }
    throw err;
  }
  const inpay = recordInvoicePayment(ctx, inv, pi, amount);
  if (pi.status !== 'succeeded') {
    failAttempt(ctx, inv);
    return ctx.get('invoices', inv.id) ?? inv;
  }
  const paid = markPaid(ctx, inv, { amount });
  settleInvoicePayment(ctx, inpay);
  return paid;
}

/** A failed collection attempt: retried in 3 days (Smart Retries stand-in), invoice.payment_failed. */
function failAttempt(ctx: MutationContext, inv: StripeObject): StripeObject {
  const failed: StripeObject = {
    ...inv,
    attempt_count: Number(inv.attempt_count) + 1,
    attempted: true,
    next_payment_attempt: inv.collection_method === 'charge_automatically' ? ctx.now + 3 * DAY : null,
  };
  transition(ctx, 'invoices', failed, 'invoice.payment_failed');
  onInvoicePaymentFailed(ctx, failed);
  return failed;
}

export function voidInvoice(ctx: MutationContext, inv: StripeObject): StripeObject {
  if (status(inv) !== 'open' && status(inv) !== 'uncollectible') {
    throw cannot(
      `You can only void open or uncollectible invoices; this invoice is ${status(inv)}.`,
      'invoice',
      'invoice_not_editable',
    );
  }
  const next: StripeObject = {
    ...inv,
    next_payment_attempt: null,
    status: 'void',
    status_transitions: { ...(inv.status_transitions as object), voided_at: ctx.now },
  };
  return transition(ctx, 'invoices', next, 'invoice.voided');
}

export function markUncollectible(ctx: MutationContext, inv: StripeObject): StripeObject {
  if (status(inv) !== 'open')
    throw cannot('You can only mark open invoices as uncollectible.', 'invoice', 'invoice_not_editable');
  const next: StripeObject = {
    ...inv,
    next_payment_attempt: null,
    status: 'uncollectible',
    status_transitions: { ...(inv.status_transitions as object), marked_uncollectible_at: ctx.now },
  };
  return transition(ctx, 'invoices', next, 'invoice.marked_uncollectible');
}

function noParams(params: FormParams): void {
  allowOnly(params, []);
}

export const INVOICE_ACTIONS: ActionDef[] = [
  {
    path: '/v1/invoices/:id/finalize',
    handle(ctx, current, params) {
      allowOnly(params, ['auto_advance']);
      return finalizeInvoice(ctx, current, { autoAdvance: bool(params, 'auto_advance') });
    },
  },
  {
    path: '/v1/invoices/:id/pay',
    handle(ctx, current, params) {
      allowOnly(params, [
        'forgive',
        'mandate',
        'off_session',
        'paid_out_of_band',
        'payment_method',
        'source',
      ]);
      return payInvoice(ctx, current, {
        paymentMethod: str(params, 'payment_method') ?? str(params, 'source'),
        paidOutOfBand: bool(params, 'paid_out_of_band') ?? false,
        throwOnDecline: true,
      });
    },
  },
  {
    path: '/v1/invoices/:id/void',
    handle(ctx, current, params) {
      noParams(params);
      return voidInvoice(ctx, current);
    },
  },
  {
    path: '/v1/invoices/:id/mark_uncollectible',
    handle(ctx, current, params) {
      noParams(params);
      return markUncollectible(ctx, current);
    },
  },
  {
    path: '/v1/invoices/:id/send',
    handle(ctx, current, params) {
      noParams(params);
      if (status(current) === 'draft')
        throw cannot('You can only send finalized invoices.', 'invoice', 'invoice_not_editable');
      ctx.emit('invoice.sent', current);
      return current;
    },
  },
];
