/**
 * Changing a subscription (docs.stripe.com/api/subscriptions/update): items are added
 * (`items[][price]`), changed (`items[][id]` + price/quantity) or removed (`deleted=true`); mid-period
 * changes of an active subscription are prorated (prorations.ts) unless `proration_behavior=none`, and
 * billed at once with `always_invoice`. `trial_end=now` ends a trial and bills; `cancel_at_period_end` /
 * `cancel_at` schedule the end; `pause_collection` pauses invoice collection. The cancel, pause and
 * resume actions are in subscriptionActions.ts.
 */
import { invalidRequest } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { MutationContext, StripeObject } from '../../resource.js';
import { arr, bool, int, metadata, nullableStr, obj, oneOf, str } from '../params.js';
import { activeDiscounts, type DiscountRef, parseDiscounts, spendOnce } from './discounts.js';
import { allowOnly, periodEnd, recurringOf } from './pricing.js';
import { type ItemChange, invoicePending, prorate } from './prorations.js';
import { cannot, taxRateObjects } from './shared.js';
import { assertDistinctPrices, buildItem, changeItem, itemsList, liveItems } from './subscriptionItems.js';
import { billPeriod, currentPeriod, saveSubscription } from './subscriptionLifecycle.js';

const COMMON_PARAMS = [
  'add_invoice_items',
  'application_fee_percent',
  'automatic_tax',
  'billing_cycle_anchor',
  'billing_schedules',
  'billing_thresholds',
  'cancel_at',
  'cancel_at_period_end',
  'collection_method',
  'days_until_due',
  'default_payment_method',
  'default_source',
  'default_tax_rates',
  'description',
  'discounts',
  'invoice_settings',
  'items',
  'metadata',
  'off_session',
  'on_behalf_of',
  'payment_behavior',
  'payment_settings',
  'pending_invoice_item_interval',
  'proration_behavior',
  'transfer_data',
  'trial_end',
  'trial_from_plan',
  'trial_settings',
];
export const SUBSCRIPTION_CREATE_PARAMS = [
  ...COMMON_PARAMS,
  'backdate_start_date',
  'billing_cycle_anchor_config',
  'billing_mode',
  'currency',
  'customer',
  'customer_account',
  'trial_period_days',
];
const UPDATE_PARAMS = [...COMMON_PARAMS, 'cancellation_details', 'pause_collection', 'proration_date'];

export function invoiceSettings(v: FormParams | undefined): Record<string, unknown> {
  return {
    account_tax_ids: null,
    custom_fields: null,
    description: v ? (str(v, 'description') ?? null) : null,
    footer: v ? (str(v, 'footer') ?? null) : null,
    issuer: { type: 'self' },
  };
}

