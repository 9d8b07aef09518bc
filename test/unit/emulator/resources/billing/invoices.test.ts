import { describe, expect, it } from 'vitest';
import { type Api, customer, DAY, hasPayments, type Obj, setup } from './helpers.js';

async function draftWithLines(
  api: Api,
  c: Obj,
  n: number,
  params: Record<string, unknown> = {},
): Promise<Obj> {
  const inv = await api.post('/v1/invoices', { customer: c.id, ...params });
  for (let i = 0; i < n; i++) {
    await api.post('/v1/invoiceitems', {
      customer: c.id,
      invoice: inv.id,
      amount: 100 * (i + 1),
      currency: 'usd',
      description: `Line ${i + 1}`,
    });
  }
  return api.get(`/v1/invoices/${inv.id}`);
}

describe('invoice drafts and lines', () => {
  it('embeds the first 10 lines with has_more and a working url; totals come from all lines', async () => {
    const { api } = setup();
    const c = await customer(api);
    const inv = await draftWithLines(api, c, 12);
    expect(inv).toMatchObject({
      object: 'invoice',
      status: 'draft',
      number: null,
      subtotal: 7800,
      total: 7800,
      amount_due: 7800,
      amount_remaining: 7800,
    });
    expect(inv.id).toMatch(/^in_/);
    expect(inv.lines).toMatchObject({ object: 'list', has_more: true, url: `/v1/invoices/${inv.id}/lines` });
    expect(inv.lines.data).toHaveLength(10);
    const all = await api.ids(inv.lines.url);
    expect(all).toHaveLength(12);
    expect(all.slice(0, 10)).toEqual(inv.lines.data.map((l: Obj) => l.id));
    const line = inv.lines.data[0];
    expect(line).toMatchObject({
      object: 'line_item',
      invoice: inv.id,
      parent: {
        type: 'invoice_item_details',
        invoice_item_details: { invoice_item: expect.stringMatching(/^ii_/) },
        subscription_item_details: null,
      },
    });
    expect(line.id).toMatch(/^il_/);
    expect(inv.subscription).toBeUndefined();
    expect((await api.fails('GET', `/v1/invoices/${inv.id}/lines`, { created: 1 })).error.code).toBe(
      'parameter_unknown',
    );
  });

  it('pulls pending invoice items only with pending_invoice_items_behavior=include', async () => {
    const { api } = setup();
    const c = await customer(api);
    const pending = await api.post('/v1/invoiceitems', { customer: c.id, amount: 1500, currency: 'usd' });
    expect(await api.ids('/v1/invoiceitems', { pending: 'true' })).toEqual([pending.id]);
    const excluded = await api.post('/v1/invoices', { customer: c.id });
    expect(excluded.lines.data).toEqual([]);
    const included = await api.post('/v1/invoices', {
      customer: c.id,
      pending_invoice_items_behavior: 'include',
    });
    expect(included.total).toBe(1500);
    expect((await api.get(`/v1/invoiceitems/${pending.id}`)).invoice).toBe(included.id);
    expect(await api.ids('/v1/invoiceitems', { pending: 'false' })).toEqual([pending.id]);
    expect(await api.ids('/v1/invoiceitems', { invoice: included.id })).toEqual([pending.id]);
    const created = (await api.events('invoice.created')).at(-1)!;
    expect(created.data.object.lines.data).toHaveLength(1);
  });

  it('invoice items: no invoiceitem.updated, but a draft invoice follows their changes; deleting a draft frees them', async () => {
    const { api } = setup();
    const c = await customer(api);
    const inv = await draftWithLines(api, c, 1);
    const itemId = inv.lines.data[0].parent.invoice_item_details.invoice_item as string;
    await api.post(`/v1/invoiceitems/${itemId}`, { amount: 450, description: 'Changed' });
    const after = await api.get(`/v1/invoices/${inv.id}`);
    expect(after.total).toBe(450);
    expect(after.lines.data[0]).toMatchObject({ amount: 450, description: 'Changed' });
    expect(await api.eventTypes('invoiceitem.')).toEqual(['invoiceitem.created']);
    const updated = (await api.events('invoice.updated')).at(-1)!;
    expect(updated.data.previous_attributes).toMatchObject({ total: 100, subtotal: 100 });
    expect(await api.del(`/v1/invoices/${inv.id}`)).toEqual({ id: inv.id, object: 'invoice', deleted: true });
    expect((await api.get(`/v1/invoiceitems/${itemId}`)).invoice).toBeNull();
    expect(await api.eventTypes('invoice.deleted')).toEqual(['invoice.deleted']);
    await api.del(`/v1/invoiceitems/${itemId}`);
    expect(await api.eventTypes('invoiceitem.')).toEqual(['invoiceitem.created', 'invoiceitem.deleted']);
  });

  it('applies tax rates and coupons to the totals', async () => {
    const { api } = setup();
    const c = await customer(api);
    const vat = await api.post('/v1/tax_rates', {
      display_name: 'VAT',
      percentage: '20',
      inclusive: 'false',
    });
    const coupon = await api.post('/v1/coupons', { percent_off: 10, duration: 'forever' });
    const inv = await api.post('/v1/invoices', {
      customer: c.id,
      default_tax_rates: [vat.id],
      discounts: [{ coupon: coupon.id }],
    });
    await api.post('/v1/invoiceitems', { customer: c.id, invoice: inv.id, amount: 1000, currency: 'usd' });
    const got = await api.get(`/v1/invoices/${inv.id}`);
    expect(got).toMatchObject({ subtotal: 1000, total_excluding_tax: 900, total: 1080, amount_due: 1080 });
    expect(got.total_discount_amounts).toEqual([{ amount: 100, discount: got.discounts[0] }]);
    expect(got.discounts[0]).toMatch(/^di_/);
    expect(got.total_taxes).toMatchObject([
      { amount: 180, tax_behavior: 'exclusive', tax_rate_details: { tax_rate: vat.id }, taxable_amount: 900 },
    ]);
    expect(got.lines.data[0].discount_amounts).toEqual([{ amount: 100, discount: got.discounts[0] }]);
    expect((await api.get(`/v1/coupons/${coupon.id}`)).times_redeemed).toBe(1);
  });
});

