import { describe, expect, it } from 'vitest';
import {
  renewSubscription,
  type SubscriptionStatus,
  setSubscriptionStatus,
} from '../../../../../src/emulator/resources/billing.js';
import { customer, DAY, hasPayments, monthly, type Obj, setup } from './helpers.js';

describe('creating subscriptions', () => {
  it('bills the first period at once: paid invoice, active, events in order', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api, 2000);
    const sub = await api.post('/v1/subscriptions', {
      customer: c.id,
      items: [{ price: price.id, quantity: 2 }],
      metadata: { source: 'web' },
    });
    expect(sub).toMatchObject({
      object: 'subscription',
      status: 'active',
      customer: c.id,
      currency: 'usd',
      collection_method: 'charge_automatically',
      metadata: { source: 'web' },
    });
    expect(sub.id).toMatch(/^sub_/);
    const item = sub.items.data[0];
    expect(sub.items).toMatchObject({
      object: 'list',
      has_more: false,
      url: `/v1/subscription_items?subscription=${sub.id}`,
    });
    expect(item).toMatchObject({
      object: 'subscription_item',
      quantity: 2,
      subscription: sub.id,
      price: { id: price.id },
      plan: { id: price.id, object: 'plan', amount: 2000 },
    });
    expect(item.current_period_end - item.current_period_start).toBe(30 * DAY); // 2023-11-14 → 2023-12-14
    const inv = await api.get(`/v1/invoices/${sub.latest_invoice}`);
    expect(inv).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_create',
      total: 4000,
      amount_paid: 4000,
      parent: { type: 'subscription_details', subscription_details: { subscription: sub.id } },
    });
    expect(inv.lines.data[0]).toMatchObject({
      description: '2 × Plan 2000 (at $20.00 / month)',
      parent: {
        type: 'subscription_item_details',
        subscription_item_details: { subscription_item: item.id },
      },
    });
    const types = await api.eventTypes('customer.subscription');
    expect(types).toEqual(['customer.subscription.created']);
    const created = (await api.events('customer.subscription.created'))[0]!;
    expect(created.data.object).toMatchObject({
      status: 'active',
      latest_invoice: inv.id,
      items: { data: [{ id: item.id }] },
    });
    expect(created.data.object._prices).toBeUndefined();
    if (hasPayments(emu)) expect(await api.eventTypes('charge.succeeded')).toEqual(['charge.succeeded']);
  });

  it('starts trials with a zero invoice, sends invoices, and leaves unpaid starts incomplete', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api);
    const trial = await api.post('/v1/subscriptions', {
      customer: c.id,
      items: [{ price: price.id }],
      trial_period_days: 14,
    });
    expect(trial).toMatchObject({
      status: 'trialing',
      trial_start: trial.created,
      trial_end: trial.created + 14 * DAY,
    });
    expect(await api.get(`/v1/invoices/${trial.latest_invoice}`)).toMatchObject({ total: 0, status: 'paid' });
    const sent = await api.post('/v1/subscriptions', {
      customer: c.id,
      items: [{ price: price.id }],
      collection_method: 'send_invoice',
      days_until_due: 30,
    });
    expect(sent.status).toBe('active');
    expect(await api.get(`/v1/invoices/${sent.latest_invoice}`)).toMatchObject({
      status: 'open',
      due_date: sent.created + 30 * DAY,
    });
    const pending = await api.post('/v1/subscriptions', {
      customer: c.id,
      items: [{ price: price.id }],
      payment_behavior: 'default_incomplete',
    });
    expect(pending.status).toBe('incomplete');
    expect((await api.get(`/v1/invoices/${pending.latest_invoice}`)).status).toBe('open');
    if (hasPayments(emu)) {
      const declined = await api.post('/v1/subscriptions', {
        customer: c.id,
        items: [{ price: price.id }],
        default_payment_method: 'pm_card_chargeDeclined',
      });
      expect(declined.status).toBe('incomplete');
    }
    expect(
      (
        await api.fails('POST', '/v1/subscriptions', {
          customer: c.id,
          items: [{ price: price.id }],
          collection_method: 'send_invoice',
        })
      ).error.param,
    ).toBe('days_until_due');
    const once = await api.post('/v1/prices', { product: price.product, currency: 'usd', unit_amount: 5 });
    expect(
      (await api.fails('POST', '/v1/subscriptions', { customer: c.id, items: [{ price: once.id }] })).error
        .param,
    ).toBe('items[0][price]');
  });

  it('uses inline price_data, add_invoice_items and discounts', async () => {
    const { api } = setup();
    const c = await customer(api);
    const { product } = await monthly(api);
    const coupon = await api.post('/v1/coupons', { amount_off: 500, currency: 'usd', duration: 'once' });
    const sub = await api.post('/v1/subscriptions', {
      customer: c.id,
      items: [
        {
          price_data: {
            currency: 'usd',
            product: product.id,
            unit_amount: 1600,
            recurring: { interval: 'month' },
          },
        },
      ],
      add_invoice_items: [{ price_data: { currency: 'usd', product: product.id, unit_amount: 900 } }],
      discounts: [{ coupon: coupon.id }],
    });
    const inv = await api.get(`/v1/invoices/${sub.latest_invoice}`);
    expect(inv).toMatchObject({ subtotal: 2500, total: 2000 });
    expect(sub.discounts).toHaveLength(1);
    expect(await api.ids('/v1/prices', { product: product.id })).toHaveLength(1); // inline prices are not listed
  });
});

