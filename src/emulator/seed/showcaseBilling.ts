/**
 * Billing states a warehouse must be able to represent, made sure of on the platform rather than left to
 * chance: a subscription in every status (docs.stripe.com/billing/subscriptions/overview#subscription-
 * statuses), an invoice in every status (docs.stripe.com/invoicing/overview#invoice-statuses) including
 * invoices with more lines than the 10 embedded in `invoice.lines`, credit notes, quotes, checkout
 * sessions and subscription schedules in their states. Most of it lands in the last weeks of the history
 * so the matching events are still within the 30-day window.
 */
import type { Catalog } from './catalog.js';
import { type CustomerRef, createCustomer } from './customers.js';
import { buildInvoice, type InvoiceFate } from './invoices.js';
import type { StripeActs } from './stripeActs.js';
import { periodEnd, scheduleRenewals, subscribe } from './subscriptions.js';
import { type Business, DAY, HOUR } from './world.js';

export function scheduleBillingShowcase(b: Business, cat: Catalog, acts: StripeActs): void {
  const end = b.tl.end;
  const at = (t: number, task: () => Promise<void>) => b.tl.at(t, task);
  const card = () => createCustomer(b, { card: 'create' });
  // Looked up when used: a price increase may have retired the prices that existed when this was scheduled.
  const items = () => [{ price: cat.monthly.usd![0]!.id, quantity: 1 }];

  for (let k = 0; k < 2; k++) {
    const o = k * DAY;
    // trialing: a trial that has not ended yet.
    at(
      end - 5 * DAY - o,
      async () =>
        void (await subscribe(b, cat, acts, await card(), {
          trialDays: 30,
          noRenewals: true,
          items: items(),
        })),
    );
    // active: renewed normally; its next period ends after the history does.
    at(
      end - 20 * DAY - o,
      async () => void (await subscribe(b, cat, acts, await card(), { items: items(), churn: 0 })),
    );
    // canceled by the customer.
    at(end - 25 * DAY - o, async () => {
      const sub = await subscribe(b, cat, acts, await card(), { noRenewals: true, items: items() });
      b.tl.at(end - 10 * DAY - o, async () => void (await b.del(`/v1/subscriptions/${sub.id}`)));
    });
    // incomplete: the first payment is still waiting (payment_behavior=default_incomplete).
    at(end - 3 * HOUR - o, async () => {
      await subscribe(b, cat, acts, await card(), {
        noRenewals: true,
        items: items(),
        extra: { payment_behavior: 'default_incomplete' },
      });
    });
    // incomplete_expired: Stripe expires an incomplete subscription after 23 hours.
    at(end - 6 * DAY - o, async () => {
      const sub = await subscribe(b, cat, acts, await card(), {
        noRenewals: true,
        items: items(),
        extra: { payment_behavior: 'default_incomplete' },
      });
      b.tl.after(23 * HOUR, () => acts.setSubscriptionStatus(b, sub.id, 'incomplete_expired'));
    });
    // past_due, then unpaid: the renewal payment fails and retries are exhausted.
    at(end - 45 * DAY - o, async () => {
      const sub = await subscribe(b, cat, acts, await card(), { noRenewals: true, items: items() });
      b.tl.at(periodEnd(sub, end - 14 * DAY), async () => {
        await acts.renewSubscription(b, sub.id, { fail: true });
        if (k === 1) b.tl.after(8 * DAY, () => acts.setSubscriptionStatus(b, sub.id, 'unpaid'));
      });
    });
    // paused: a trial ended without a payment method and trial_settings say "pause".
    at(end - 20 * DAY - o, async () => {
      const c = await createCustomer(b, { card: 'none' });
      const sub = await subscribe(b, cat, acts, c, {
        trialDays: 7,
        noRenewals: true,
        items: items(),
        extra: {
          collection_method: 'charge_automatically',
          trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
        },
      });
      b.tl.at(periodEnd(sub, end - 13 * DAY - o), () => acts.setSubscriptionStatus(b, sub.id, 'paused'));
    });
  }
  at(end - 40 * DAY, async () => {
    const c = await card();
    const sub = await subscribe(b, cat, acts, c, { noRenewals: true, items: items() });
    b.tl.after(
      3 * DAY,
      async () =>
        void (await b.post(`/v1/subscriptions/${sub.id}`, { pause_collection: { behavior: 'void' } })),
    );
  });

  scheduleInvoiceShowcase(b, cat);
  scheduleQuotesAndCheckout(b, cat, acts, card);
  scheduleSchedules(b, cat, acts, card);
}