describe('invoice lifecycle', () => {
  it('finalizes (number, due date), pays (invoice_payment, charge) and emits the invoice.* events', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const inv = await draftWithLines(api, c, 2);
    const fin = await api.post(`/v1/invoices/${inv.id}/finalize`);
    expect(fin).toMatchObject({
      status: 'open',
      number: `${c.invoice_prefix}-0001`,
      status_transitions: { finalized_at: fin.created },
    });
    expect(fin.hosted_invoice_url).toMatch(/^https:\/\/invoice\.stripe\.com\//);
    expect((await api.fails('POST', `/v1/invoices/${inv.id}/finalize`)).status).toBe(400);
    expect((await api.fails('DELETE', `/v1/invoices/${inv.id}`)).error.message).toBe(
      'You can only delete draft invoices.',
    );
    const paid = await api.post(`/v1/invoices/${inv.id}/pay`);
    expect(paid).toMatchObject({
      status: 'paid',
      amount_paid: 300,
      amount_remaining: 0,
      attempted: true,
      attempt_count: 1,
      status_transitions: { paid_at: expect.any(Number) },
    });
    const payments = await api.get('/v1/invoice_payments', { invoice: inv.id });
    expect(await api.eventTypes('invoice.')).toEqual([
      'invoice.created',
      'invoice.updated',
      'invoice.updated',
      'invoice.updated',
      'invoice.finalized',
      'invoice.updated',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
    expect(await api.eventTypes('invoice_payment.')).toEqual(
      hasPayments(emu) ? ['invoice_payment.paid'] : [],
    );
    if (hasPayments(emu)) {
      // Paying an invoice creates the payment: a PaymentIntent and its charge, linked by an invoice_payment.
      expect(payments.data).toMatchObject([
        {
          object: 'invoice_payment',
          status: 'paid',
          amount_paid: 300,
          invoice: inv.id,
          payment: { type: 'payment_intent' },
        },
      ]);
      const pi = await api.get(`/v1/payment_intents/${payments.data[0].payment.payment_intent}`);
      expect(pi).toMatchObject({ status: 'succeeded', amount: 300, customer: c.id });
      expect(await api.get(`/v1/charges/${pi.latest_charge}`)).toMatchObject({
        amount: 300,
        paid: true,
        customer: c.id,
      });
      expect(
        await api.ids('/v1/invoice_payments', { payment: { type: 'payment_intent', payment_intent: pi.id } }),
      ).toEqual([payments.data[0].id]);
    } else {
      expect(payments.data).toEqual([]);
    }
    expect((await api.fails('POST', `/v1/invoices/${inv.id}/pay`)).error.message).toBe(
      'Invoice is already paid',
    );
    expect(await api.get(`/v1/invoices/${inv.id}`, { expand: ['payments'] })).toMatchObject({
      payments: { object: 'list', url: `/v1/invoice_payments?invoice=${inv.id}` },
    });
  });

  it('records a declined payment: 402, invoice.payment_failed, still open', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const inv = await draftWithLines(api, c, 1);
    await api.post(`/v1/invoices/${inv.id}/finalize`);
    if (hasPayments(emu)) {
      const err = await api.fails('POST', `/v1/invoices/${inv.id}/pay`, {
        payment_method: 'pm_card_chargeDeclined',
      });
      expect(err.status).toBe(402);
      expect(err.error.type).toBe('card_error');
      expect(await api.get(`/v1/invoices/${inv.id}`)).toMatchObject({
        status: 'open',
        attempt_count: 1,
        attempted: true,
        next_payment_attempt: expect.any(Number),
      });
      expect(await api.eventTypes('invoice.payment_failed')).toEqual(['invoice.payment_failed']);
    } else {
      expect((await api.post(`/v1/invoices/${inv.id}/pay`)).status).toBe('paid');
    }
  });

  it('pays out of band, voids, marks uncollectible and sends, with their events', async () => {
    const { api } = setup();
    const c = await customer(api);
    const a = await draftWithLines(api, c, 1, { collection_method: 'send_invoice', days_until_due: 14 });
    const fa = await api.post(`/v1/invoices/${a.id}/finalize`);
    expect(fa.due_date).toBe(a.created + 14 * DAY);
    await api.post(`/v1/invoices/${a.id}/send`);
    expect(await api.post(`/v1/invoices/${a.id}/pay`, { paid_out_of_band: 'true' })).toMatchObject({
      status: 'paid',
      amount_paid: 100,
    });
    const b = await draftWithLines(api, c, 1);
    await api.post(`/v1/invoices/${b.id}/finalize`);
    const voided = await api.post(`/v1/invoices/${b.id}/void`);
    expect(voided).toMatchObject({ status: 'void', status_transitions: { voided_at: expect.any(Number) } });
    expect((await api.fails('POST', `/v1/invoices/${b.id}/pay`)).status).toBe(400);
    const d = await draftWithLines(api, c, 1);
    await api.post(`/v1/invoices/${d.id}/finalize`);
    expect((await api.post(`/v1/invoices/${d.id}/mark_uncollectible`)).status).toBe('uncollectible');
    expect((await api.fails('POST', `/v1/invoices/${d.id}/mark_uncollectible`)).status).toBe(400);
    const types = await api.eventTypes('invoice.');
    for (const t of ['invoice.sent', 'invoice.paid', 'invoice.voided', 'invoice.marked_uncollectible'])
      expect(types).toContain(t);
    expect(types).not.toContain('invoice.payment_succeeded');
    expect(await api.ids('/v1/invoices', { status: 'void' })).toEqual([b.id]);
    expect(await api.ids('/v1/invoices', { collection_method: 'send_invoice' })).toEqual([a.id]);
    expect(await api.ids('/v1/invoices', { due_date: { gt: 0 } })).toEqual([a.id]);
    expect(await api.ids('/v1/invoices', { customer: c.id })).toEqual([d.id, b.id, a.id]);
    expect((await api.fails('GET', '/v1/invoices', { status: 'closed' })).status).toBe(400);
  });

  it('a zero invoice is paid on finalization', async () => {
    const { api } = setup();
    const c = await customer(api);
    const inv = await api.post('/v1/invoices', { customer: c.id });
    expect(await api.post(`/v1/invoices/${inv.id}/finalize`)).toMatchObject({
      status: 'paid',
      amount_due: 0,
    });
  });
});

describe('credit notes', () => {
  it('pre-payment credit lowers what is due; voiding restores it', async () => {
    const { api } = setup();
    const c = await customer(api);
    const inv = await draftWithLines(api, c, 2);
    await api.post(`/v1/invoices/${inv.id}/finalize`);
    const cn = await api.post('/v1/credit_notes', {
      invoice: inv.id,
      lines: [{ type: 'invoice_line_item', invoice_line_item: inv.lines.data[0].id, quantity: 1 }],
      reason: 'order_change',
    });
    expect(cn).toMatchObject({
      object: 'credit_note',
      type: 'pre_payment',
      status: 'issued',
      amount: inv.lines.data[0].amount,
      number: expect.stringMatching(/-CN-01$/),
    });
    expect(cn.id).toMatch(/^cn_/);
    expect(cn.lines.data[0]).toMatchObject({
      object: 'credit_note_line_item',
      type: 'invoice_line_item',
      invoice_line_item: inv.lines.data[0].id,
    });
    expect(cn.lines.data[0]._credit_note).toBeUndefined();
    const due = await api.get(`/v1/invoices/${inv.id}`);
    expect(due).toMatchObject({ pre_payment_credit_notes_amount: cn.amount, amount_due: 300 - cn.amount });
    const voided = await api.post(`/v1/credit_notes/${cn.id}/void`);
    expect(voided).toMatchObject({ status: 'void', voided_at: expect.any(Number) });
    expect((await api.get(`/v1/invoices/${inv.id}`)).amount_due).toBe(300);
    expect(await api.eventTypes('credit_note.')).toEqual(['credit_note.created', 'credit_note.voided']);
    expect(await api.ids('/v1/credit_notes', { invoice: inv.id })).toEqual([cn.id]);
    expect(await api.ids('/v1/credit_notes', { customer: c.id })).toEqual([cn.id]);
    expect(
      (await api.fails('POST', '/v1/credit_notes', { invoice: inv.id, amount: 100000 })).error.param,
    ).toBe('amount');
  });

  it('post-payment credit refunds and credits the balance; lists > 10 lines at its url', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const inv = await draftWithLines(api, c, 12);
    await api.post(`/v1/invoices/${inv.id}/pay`);
    const lines = Array.from({ length: 11 }, (_, i) => ({
      type: 'custom_line_item',
      unit_amount: 10,
      quantity: 1,
      description: `adj ${i}`,
    }));
    const cn = await api.post('/v1/credit_notes', {
      invoice: inv.id,
      lines,
      refund_amount: 60,
      memo: 'Sorry',
    });
    expect(cn).toMatchObject({
      type: 'post_payment',
      amount: 110,
      memo: 'Sorry',
      lines: { has_more: true, url: `/v1/credit_notes/${cn.id}/lines` },
    });
    expect(await api.ids(cn.lines.url)).toHaveLength(11);
    expect((await api.get(`/v1/customers/${c.id}`)).balance).toBe(-50);
    if (hasPayments(emu)) {
      expect(cn.refunds).toMatchObject([{ amount_refunded: 60, type: 'refund' }]);
      expect(await api.get(`/v1/refunds/${cn.refunds[0].refund}`)).toMatchObject({ amount: 60 });
    } else expect(cn.refunds).toEqual([]);
    await api.post(`/v1/credit_notes/${cn.id}`, { memo: 'Sorry again' });
    expect((await api.events('credit_note.updated'))[0]!.data.previous_attributes).toEqual({ memo: 'Sorry' });
    expect((await api.fails('POST', `/v1/credit_notes/${cn.id}/void`)).status).toBe(400);
  });
});