describe('subscription items', () => {
  it('requires `subscription` to list; embeds 10 with has_more and a working url', async () => {
    const { api } = setup();
    const c = await customer(api);
    const product = await api.post('/v1/products', { name: 'Add-ons' });
    const prices: Obj[] = [];
    for (let i = 0; i < 12; i++)
      prices.push(
        await api.post('/v1/prices', {
          product: product.id,
          currency: 'usd',
          unit_amount: 100 + i,
          recurring: { interval: 'month' },
        }),
      );
    const sub = await api.post('/v1/subscriptions', {
      customer: c.id,
      items: prices.map((p) => ({ price: p.id })),
    });
    expect(sub.items.data).toHaveLength(10);
    expect(sub.items.has_more).toBe(true);
    const url = new URL(sub.items.url, 'http://x');
    expect(await api.ids(url.pathname, Object.fromEntries(url.searchParams))).toHaveLength(12);
    const err = await api.fails('GET', '/v1/subscription_items');
    expect(err.status).toBe(400);
    expect(err.error).toMatchObject({ code: 'parameter_missing', param: 'subscription' });
    expect(await api.ids('/v1/subscriptions', { price: prices[5]!.id })).toEqual([sub.id]);
    expect(await api.ids('/v1/subscriptions', { plan: prices[5]!.id })).toEqual([sub.id]);
  });

  it('adds, changes and removes items, announced as customer.subscription.updated with the old items', async () => {
    const { api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api, 1000);
    const { price: other } = await monthly(api, 3000);
    const sub = await api.post('/v1/subscriptions', { customer: c.id, items: [{ price: price.id }] });
    const added = await api.post('/v1/subscription_items', {
      subscription: sub.id,
      price: other.id,
      quantity: 2,
      proration_behavior: 'none',
    });
    expect(added.id).toMatch(/^si_[A-Za-z0-9]{14}$/);
    const up = (await api.events('customer.subscription.updated')).at(-1)!;
    expect(up.data.previous_attributes.items.data.map((i: Obj) => i.id)).toEqual([sub.items.data[0].id]);
    expect(up.data.object.items.data.map((i: Obj) => i.id)).toEqual([added.id, sub.items.data[0].id]);
    await api.post(`/v1/subscription_items/${added.id}`, { quantity: 5 });
    expect((await api.get(`/v1/subscription_items/${added.id}`)).quantity).toBe(5);
    expect(
      (await api.fails('POST', '/v1/subscription_items', { subscription: sub.id, price: other.id })).status,
    ).toBe(400);
    expect(await api.del(`/v1/subscription_items/${added.id}`)).toEqual({
      id: added.id,
      object: 'subscription_item',
      deleted: true,
    });
    expect((await api.fails('DELETE', `/v1/subscription_items/${sub.items.data[0].id}`)).status).toBe(400);
    expect(await api.eventTypes('customer.subscription')).toEqual([
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.updated',
      'customer.subscription.updated',
    ]);
    expect(await api.eventTypes('subscription_item')).toEqual([]);
  });
});

