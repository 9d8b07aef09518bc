/**
 * `/v1/credit_notes` (docs.stripe.com/api/credit_notes): adjust a finalized invoice. On an open invoice
 * it is `pre_payment` and lowers what is due; on a paid one it is `post_payment` and its total is split
 * into `refund_amount` (a refund of the invoice's payment), `out_of_band_amount` and `credit_amount` (the
 * rest, credited to the customer balance). Lines are `invoice_line_item` credits or `custom_line_item`s;
 * with neither lines nor amount the whole invoice is credited. Voiding ("only if the associated invoice is
 * open") undoes the adjustment. Events credit_note.created / updated / voided; lines at
 * `/v1/credit_notes/{id}/lines` (`cnli_`).
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { ActionDef, MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { arr, int, metadata, nullableStr, oneOf, str } from '../params.js';
import { recordBalanceChange } from './customerBalanceTransactions.js';
import { withTotals } from './invoiceTotals.js';
import { allowOnly, decimalStr } from './pricing.js';
import { canCreate, cannot, transition } from './shared.js';

const REASONS = ['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory'] as const;

interface LineDraft {
  amount: number;
  description: string | null;
  invoice_line_item: string | null;
  quantity: number;
  type: 'invoice_line_item' | 'custom_line_item';
  unit_amount: number | null;
  unit_amount_decimal: string | null;
  metadata: Record<string, string> | null;
}

function lineDrafts(ctx: MutationContext, invoice: StripeObject, params: FormParams): LineDraft[] {
  const raw = arr(params, 'lines') as FormParams[] | undefined;
  const amount = int(params, 'amount', { min: 1 });
  if (raw?.length) {
    return raw.map((l, i) => {
      const p = `lines[${i}]`;
      allowOnly(
        l,
        [
          'amount',
          'description',
          'invoice_line_item',
          'metadata',
          'quantity',
          'tax_amounts',
          'tax_rates',
          'type',
          'unit_amount',
          'unit_amount_decimal',
        ],
        p,
      );
      const type = oneOf(l, 'type', ['custom_line_item', 'invoice_line_item'] as const);
      if (!type) throw parameterMissing(`${p}[type]`);
      const quantity = int(l, 'quantity', { min: 1 }) ?? 1;
      const md = l.metadata === undefined ? null : metadata(l);
      if (type === 'invoice_line_item') {
        const lineId = str(l, 'invoice_line_item');
        if (!lineId) throw parameterMissing(`${p}[invoice_line_item]`);
        const line = ctx.get('invoice_line_items', lineId);
        if (!line || line.invoice !== invoice.id)
          throw invalidRequest(
            `No such invoice line item: '${lineId}' on invoice ${invoice.id}`,
            `${p}[invoice_line_item]`,
          );
        const lineQty = Number(line.quantity ?? 1) || 1;
        const lineAmount = int(l, 'amount') ?? Math.round((Number(line.amount) / lineQty) * quantity);
        return {
          amount: lineAmount,
          description: (line.description as string | null) ?? null,
          invoice_line_item: lineId,
          quantity,
          type,
          unit_amount: Math.round(lineAmount / quantity),
          unit_amount_decimal: String(Math.round(lineAmount / quantity)),
          metadata: md,
        };
      }
      const unitDec =
        decimalStr(l, 'unit_amount_decimal', `${p}[unit_amount_decimal]`) ??
        (int(l, 'unit_amount') === undefined ? undefined : String(int(l, 'unit_amount')));
      if (unitDec === undefined) throw parameterMissing(`${p}[unit_amount]`);
      return {
        amount: Math.round(Number(unitDec) * quantity),
        description: str(l, 'description') ?? null,
        invoice_line_item: null,
        quantity,
        type,
        unit_amount: unitDec.includes('.') ? null : Number(unitDec),
        unit_amount_decimal: unitDec,
        metadata: md,
      };
    });
  }
  if (amount !== undefined) {
    return [
      {
        amount,
        description: nullableStr(params, 'memo') ?? null,
        invoice_line_item: null,
        quantity: 1,
        type: 'custom_line_item',
        unit_amount: amount,
        unit_amount_decimal: String(amount),
        metadata: null,
      },
    ];
  }
  // Neither: credit every line of the invoice in full.
  return ctx.findBy('invoice_line_items', 'invoice', invoice.id).map((line) => ({
    amount: Number(line.amount),
    description: (line.description as string | null) ?? null,
    invoice_line_item: line.id,
    quantity: Number(line.quantity ?? 1),
    type: 'invoice_line_item' as const,
    unit_amount: Math.round(Number(line.amount) / (Number(line.quantity ?? 1) || 1)),
    unit_amount_decimal: String(Math.round(Number(line.amount) / (Number(line.quantity ?? 1) || 1))),
    metadata: null,
  }));
}

/** The PaymentIntent that paid the invoice (basil: through its invoice_payments). */
function paidIntent(ctx: MutationContext, invoiceId: string): string | undefined {
  const paid = ctx.findBy('invoice_payments', 'invoice', invoiceId).find((p) => p.status === 'paid');
  return (paid?.payment as { payment_intent?: string } | undefined)?.payment_intent;
}