describe('expansion', () => {
  it('expands top-level and nested references of invoices, lines and invoice payments', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const product = await api.post('/v1/products', { name: 'Pro' });
    const price = await api.post('/v1/prices', {
      product: product.id,
      currency: 'usd',
      unit_amount: 700,
      recurring: { interval: 'month' },
    });
    const sub = await api.post('/v1/subscriptions', { customer: c.id, items: [{ price: price.id }] });
    const inv = await api.get(`/v1/invoices/${sub.latest_invoice}`, {
      expand: ['customer', 'parent.subscription_details.subscription', 'lines.data.subscription'],
    });
    expect(inv.customer).toMatchObject({ id: c.id, object: 'customer' });
    expect(inv.parent.subscription_details.subscription).toMatchObject({
      id: sub.id,
      object: 'subscription',
    });
    expect(inv.lines.data[0].subscription).toMatchObject({ id: sub.id, object: 'subscription' });
    const lines = await api.get(`/v1/invoices/${inv.id}/lines`, {
      expand: ['data.pricing.price_details.price'],
    });
    expect(lines.data[0].pricing.price_details.price).toMatchObject({ id: price.id, object: 'price' });
    expect((await api.fails('GET', `/v1/invoices/${inv.id}`, { expand: ['lines.data.period'] })).status).toBe(
      400,
    );
    const listed = await api.get('/v1/subscriptions', { expand: ['data.latest_invoice'] });
    expect(listed.data[0].latest_invoice).toMatchObject({ id: inv.id, object: 'invoice' });
    if (hasPayments(emu)) {
      const pays = await api.get('/v1/invoice_payments', {
        invoice: inv.id,
        expand: ['data.payment.payment_intent'],
      });
      expect(pays.data[0].payment.payment_intent).toMatchObject({ object: 'payment_intent', amount: 700 });
    }
  });

  it('changes discounts on a draft and recomputes the totals', async () => {
    const { api } = setup();
    const c = await customer(api);
    const coupon = await api.post('/v1/coupons', { amount_off: 250, currency: 'usd', duration: 'once' });
    const inv = await draftWithLines(api, c, 2);
    const discounted = await api.post(`/v1/invoices/${inv.id}`, { discounts: [{ coupon: coupon.id }] });
    expect(discounted).toMatchObject({ subtotal: 300, total: 50, total_discount_amounts: [{ amount: 250 }] });
    const cleared = await api.post(`/v1/invoices/${inv.id}`, { discounts: '' });
    expect(cleared).toMatchObject({ total: 300, discounts: [], total_discount_amounts: [] });
    expect(cleared.lines.data.every((l: Obj) => l.discount_amounts.length === 0)).toBe(true);
  });
});

describe('invoices below the minimum charge', () => {
  it('are marked paid without a payment and carry the amount to the customer balance', async () => {
    const { api } = setup();
    const c = await customer(api);
    const inv = await api.post('/v1/invoices', { customer: c.id });
    await api.post('/v1/invoiceitems', { customer: c.id, invoice: inv.id, amount: 30, currency: 'usd' });
    await api.post(`/v1/invoices/${inv.id}/finalize`);
    const paid = await api.post(`/v1/invoices/${inv.id}/pay`);
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 0, amount_remaining: 0 });
    expect((await api.get('/v1/invoice_payments', { invoice: inv.id })).data).toEqual([]);
    expect((await api.get(`/v1/customers/${c.id}`)).balance).toBe(30);
    const ledger = await api.get(`/v1/customers/${c.id}/balance_transactions`);
    expect(ledger.data).toMatchObject([{ type: 'invoice_too_small', amount: 30, invoice: inv.id }]);
  });
});