describe('updating and canceling', () => {
  it('prorates a mid-period upgrade into pending invoice items billed on renewal', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api, 3000);
    const sub = await api.post('/v1/subscriptions', { customer: c.id, items: [{ price: price.id }] });
    emu.clock.advance(15 * DAY); // halfway through a 30-day period
    const item = sub.items.data[0];
    const updated = await api.post(`/v1/subscriptions/${sub.id}`, {
      items: [{ id: item.id, quantity: 3 }],
      metadata: { plan: 'team' },
    });
    expect(updated.items.data[0].quantity).toBe(3);
    const prorations = (await api.get('/v1/invoiceitems', { customer: c.id, pending: 'true' })).data as Obj[];
    expect(prorations.map((p) => p.amount).sort((a, b) => a - b)).toEqual([-1500, 4500]);
    expect(
      prorations.every((p) => p.proration === true && p.parent.subscription_details.subscription === sub.id),
    ).toBe(true);
    const ev = (await api.events('customer.subscription.updated')).at(-1)!;
    expect(Object.keys(ev.data.previous_attributes).sort()).toEqual(['items', 'metadata']);
    emu.clock.advance(15 * DAY);
    const renewed = renewSubscription(api.ctx(), sub.id)!;
    const inv = await api.get(`/v1/invoices/${renewed.latest_invoice}`);
    expect(inv).toMatchObject({ billing_reason: 'subscription_cycle', subtotal: 9000 + 3000 });
    expect(await api.ids('/v1/invoiceitems', { pending: 'true' })).toEqual([]);
  });

  it('prorates a first period cut short by billing_cycle_anchor, and restarts the cycle with anchor=now', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api, 3000);
    const anchor = emu.clock.now() + 10 * DAY; // a third of the 30-day period from 2023-11-14
    const sub = await api.post('/v1/subscriptions', {
      customer: c.id,
      items: [{ price: price.id }],
      billing_cycle_anchor: anchor,
    });
    expect(sub).toMatchObject({
      billing_cycle_anchor: anchor,
      items: { data: [{ current_period_end: anchor }] },
    });
    expect((await api.get(`/v1/invoices/${sub.latest_invoice}`)).total).toBe(1000);
    emu.clock.advance(5 * DAY);
    const restarted = await api.post(`/v1/subscriptions/${sub.id}`, { billing_cycle_anchor: 'now' });
    expect(restarted.billing_cycle_anchor).toBe(emu.clock.now());
    expect(restarted.items.data[0].current_period_start).toBe(emu.clock.now());
    // Half of the 10-day first period was unused: −1500 credit, then a full new month of 3000.
    const inv = await api.get(`/v1/invoices/${restarted.latest_invoice}`);
    expect(inv).toMatchObject({ billing_reason: 'subscription_update', total: 1500 });
  });

  it('schedules the end with cancel_at_period_end, pauses collection, and cancels with DELETE', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api);
    const sub = await api.post('/v1/subscriptions', { customer: c.id, items: [{ price: price.id }] });
    const end = sub.items.data[0].current_period_end;
    const scheduled = await api.post(`/v1/subscriptions/${sub.id}`, { cancel_at_period_end: 'true' });
    expect(scheduled).toMatchObject({ cancel_at_period_end: true, cancel_at: end, status: 'active' });
    const paused = await api.post(`/v1/subscriptions/${sub.id}`, { pause_collection: { behavior: 'void' } });
    expect(paused.pause_collection).toEqual({ behavior: 'void', resumes_at: null });
    emu.clock.freeze(end);
    const ended = renewSubscription(api.ctx(), sub.id)!;
    expect(ended).toMatchObject({ status: 'canceled', ended_at: end });
    const other = await api.post('/v1/subscriptions', { customer: c.id, items: [{ price: price.id }] });
    const canceled = await api.del(`/v1/subscriptions/${other.id}`, {
      cancellation_details: { comment: 'Too pricey', feedback: 'too_expensive' },
    });
    expect(canceled).toMatchObject({
      id: other.id,
      object: 'subscription',
      status: 'canceled',
      canceled_at: end,
      cancellation_details: {
        comment: 'Too pricey',
        feedback: 'too_expensive',
        reason: 'cancellation_requested',
      },
    });
    expect(await api.get(`/v1/subscriptions/${other.id}`)).toMatchObject({ status: 'canceled' });
    expect((await api.fails('DELETE', `/v1/subscriptions/${other.id}`)).status).toBe(400);
    expect(
      (await api.fails('POST', `/v1/subscriptions/${other.id}`, { items: [{ price: price.id }] })).status,
    ).toBe(400);
    const meta = await api.post(`/v1/subscriptions/${other.id}`, { metadata: { note: 'kept' } });
    expect(meta.metadata).toEqual({ note: 'kept' });
    expect(await api.eventTypes('customer.subscription.deleted')).toEqual([
      'customer.subscription.deleted',
      'customer.subscription.deleted',
    ]);
  });

  it('pauses and resumes through the API with their events', async () => {
    const { api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api);
    const sub = await api.post('/v1/subscriptions', { customer: c.id, items: [{ price: price.id }] });
    expect((await api.post(`/v1/subscriptions/${sub.id}/pause`)).status).toBe('paused');
    const resumed = await api.post(`/v1/subscriptions/${sub.id}/resume`, { billing_cycle_anchor: 'now' });
    expect(resumed.status).toBe('active');
    expect(resumed.latest_invoice).not.toBe(sub.latest_invoice);
    expect(await api.eventTypes('customer.subscription.')).toEqual(
      expect.arrayContaining(['customer.subscription.paused', 'customer.subscription.resumed']),
    );
  });

  it('ends a trial with trial_end=now and bills', async () => {
    const { api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api, 1200);
    const sub = await api.post('/v1/subscriptions', {
      customer: c.id,
      items: [{ price: price.id }],
      trial_period_days: 7,
    });
    const now = await api.post(`/v1/subscriptions/${sub.id}`, { trial_end: 'now' });
    expect(now).toMatchObject({ status: 'active', trial_end: sub.created });
    expect(await api.get(`/v1/invoices/${now.latest_invoice}`)).toMatchObject({
      billing_reason: 'subscription_update',
      total: 1200,
      status: 'paid',
    });
  });
});