function voidAction(ctx: MutationContext, cn: StripeObject, params: FormParams): StripeObject {
  allowOnly(params, []);
  if (cn.status === 'void') throw cannot('This credit note has already been voided.', 'credit_note');
  const invoice = ctx.get('invoices', String(cn.invoice));
  if (invoice?.status !== 'open') {
    throw cannot('You can only void a credit note if the associated invoice is open.', 'credit_note');
  }
  const amount = Number(cn.amount);
  const field =
    cn.type === 'pre_payment' ? 'pre_payment_credit_notes_amount' : 'post_payment_credit_notes_amount';
  ctx.save('invoices', withTotals(ctx, { ...invoice, [field]: Number(invoice[field]) - amount }));
  const next: StripeObject = { ...cn, status: 'void', voided_at: ctx.now };
  ctx.save('credit_notes', next, { emit: false });
  ctx.emit('credit_note.voided', next);
  return next;
}

const ACTIONS: ActionDef[] = [{ path: '/v1/credit_notes/:id/void', handle: voidAction }];

export const creditNotes: ResourceDef = {
  name: 'credit_notes',
  object: 'credit_note',
  idPrefix: 'cn',
  path: '/v1/credit_notes',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: ['customer', 'customer_account'],
  indexedFields: ['invoice'],
  listParams: { customer: {}, customer_account: {}, invoice: {} },
  expandable: {
    customer: ['customers'],
    invoice: ['invoices'],
    customer_balance_transaction: ['customer_balance_transactions'],
  },
  embeds: [
    {
      field: 'lines',
      child: 'credit_note_lines',
      parentField: '_credit_note',
      url: '/v1/credit_notes/:id/lines',
    },
  ],
  events: { created: 'credit_note.created', updated: 'credit_note.updated' },
  permission: 'credit_notes',
  actions: ACTIONS,

  create(ctx, params) {
    allowOnly(params, [
      'amount',
      'credit_amount',
      'effective_at',
      'email_type',
      'invoice',
      'lines',
      'memo',
      'metadata',
      'out_of_band_amount',
      'reason',
      'refund_amount',
      'refunds',
      'shipping_cost',
    ]);
    const invoiceId = str(params, 'invoice');
    if (!invoiceId) throw parameterMissing('invoice');
    const invoice = ctx.require('invoices', invoiceId, 'invoice');
    if (invoice.status === 'draft' || invoice.status === 'void') {
      throw cannot(
        `You can only create credit notes for finalized, non-void invoices; this invoice is ${String(invoice.status)}.`,
        'invoice',
        'invoice_not_editable',
      );
    }
    const drafts = lineDrafts(ctx, invoice, params);
    const total = drafts.reduce((s, l) => s + l.amount, 0);
    const explicit = int(params, 'amount');
    if (explicit !== undefined && params.lines !== undefined && explicit !== total) {
      throw invalidRequest(`The amount (${explicit}) must equal the sum of the lines (${total}).`, 'amount');
    }
    const credited =
      Number(invoice.pre_payment_credit_notes_amount) + Number(invoice.post_payment_credit_notes_amount);
    if (total <= 0 || total > Number(invoice.total) - credited) {
      throw invalidRequest(
        `The credit note amount (${total}) must be positive and at most the invoice's remaining creditable amount (${Number(invoice.total) - credited}).`,
        'amount',
      );
    }
    const pre = invoice.status !== 'paid';
    const refundAmount = int(params, 'refund_amount', { min: 0 }) ?? 0;
    const oob = int(params, 'out_of_band_amount', { min: 0 });
    let creditAmount = int(params, 'credit_amount', { min: 0 });
    if (pre && (refundAmount || oob || creditAmount)) {
      throw invalidRequest(
        'refund_amount, credit_amount and out_of_band_amount apply only to credit notes on paid invoices.',
        'refund_amount',
      );
    }
    if (!pre) {
      creditAmount ??= total - refundAmount - (oob ?? 0);
      if (refundAmount + (oob ?? 0) + creditAmount !== total) {
        throw invalidRequest(
          'The sum of credit amount, refund amount and out of band amount must equal the credit note amount.',
          'refund_amount',
        );
      }
    }
    const id = ctx.newId('cn');
    const seq = ctx.findBy('credit_notes', 'invoice', invoice.id).length + 1;
    for (const d of drafts) {
      const { metadata: md, invoice_line_item: lineId, ...rest } = d;
      const { invoice_line_item: _example, ...template } = ctx.template('credit_note_line_item');
      void _example;
      ctx.insert('credit_note_lines', {
        ...template,
        id: ctx.newId('cnli'),
        object: 'credit_note_line_item',
        ...rest,
        // Only invoice_line_item credits name the line (`invoice_line_item?` in the pinned SDK).
        ...(lineId ? { invoice_line_item: lineId } : {}),
        discount_amount: 0,
        discount_amounts: [],
        livemode: ctx.livemode,
        metadata: md,
        pretax_credit_amounts: [],
        tax_rates: [],
        taxes: [],
        _credit_note: id,
      });
    }
    const refunds: Record<string, unknown>[] = [];
    const pi = refundAmount > 0 ? paidIntent(ctx, invoice.id) : undefined;
    if (refundAmount > 0 && pi && canCreate(ctx, 'refunds')) {
      const refund = ctx.create('refunds', {
        payment_intent: pi,
        amount: String(refundAmount),
        reason: 'requested_by_customer',
      });
      refunds.push({
        amount_refunded: refundAmount,
        payment_record_refund: null,
        refund: refund.id,
        type: 'refund',
      });
    }
    let balanceTxn: string | null = null;
    if (!pre && creditAmount) {
      const customer = ctx.require('customers', String(invoice.customer), 'invoice');
      balanceTxn = recordBalanceChange(ctx, customer, -creditAmount, {
        type: 'credit_note',
        currency: String(invoice.currency),
        credit_note: id,
        invoice: invoice.id,
      }).id;
    }
    const cn: StripeObject = Object.assign(ctx.template('credit_note'), {
      id,
      object: 'credit_note',
      amount: total,
      amount_shipping: 0,
      created: ctx.now,
      currency: invoice.currency,
      customer: invoice.customer,
      customer_account: null,
      customer_balance_transaction: balanceTxn,
      discount_amount: 0,
      discount_amounts: [],
      effective_at: int(params, 'effective_at') ?? ctx.now,
      invoice: invoice.id,
      livemode: ctx.livemode,
      memo: str(params, 'memo') ?? null,
      metadata: metadata(params),
      number: `${String(invoice.number)}-CN-${String(seq).padStart(2, '0')}`,
      out_of_band_amount: oob ?? null,
      pdf: `https://pay.stripe.com/credit_notes/${ctx.account}/${ctx.livemode ? 'live' : 'test'}_${id}/pdf`,
      post_payment_amount: pre ? 0 : total,
      pre_payment_amount: pre ? total : 0,
      pretax_credit_amounts: [],
      reason: oneOf(params, 'reason', REASONS) ?? null,
      refunds,
      shipping_cost: null,
      status: 'issued',
      subtotal: total,
      subtotal_excluding_tax: total,
      total,
      total_excluding_tax: total,
      total_taxes: [],
      type: pre ? 'pre_payment' : 'post_payment',
      voided_at: null,
    });
    delete cn.lines;
    ctx.insert('credit_notes', cn);
    const field = pre ? 'pre_payment_credit_notes_amount' : 'post_payment_credit_notes_amount';
    const adjusted = withTotals(ctx, { ...invoice, [field]: Number(invoice[field]) + total });
    // A pre-payment credit that covers everything still due settles the invoice.
    if (pre && Number(adjusted.amount_remaining) === 0) {
      transition(
        ctx,
        'invoices',
        {
          ...adjusted,
          status: 'paid',
          status_transitions: { ...(adjusted.status_transitions as object), paid_at: ctx.now },
        },
        'invoice.paid',
      );
    } else ctx.save('invoices', adjusted);
    return cn;
  },

  update(_ctx, current, params) {
    allowOnly(params, ['memo', 'metadata']);
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    const memo = nullableStr(params, 'memo');
    if (memo !== undefined) next.memo = memo;
    return next;
  },
};