/** `trial_end`: a timestamp in the future, or `now`. */
export function parseTrialEnd(params: FormParams, now: number): number | undefined {
  const v = str(params, 'trial_end');
  if (v === undefined) return undefined;
  if (v === 'now') return now;
  if (!/^\d+$/.test(v))
    throw invalidRequest(`Invalid trial_end: must be an integer Unix timestamp or 'now'`, 'trial_end');
  const t = Number(v);
  if (t <= now)
    throw invalidRequest('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
  return t;
}

function applyItems(ctx: MutationContext, sub: StripeObject, specs: FormParams[]): ItemChange[] {
  const changes: ItemChange[] = [];
  const live = liveItems(ctx, sub.id);
  const period = currentPeriod(ctx, sub);
  const next = new Map(live.map((it) => [it.id, it]));
  specs.forEach((spec, i) => {
    const p = `items[${i}]`;
    allowOnly(
      spec,
      [
        'billing_thresholds',
        'clear_usage',
        'current_trial',
        'deleted',
        'discounts',
        'id',
        'metadata',
        'plan',
        'price',
        'price_data',
        'quantity',
        'tax_rates',
      ],
      p,
    );
    const id = str(spec, 'id');
    if (id) {
      const current = next.get(id);
      if (!current) throw invalidRequest(`No such subscription item: '${id}'`, `${p}[id]`);
      if (bool(spec, 'deleted')) {
        next.delete(id);
        changes.push({ before: current, after: null });
        return;
      }
      const changed = changeItem(ctx, current, spec, p, String(sub.currency));
      next.set(id, changed);
      changes.push({ before: current, after: changed });
      return;
    }
    const added = buildItem(ctx, { id: sub.id, currency: String(sub.currency) }, spec, p, period);
    next.set(added.id, added);
    changes.push({ before: null, after: added });
  });
  const items = [...next.values()];
  if (items.length === 0) throw invalidRequest('A subscription must have at least one active plan.', 'items');
  assertDistinctPrices(items);
  const r = recurringOf(items[0]!.price as StripeObject);
  for (const it of items) {
    const pr = recurringOf(it.price as StripeObject);
    if (pr.interval !== r.interval || pr.interval_count !== r.interval_count) {
      throw invalidRequest(
        'All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.',
        'items',
      );
    }
  }
  for (const c of changes) {
    if (c.after && !c.before) ctx.insert('subscription_items', c.after);
    else if (c.after) ctx.save('subscription_items', c.after);
    else if (c.before) ctx.remove('subscription_items', c.before.id);
  }
  return changes;
}

export function subscriptionUpdate(
  ctx: MutationContext,
  current: StripeObject,
  params: FormParams,
): StripeObject {
  allowOnly(params, UPDATE_PARAMS);
  const ended = current.status === 'canceled' || current.status === 'incomplete_expired';
  if (ended) {
    const locked = Object.keys(params).find((k) => k !== 'metadata' && k !== 'cancellation_details');
    if (locked)
      throw cannot('A canceled subscription can only update its cancellation_details and metadata.', locked);
  }
  const prevItems = itemsList(ctx, current.id);
  let next: StripeObject = {
    ...current,
    metadata: metadata(params, current.metadata as Record<string, string>),
  };
  const set = (k: string, v: unknown) => {
    if (v !== undefined) next[k] = v;
  };
  set('description', nullableStr(params, 'description'));
  set('default_payment_method', nullableStr(params, 'default_payment_method'));
  const collection = oneOf(params, 'collection_method', ['charge_automatically', 'send_invoice'] as const);
  if (collection) {
    next.collection_method = collection;
    if (collection === 'charge_automatically') next.days_until_due = null;
  }
  const days = int(params, 'days_until_due', { min: 0 });
  if (days !== undefined) next.days_until_due = days;
  if (next.collection_method === 'send_invoice' && next.days_until_due === null) next.days_until_due = 30;
  const rates = taxRateObjects(ctx, params.default_tax_rates, 'default_tax_rates');
  if (rates) next.default_tax_rates = rates;
  const settings = obj(params, 'invoice_settings');
  if (settings)
    next.invoice_settings = { ...(current.invoice_settings as object), ...invoiceSettings(settings) };
  const cd = obj(params, 'cancellation_details');
  if (cd) {
    allowOnly(cd, ['comment', 'feedback'], 'cancellation_details');
    const details = { ...(current.cancellation_details as Record<string, unknown>) };
    const comment = nullableStr(cd, 'comment');
    if (comment !== undefined) details.comment = comment;
    const feedback = nullableStr(cd, 'feedback');
    if (feedback !== undefined) details.feedback = feedback;
    next.cancellation_details = details;
  }
  const discounts = parseDiscounts(ctx, params.discounts, 'discounts', String(current.customer));
  if (discounts) {
    next._discounts = discounts;
    next.discounts = discounts.map((d) => d.id);
  }
  const period = currentPeriod(ctx, current);
  const cape = bool(params, 'cancel_at_period_end');
  if (cape !== undefined) {
    next.cancel_at_period_end = cape;
    next.cancel_at = cape ? period.end : null;
  }
  if (params.cancel_at !== undefined) {
    const v = str(params, 'cancel_at');
    next.cancel_at =
      v === ''
        ? null
        : v === 'min_period_end' || v === 'max_period_end'
          ? period.end
          : int(params, 'cancel_at')!;
    next.cancel_at_period_end = next.cancel_at === period.end;
  }
  if (params.pause_collection !== undefined) {
    const pc = obj(params, 'pause_collection');
    if (!pc) next.pause_collection = null;
    else {
      allowOnly(pc, ['behavior', 'resumes_at'], 'pause_collection');
      const behavior = oneOf(pc, 'behavior', ['keep_as_draft', 'mark_uncollectible', 'void'] as const);
      if (!behavior)
        throw invalidRequest(
          'Missing required param: pause_collection[behavior].',
          'pause_collection[behavior]',
          'parameter_missing',
        );
      next.pause_collection = { behavior, resumes_at: int(pc, 'resumes_at') ?? null };
    }
  }

  const specs = arr(params, 'items') as FormParams[] | undefined;
  const behavior =
    oneOf(params, 'proration_behavior', ['always_invoice', 'create_prorations', 'none'] as const) ??
    'create_prorations';
  if (specs) {
    const changes = applyItems(ctx, next, specs);
    if (behavior !== 'none' && next.status === 'active') prorate(ctx, next, changes);
  }

  const trialEnd = parseTrialEnd(params, ctx.now);
  if (trialEnd !== undefined && trialEnd > ctx.now && next.status === 'trialing') {
    // A later trial end moves the (trial) period end with it.
    next.trial_end = trialEnd;
    for (const it of liveItems(ctx, next.id))
      ctx.save('subscription_items', { ...it, current_period_end: trialEnd });
  }
  // `trial_end=now` ends a trial, `billing_cycle_anchor=now` restarts the cycle: a new period starts now
  // and is billed at once (the unused rest of a paid period is credited unless proration_behavior=none).
  const endTrial = trialEnd === ctx.now && next.status === 'trialing';
  const anchorNow = oneOf(params, 'billing_cycle_anchor', ['now', 'unchanged'] as const) === 'now';
  const restart = endTrial || (anchorNow && (next.status === 'active' || next.status === 'past_due'));
  if (restart) {
    const items = liveItems(ctx, next.id);
    if (!endTrial && behavior !== 'none')
      prorate(
        ctx,
        next,
        items.map((it) => ({ before: it, after: null })),
      );
    const r = recurringOf(items[0]!.price as StripeObject);
    const end = periodEnd(ctx.now, r.interval, r.interval_count);
    for (const it of items)
      ctx.save('subscription_items', { ...it, current_period_start: ctx.now, current_period_end: end });
    if (endTrial) {
      next.trial_end = ctx.now;
      next.status = 'active';
    }
    next.billing_cycle_anchor = ctx.now;
  }

  next = saveSubscription(ctx, next, prevItems);
  if (restart) {
    const refs = activeDiscounts(next._discounts as DiscountRef[] | undefined, ctx.now);
    billPeriod(
      ctx,
      next,
      { reason: 'subscription_update', period: currentPeriod(ctx, next), trial: false, discounts: refs },
      (i) => {
        next = saveSubscription(ctx, {
          ...ctx.get('subscriptions', next.id)!,
          latest_invoice: i.id,
          _discounts: spendOnce(ctx, (next._discounts as DiscountRef[]) ?? []),
        });
      },
    );
  } else if (specs && behavior === 'always_invoice') {
    const inv = invoicePending(ctx, next, 'subscription_update');
    if (inv) next = saveSubscription(ctx, { ...ctx.get('subscriptions', next.id)!, latest_invoice: inv.id });
  }
  return ctx.get('subscriptions', next.id) ?? next;
}