describe('listing subscriptions', () => {
  it('hides canceled unless status is given; status=all and ended; hides test clocks unless customer/test_clock', async () => {
    const { api } = setup();
    const c = await customer(api);
    const clocked = await customer(api, { test_clock: 'clock_abc' });
    const { price } = await monthly(api);
    const live = await api.post('/v1/subscriptions', { customer: c.id, items: [{ price: price.id }] });
    const gone = await api.post('/v1/subscriptions', { customer: c.id, items: [{ price: price.id }] });
    await api.del(`/v1/subscriptions/${gone.id}`);
    const expired = await api.post('/v1/subscriptions', {
      customer: c.id,
      items: [{ price: price.id }],
      payment_behavior: 'default_incomplete',
    });
    setSubscriptionStatus(api.ctx(), expired.id, 'incomplete_expired');
    const onClock = await api.post('/v1/subscriptions', {
      customer: clocked.id,
      items: [{ price: price.id }],
    });
    expect(onClock.test_clock).toBe('clock_abc');
    expect(await api.ids('/v1/subscriptions')).toEqual([expired.id, live.id]);
    expect(await api.ids('/v1/subscriptions', { status: 'all' })).toEqual([expired.id, gone.id, live.id]);
    expect(await api.ids('/v1/subscriptions', { status: 'canceled' })).toEqual([gone.id]);
    expect(await api.ids('/v1/subscriptions', { status: 'ended' })).toEqual([expired.id, gone.id]);
    expect(await api.ids('/v1/subscriptions', { customer: clocked.id })).toEqual([onClock.id]);
    expect(await api.ids('/v1/subscriptions', { test_clock: 'clock_abc' })).toEqual([onClock.id]);
    const end = live.items.data[0].current_period_end;
    expect(
      await api.ids('/v1/subscriptions', { status: 'all', current_period_end: { gte: end } }),
    ).toHaveLength(3);
    expect(await api.ids('/v1/subscriptions', { current_period_end: { gt: end } })).toEqual([]);
    expect((await api.fails('GET', '/v1/subscriptions', { status: 'gone' })).error.param).toBe('status');
  });
});

