/**
 * `/v1/subscriptions` (docs.stripe.com/api/subscriptions). Creating one bills its first period at once: a
 * `subscription_create` invoice (zero during a trial) that is charged when `collection_method` is
 * `charge_automatically`, so the subscription starts `active` (paid), `incomplete` (declined, or
 * `payment_behavior=default_incomplete`) or `trialing`. The list hides canceled subscriptions unless
 * `status` is given ("If no value is supplied, all subscriptions that have not been canceled are
 * returned"; `status=all` shows everything, `ended` = canceled + incomplete_expired) and hides those on a
 * test clock unless `test_clock` or `customer` is given. Updates and the cancel/pause/resume actions are in
 * subscriptionUpdate.ts.
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FieldValue } from '../../collection.js';
import type { FormValue } from '../../formBody.js';
import type { ResourceDef, StripeObject } from '../../resource.js';
import { arr, bool, currency, int, metadata, obj, oneOf, str } from '../params.js';
import { parseDiscounts, spendOnce } from './discounts.js';
import { allowOnly, periodEnd, recurringOf } from './pricing.js';
import { nestedParam, rangeParam, taxRateObjects } from './shared.js';
import { assertDistinctPrices, buildItem } from './subscriptionItems.js';
import { billPeriod, withItemIndex } from './subscriptionLifecycle.js';
import {
  invoiceSettings,
  parseTrialEnd,
  SUBSCRIPTION_CREATE_PARAMS,
  subscriptionUpdate,
} from './subscriptionUpdate.js';

const DAY = 86400;
export const STATUSES = [
  'active',
  'all',
  'canceled',
  'ended',
  'incomplete',
  'incomplete_expired',
  'past_due',
  'paused',
  'trialing',
  'unpaid',
] as const;

function statusFilter(value: FormValue) {
  if (typeof value !== 'string' || !(STATUSES as readonly string[]).includes(value)) {
    throw invalidRequest(`Invalid status: must be one of ${STATUSES.join(', ')}`, 'status');
  }
  if (value === 'all') return undefined;
  if (value === 'ended')
    return (f: Record<string, FieldValue>) => f.status === 'canceled' || f.status === 'incomplete_expired';
  return (f: Record<string, FieldValue>) => f.status === value;
}

function priceFilter(param: string) {
  return {
    test(value: FormValue) {
      if (typeof value !== 'string') throw invalidRequest(`Invalid ${param}`, param);
      return (f: Record<string, FieldValue>) => String(f._prices ?? '').includes(` ${value} `);
    },
  };
}

export const subscriptions: ResourceDef = {
  name: 'subscriptions',
  object: 'subscription',
  idPrefix: 'sub',
  path: '/v1/subscriptions',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: [
    'status',
    'collection_method',
    'automatic_tax.enabled',
    'test_clock',
    'customer_account',
    '_prices',
    '_current_period_start',
    '_current_period_end',
  ],
  indexedFields: ['customer'],
  hiddenFields: ['_prices', '_current_period_start', '_current_period_end', '_creating', '_discounts'],
  listParams: {
    status: { test: statusFilter },
    customer: {},
    customer_account: {},
    price: priceFilter('price'),
    plan: priceFilter('plan'),
    collection_method: { enum: ['charge_automatically', 'send_invoice'] },
    automatic_tax: nestedParam('automatic_tax', { enabled: 'boolean' }),
    current_period_start: rangeParam('_current_period_start'),
    current_period_end: rangeParam('_current_period_end'),
    test_clock: {},
  },
  defaultListFilter: [
    { overriddenBy: ['status'], test: (f) => f.status !== 'canceled' },
    { overriddenBy: ['test_clock', 'customer'], test: (f) => f.test_clock === null },
  ],
  expandable: {
    customer: ['customers'],
    default_payment_method: ['payment_methods'],
    latest_invoice: ['invoices'],
    on_behalf_of: ['accounts'],
    pending_setup_intent: ['setup_intents'],
    schedule: ['subscription_schedules'],
    test_clock: ['test_clocks'],
  },
  embeds: [
    {
      field: 'items',
      child: 'subscription_items',
      parentField: 'subscription',
      url: '/v1/subscription_items?subscription=:id',
    },
  ],
  events: { created: 'customer.subscription.created', updated: 'customer.subscription.updated' },
  permission: 'subscriptions',

  create(ctx, params) {
    allowOnly(params, SUBSCRIPTION_CREATE_PARAMS);
    const customerId = str(params, 'customer');
    if (!customerId) throw parameterMissing('customer');
    const customer = ctx.require('customers', customerId, 'customer');
    const specs = arr(params, 'items');
    if (!specs || specs.length === 0) throw parameterMissing('items');
    if (specs.length > 20) throw invalidRequest('A subscription can have at most 20 items.', 'items');
    const collection =
      oneOf(params, 'collection_method', ['charge_automatically', 'send_invoice'] as const) ??
      'charge_automatically';
    const days = int(params, 'days_until_due', { min: 0 });
    if (collection === 'send_invoice' && days === undefined) throw parameterMissing('days_until_due');
    if (collection !== 'send_invoice' && days !== undefined) {
      throw invalidRequest(
        'days_until_due is only valid for subscriptions with collection_method=send_invoice.',
        'days_until_due',
      );
    }
    const id = ctx.newId('sub');
    const start = ctx.now;
    const cur = currency(params, 'currency') ?? (customer.currency as string | null) ?? undefined;
    // Items are built against a provisional period, then given the real one (it depends on their prices).
    const items = specs.map((spec, i) => {
      if (!spec || typeof spec !== 'object' || Array.isArray(spec))
        throw invalidRequest(`Invalid items[${i}]`, `items[${i}]`);
      allowOnly(
        spec,
        [
          'billing_thresholds',
          'discounts',
          'metadata',
          'plan',
          'price',
          'price_data',
          'quantity',
          'tax_rates',
          'current_trial',
        ],
        `items[${i}]`,
      );
      return buildItem(ctx, { id, currency: cur }, spec, `items[${i}]`, { start, end: start });
    });
    assertDistinctPrices(items);
    const prices = items.map((it) => it.price as StripeObject);
    const first = prices[0]!;
    const r = recurringOf(first);
    for (const p of prices) {
      const pr = recurringOf(p);
      if (p.currency !== first.currency)
        throw invalidRequest('Currency of all prices on a subscription must match.', 'items');
      if (pr.interval !== r.interval || pr.interval_count !== r.interval_count) {
        throw invalidRequest(
          'All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.',
          'items',
        );
      }
    }
    const trialEnd = parseTrialEnd(params, ctx.now);
    const trialDays = int(params, 'trial_period_days', { min: 0 });
    const fromPlan = bool(params, 'trial_from_plan')
      ? ((first.recurring as { trial_period_days?: number | null }).trial_period_days ?? undefined)
      : undefined;
    const trialUntil =
      trialEnd ?? (trialDays ? start + trialDays * DAY : fromPlan ? start + fromPlan * DAY : undefined);
    const trialing = trialUntil !== undefined && trialUntil > start;
    const fullEnd = periodEnd(start, r.interval, r.interval_count);
    // A future `billing_cycle_anchor` (within one period) cuts the first period short and prorates it.
    const anchor = int(params, 'billing_cycle_anchor');
    if (anchor !== undefined && (anchor <= start || anchor > fullEnd)) {
      throw invalidRequest(
        'billing_cycle_anchor must be in the future and within one billing period.',
        'billing_cycle_anchor',
      );
    }
    const period = { start, end: trialing ? trialUntil! : (anchor ?? fullEnd) };
    const fraction = !trialing && anchor !== undefined ? (anchor - start) / (fullEnd - start) : 1;
    for (const it of items) {
      it.current_period_start = period.start;
      it.current_period_end = period.end;
      ctx.insert('subscription_items', it);
    }
    const cancelAtPeriodEnd = bool(params, 'cancel_at_period_end') ?? false;
    const cancelAt = int(params, 'cancel_at');
    const discounts = parseDiscounts(ctx, params.discounts, 'discounts', customer.id) ?? [];
    const paymentBehavior =
      oneOf(params, 'payment_behavior', [
        'allow_incomplete',
        'default_incomplete',
        'error_if_incomplete',
        'pending_if_incomplete',
      ] as const) ?? 'allow_incomplete';
    // `items` is rendered from the subscription items: left out of the copy rather than deleted afterwards
    // (a `delete` makes the object, and every copy of it, a slow dictionary).
    const { items: _items, ...template } = ctx.template('subscription');
    void _items;
    const sub: StripeObject = Object.assign(template, {
      id,
      object: 'subscription',
      application: null,
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: trialing || anchor !== undefined ? period.end : start,
      billing_cycle_anchor_config: null,
      billing_mode: { flexible: null, type: 'classic' },
      billing_schedules: [],
      billing_thresholds: null,
      cancel_at: cancelAt ?? (cancelAtPeriodEnd ? period.end : null),
      cancel_at_period_end: cancelAtPeriodEnd,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
      collection_method: collection,
      created: ctx.now,
      currency: first.currency,
      customer: customer.id,
      customer_account: null,
      days_until_due: days ?? null,
      default_payment_method: str(params, 'default_payment_method') ?? null,
      default_source: null,
      default_tax_rates: taxRateObjects(ctx, params.default_tax_rates, 'default_tax_rates') ?? [],
      description: str(params, 'description') ?? null,
      discounts: discounts.map((d) => d.id),
      ended_at: null,
      invoice_settings: invoiceSettings(obj(params, 'invoice_settings')),
      latest_invoice: null,
      livemode: ctx.livemode,
      managed_payments: null,
      metadata: metadata(params),
      next_pending_invoice_item_invoice: null,
      on_behalf_of: null,
      pause_collection: null,
      payment_settings: {
        payment_method_options: null,
        payment_method_types: null,
        save_default_payment_method: 'off',
      },
      pending_invoice_item_interval: null,
      pending_setup_intent: null,
      pending_update: null,
      schedule: null,
      start_date: int(params, 'backdate_start_date') ?? start,
      status: trialing ? 'trialing' : 'incomplete',
      test_clock: customer.test_clock ?? null,
      transfer_data: null,
      trial_end: trialing ? trialUntil! : null,
      trial_settings: {
        end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' },
      },
      trial_start: trialing ? start : null,
      _creating: true,
      _discounts: discounts,
    });
    ctx.insert('subscriptions', withItemIndex(ctx, sub), { emit: false });
    // `add_invoice_items`: one-time charges that ride on the first invoice.
    const extra = arr(params, 'add_invoice_items') ?? [];
    extra.forEach((spec, i) => {
      if (!spec || typeof spec !== 'object' || Array.isArray(spec))
        throw invalidRequest(`Invalid add_invoice_items[${i}]`, `add_invoice_items[${i}]`);
      allowOnly(
        spec,
        ['discounts', 'metadata', 'period', 'price', 'price_data', 'quantity', 'tax_rates'],
        `add_invoice_items[${i}]`,
      );
      const { price, ...rest } = spec;
      ctx.create('invoice_items', {
        ...rest,
        ...(price !== undefined ? { pricing: { price } } : {}),
        customer: customer.id,
        subscription: id,
      });
    });
    const invoice = billPeriod(
      ctx,
      sub,
      {
        reason: 'subscription_create',
        period,
        trial: trialing,
        collect: paymentBehavior !== 'default_incomplete',
        discounts,
        fraction,
      },
      (inv) =>
        ctx.save(
          'subscriptions',
          { ...ctx.view('subscriptions', id)!, latest_invoice: inv.id },
          { emit: false },
        ),
    );
    // Pay-as-you-go starts `active` once its first invoice is paid or merely sent; a charge that
    // failed (or was not attempted) leaves it `incomplete` for 23 hours.
    const paid = invoice.status === 'paid' || collection === 'send_invoice';
    // Read-only view: the final version is a copy without `_creating`.
    const { _creating: _done, ...created } = ctx.view('subscriptions', id)!;
    void _done;
    const final: StripeObject = {
      ...created,
      status: trialing ? 'trialing' : paid ? 'active' : 'incomplete',
      _discounts: spendOnce(ctx, discounts),
    };
    const stored = withItemIndex(ctx, final);
    ctx.save('subscriptions', stored, { emit: false });
    ctx.emit('customer.subscription.created', stored);
    return stored;
  },

  update: subscriptionUpdate,
};