function scheduleInvoiceShowcase(b: Business, cat: Catalog): void {
  const end = b.tl.end;
  const plan: [InvoiceFate, number, number][] = [
    // [fate, lines, days before the end]
    ['draft', 12, 4],
    ['draft', 2, 9],
    ['draft', 1, 60],
    ['open', 15, 6],
    ['open', 3, 12],
    ['open', 2, 50],
    ['paid', 25, 8],
    ['paid', 11, 14],
    ['paid', 4, 70],
    ['void', 3, 11],
    ['void', 1, 90],
    ['uncollectible', 2, 15],
    ['uncollectible', 1, 120],
  ];
  for (const [fate, lines, daysAgo] of plan) {
    b.tl.at(end - daysAgo * DAY, async () => {
      const c = await createCustomer(b, { card: 'create' });
      const inv = await buildInvoice(b, cat, c, {
        lines,
        fate,
        description: `Showcase ${fate} invoice (${lines} lines)`,
      });
      if (fate === 'paid' && lines < 20) {
        // A partial refund of a paid invoice, through a credit note.
        b.tl.after(2 * DAY, async () => {
          await b.post('/v1/credit_notes', {
            invoice: inv.id,
            amount: 1000,
            refund_amount: 1000,
            reason: 'product_unsatisfactory',
            memo: 'Partial refund',
          });
        });
      }
      if (fate === 'open' && lines <= 3) {
        // Credit on an open invoice lowers what is due; one is voided again (only possible while the invoice is open).
        b.tl.after(DAY, async () => {
          const cn = await b.post('/v1/credit_notes', {
            invoice: inv.id,
            amount: 500,
            reason: 'order_change',
            memo: 'Discount agreed by phone',
          });
          if (lines === 3)
            b.tl.after(DAY, async () => void (await b.post(`/v1/credit_notes/${cn.id}/void`, {})));
        });
      }
    });
  }
  // A draft deleted (invoice.deleted) within the event window.
  b.tl.at(end - 7 * DAY, async () => {
    const c = await createCustomer(b, { card: 'none' });
    const inv = await buildInvoice(b, cat, c, { lines: 2, fate: 'draft' });
    b.tl.after(DAY, async () => void (await b.del(`/v1/invoices/${inv.id}`)));
  });
  // Pending invoice items, one deleted later (invoiceitem.deleted).
  b.tl.at(end - 18 * DAY, async () => {
    const c = await createCustomer(b, { card: 'create' });
    for (let i = 0; i < 3; i++) {
      const ii = await b.post('/v1/invoiceitems', {
        customer: c.id,
        amount: 1500 * (i + 1),
        currency: 'usd',
        description: `Pending item ${i + 1}`,
      });
      if (i === 0) b.tl.after(5 * DAY, async () => void (await b.del(`/v1/invoiceitems/${ii.id}`)));
    }
  });
}