describe('emulator-only helpers for the seed generator', () => {
  it('renews period after period with an invoice each; a failed renewal makes it past_due until paid', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api, 2500);
    const sub = await api.post('/v1/subscriptions', { customer: c.id, items: [{ price: price.id }] });
    let end = sub.items.data[0].current_period_end as number;
    for (let i = 0; i < 3; i++) {
      emu.clock.freeze(end);
      const renewed = renewSubscription(api.ctx(), sub.id)!;
      const got = await api.get(`/v1/subscriptions/${sub.id}`);
      expect(got.items.data[0].current_period_start).toBe(end);
      expect(renewed.status).toBe('active');
      end = got.items.data[0].current_period_end;
    }
    expect(await api.ids('/v1/invoices', { subscription: sub.id })).toHaveLength(4);
    const cycle = (await api.events('customer.subscription.updated')).at(-1)!;
    expect(Object.keys(cycle.data.previous_attributes).sort()).toEqual(['items', 'latest_invoice']);
    emu.clock.freeze(end);
    const failed = renewSubscription(api.ctx(), sub.id, { fail: true })!;
    expect(failed.status).toBe('past_due');
    const open = await api.get(`/v1/invoices/${failed.latest_invoice}`);
    expect(open).toMatchObject({ status: 'open', attempt_count: 1, billing_reason: 'subscription_cycle' });
    await api.post(`/v1/invoices/${open.id}/pay`, { payment_method: 'pm_card_visa' });
    expect((await api.get(`/v1/subscriptions/${sub.id}`)).status).toBe('active');
  });

  it('reaches every status with coherent events', async () => {
    const { api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api);
    const statuses: SubscriptionStatus[] = ['past_due', 'unpaid', 'paused', 'active', 'canceled'];
    const sub = await api.post('/v1/subscriptions', { customer: c.id, items: [{ price: price.id }] });
    for (const s of statuses) {
      setSubscriptionStatus(api.ctx(), sub.id, s);
      expect((await api.get(`/v1/subscriptions/${sub.id}`)).status).toBe(s);
    }
    expect(await api.eventTypes('customer.subscription.')).toEqual([
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.updated',
      'customer.subscription.updated',
      'customer.subscription.paused',
      'customer.subscription.updated',
      'customer.subscription.resumed',
      'customer.subscription.deleted',
    ]);
    expect(() => setSubscriptionStatus(api.ctx(), sub.id, 'active')).toThrow(/ended/);
    const inc = await api.post('/v1/subscriptions', {
      customer: c.id,
      items: [{ price: price.id }],
      payment_behavior: 'default_incomplete',
    });
    setSubscriptionStatus(api.ctx(), inc.id, 'incomplete_expired');
    expect(await api.get(`/v1/invoices/${inc.latest_invoice}`)).toMatchObject({ status: 'void' });
    const trial = await api.post('/v1/subscriptions', {
      customer: c.id,
      items: [{ price: price.id }],
      trial_period_days: 3,
    });
    expect(trial.status).toBe('trialing');
  });
});

