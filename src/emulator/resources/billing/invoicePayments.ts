/**
 * `/v1/invoice_payments` (docs.stripe.com/api/invoice-payment): since basil the link between an invoice
 * and the PaymentIntent that paid it (invoice.charge / invoice.payment_intent were removed). One is
 * recorded when a payment is attempted (`open`), becomes `paid` with invoice_payment.paid, and earlier open
 * attempts are `canceled`. List and retrieve only.
 */
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { nestedParam, saveQuietly } from './shared.js';

export function recordInvoicePayment(
  ctx: MutationContext,
  invoice: StripeObject,
  pi: StripeObject,
  amount: number,
): StripeObject {
  for (const prior of ctx.findBy('invoice_payments', 'invoice', invoice.id)) {
    if (prior.status === 'open') {
      saveQuietly(ctx, 'invoice_payments', {
        ...prior,
        is_default: false,
        status: 'canceled',
        status_transitions: { ...(prior.status_transitions as object), canceled_at: ctx.now },
      });
    }
  }
  const inpay: StripeObject = Object.assign(ctx.template('invoice_payment'), {
    id: ctx.newId('inpay'),
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: amount,
    created: ctx.now,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: ctx.livemode,
    payment: { payment_intent: pi.id, type: 'payment_intent' },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  });
  return ctx.insert('invoice_payments', inpay, { emit: false });
}

export function settleInvoicePayment(ctx: MutationContext, inpay: StripeObject): StripeObject {
  const paid: StripeObject = {
    ...inpay,
    amount_paid: inpay.amount_requested,
    status: 'paid',
    status_transitions: { ...(inpay.status_transitions as object), paid_at: ctx.now },
  };
  ctx.save('invoice_payments', paid, { emit: false });
  ctx.emit('invoice_payment.paid', paid);
  return paid;
}

export const invoicePayments: ResourceDef = {
  name: 'invoice_payments',
  object: 'invoice_payment',
  idPrefix: 'inpay',
  path: '/v1/invoice_payments',
  operations: { list: true, retrieve: true },
  createdFilter: true,
  filterFields: ['status', 'payment.type', 'payment.payment_intent', 'payment.payment_record'],
  indexedFields: ['invoice'],
  listParams: {
    invoice: {},
    status: { enum: ['canceled', 'open', 'paid'] },
    payment: nestedParam('payment', { type: 'string', payment_intent: 'string', payment_record: 'string' }),
  },
  expandable: {
    invoice: ['invoices'],
    'payment.charge': ['charges'],
    'payment.payment_intent': ['payment_intents'],
  },
  permission: 'invoices',
};