function scheduleQuotesAndCheckout(
  b: Business,
  cat: Catalog,
  acts: StripeActs,
  card: () => Promise<CustomerRef>,
): void {
  const end = b.tl.end;
  const recurring = () => cat.monthly.usd![1]!;
  const oneTime = cat.oneTime[0]!;
  const fates = ['draft', 'open', 'accepted', 'accepted_one_time', 'canceled'] as const;
  fates.forEach((fate, i) => {
    b.tl.at(end - (12 + i * 3) * DAY, async () => {
      const c = await card();
      const q = await b.post('/v1/quotes', {
        customer: c.id,
        line_items: [{ price: fate === 'accepted_one_time' ? oneTime.id : recurring().id, quantity: 1 + i }],
        description: `Quote for ${fate}`,
        metadata: { deal: `D-${1000 + i}` },
      });
      if (fate === 'draft') return;
      await b.post(`/v1/quotes/${q.id}/finalize`, {});
      if (fate === 'canceled') await b.post(`/v1/quotes/${q.id}/cancel`, {});
      if (fate.startsWith('accepted'))
        b.tl.after(2 * DAY, async () => void (await b.post(`/v1/quotes/${q.id}/accept`, {})));
    });
  });
  const sessions = [
    ['payment', 'open'],
    ['payment', 'expired'],
    ['payment', 'complete'],
    ['subscription', 'open'],
    ['subscription', 'complete'],
    ['setup', 'expired'],
  ] as const;
  sessions.forEach(([mode, fate], i) => {
    b.tl.at(end - (2 + i * 2) * DAY, async () => {
      const c = await card();
      const params: Record<string, unknown> = {
        mode,
        customer: c.id,
        success_url: 'https://example.com/success?session_id={CHECKOUT_SESSION_ID}',
        cancel_url: 'https://example.com/cancel',
        client_reference_id: `cart_${i}`,
        metadata: { campaign: 'spring' },
      };
      if (mode === 'payment') params.line_items = [{ price: oneTime.id, quantity: 1 }];
      if (mode === 'subscription') params.line_items = [{ price: recurring().id, quantity: 2 }];
      if (mode === 'setup') params.currency = 'usd';
      const s = await b.post('/v1/checkout/sessions', params);
      if (fate === 'expired')
        b.tl.after(HOUR, async () => void (await b.post(`/v1/checkout/sessions/${s.id}/expire`, {})));
      if (fate === 'complete') b.tl.after(10 * 60, () => acts.completeCheckout(b, s.id));
    });
  });
}

function scheduleSchedules(
  b: Business,
  cat: Catalog,
  acts: StripeActs,
  card: () => Promise<CustomerRef>,
): void {
  const end = b.tl.end;
  const price = (i: number) => cat.monthly.usd![i]!.id;
  const phases = () => [
    { items: [{ price: price(0), quantity: 1 }], duration: { interval: 'month', interval_count: 2 } },
    { items: [{ price: price(1), quantity: 1 }], duration: { interval: 'month', interval_count: 12 } },
  ];
  // not_started: begins after the history ends.
  b.tl.at(end - 3 * DAY, async () => {
    const c = await card();
    await b.post('/v1/subscription_schedules', {
      customer: c.id,
      start_date: end + 14 * DAY,
      end_behavior: 'release',
      phases: phases(),
    });
  });
  // active: started 40 days ago, Stripe renews the subscription it created.
  b.tl.at(end - 40 * DAY, async () => {
    const c = await card();
    const s = await b.post('/v1/subscription_schedules', {
      customer: c.id,
      start_date: 'now',
      end_behavior: 'release',
      phases: phases(),
      metadata: { plan: 'ramp' },
    });
    const subId = typeof s.subscription === 'string' ? s.subscription : undefined;
    if (subId) scheduleRenewals(b, cat, acts, await b.get(`/v1/subscriptions/${subId}`), c, 0, 'month');
  });
  // released (the subscription carries on alone) and canceled.
  for (const fate of ['release', 'cancel'] as const) {
    b.tl.at(end - (fate === 'release' ? 22 : 16) * DAY, async () => {
      const c = await card();
      const sub = await subscribe(b, cat, acts, c, {
        noRenewals: true,
        items: [{ price: price(0), quantity: 1 }],
      });
      const s = await b.post('/v1/subscription_schedules', { from_subscription: sub.id });
      b.tl.after(2 * DAY, async () => void (await b.post(`/v1/subscription_schedules/${s.id}/${fate}`, {})));
    });
  }
}