describe('subscription schedules', () => {
  it('starts now with a subscription, moves through phases on renewal, and completes by canceling', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api, 1000);
    const sched = await api.post('/v1/subscription_schedules', {
      customer: c.id,
      start_date: 'now',
      end_behavior: 'cancel',
      phases: [
        { items: [{ price: price.id, quantity: 1 }], duration: { interval: 'month', interval_count: 1 } },
        { items: [{ price: price.id, quantity: 4 }], duration: { interval: 'month', interval_count: 1 } },
      ],
    });
    expect(sched).toMatchObject({
      object: 'subscription_schedule',
      status: 'active',
      current_phase: { start_date: sched.created },
    });
    expect(sched.id).toMatch(/^sub_sched_/);
    const sub = await api.get(`/v1/subscriptions/${sched.subscription}`);
    expect(sub.schedule).toBe(sched.id);
    emu.clock.freeze(sub.items.data[0].current_period_end);
    renewSubscription(api.ctx(), sub.id);
    const phase2 = await api.get(`/v1/subscriptions/${sub.id}`);
    expect(phase2.items.data[0].quantity).toBe(4);
    expect((await api.get(`/v1/invoices/${phase2.latest_invoice}`)).total).toBe(4000);
    expect(await api.eventTypes('subscription_schedule.')).toEqual([
      'subscription_schedule.created',
      'subscription_schedule.updated',
    ]);
    emu.clock.freeze(phase2.items.data[0].current_period_end);
    renewSubscription(api.ctx(), sub.id);
    expect((await api.get(`/v1/subscriptions/${sub.id}`)).status).toBe('canceled');
    expect(await api.get(`/v1/subscription_schedules/${sched.id}`)).toMatchObject({
      status: 'completed',
      completed_at: expect.any(Number),
    });
    // Events older than 30 days are no longer listed; the last month saw the completion.
    expect(await api.eventTypes('subscription_schedule.')).toEqual([
      'subscription_schedule.updated',
      'subscription_schedule.completed',
    ]);
  });

  it('creates future schedules and from_subscription; releases and cancels; filters', async () => {
    const { emu, api } = setup();
    const c = await customer(api);
    const { price } = await monthly(api);
    const future = await api.post('/v1/subscription_schedules', {
      customer: c.id,
      start_date: emu.clock.now() + 10 * DAY,
      phases: [{ items: [{ price: price.id }], end_date: emu.clock.now() + 40 * DAY }],
    });
    expect(future).toMatchObject({ status: 'not_started', subscription: null });
    const sub = await api.post('/v1/subscriptions', { customer: c.id, items: [{ price: price.id }] });
    const from = await api.post('/v1/subscription_schedules', { from_subscription: sub.id });
    expect(from).toMatchObject({
      status: 'active',
      subscription: sub.id,
      phases: [{ items: [{ price: price.id, quantity: 1 }] }],
    });
    expect(await api.ids('/v1/subscription_schedules', { scheduled: 'true' })).toEqual([future.id]);
    const released = await api.post(`/v1/subscription_schedules/${from.id}/release`);
    expect(released).toMatchObject({ status: 'released', released_subscription: sub.id, subscription: null });
    expect((await api.get(`/v1/subscriptions/${sub.id}`)).schedule).toBeNull();
    const canceled = await api.post(`/v1/subscription_schedules/${future.id}/cancel`);
    expect(canceled).toMatchObject({ status: 'canceled', canceled_at: expect.any(Number) });
    expect(await api.ids('/v1/subscription_schedules', { canceled_at: { gt: 0 } })).toEqual([future.id]);
    expect(await api.ids('/v1/subscription_schedules', { customer: c.id })).toEqual([from.id, future.id]);
    expect(await api.eventTypes('subscription_schedule.')).toEqual([
      'subscription_schedule.created',
      'subscription_schedule.created',
      'subscription_schedule.updated',
      'subscription_schedule.released',
      'subscription_schedule.updated',
      'subscription_schedule.canceled',
    ]);
    // The pinned API replaced `iterations` with `duration`.
    const legacy = await api.fails('POST', '/v1/subscription_schedules', {
      customer: c.id,
      phases: [{ items: [{ price: price.id }], iterations: 2 }],
    });
    expect(legacy.error).toMatchObject({ code: 'parameter_unknown', param: 'phases[0][iterations]' });
  });
});
