/**
 * `/v1/subscription_schedules` (docs.stripe.com/api/subscription_schedules): phases of items over time.
 * A schedule starting now (or made `from_subscription`) is `active` and drives a subscription (whose
 * `schedule` points back); one starting later is `not_started`. Phase lengths come from `end_date` or
 * `duration` (the pinned API has no `iterations`). `cancel` ends the subscription too; `release` leaves
 * it running alone. Renewals move the subscription into the next phase's items, and past the last phase
 * the `end_behavior` applies (release → `released`, cancel → subscription canceled, schedule `completed`).
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { ActionDef, MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { arr, int, metadata, obj, oneOf, str } from '../params.js';
import { allowOnly } from './pricing.js';
import {
  defaultSettings,
  END_BEHAVIORS,
  type Phase,
  parsePhases,
  phaseItemsParams,
  phaseObject,
} from './schedulePhases.js';
import { cannot, rangeParam, transition } from './shared.js';
import { buildItem, itemsList, liveItems } from './subscriptionItems.js';
import { cancelSubscriptionNow, currentPeriod, saveSubscription } from './subscriptionLifecycle.js';

/** Start the schedule's subscription with the first phase's items. */
function startSubscription(ctx: MutationContext, schedule: StripeObject): string {
  const first = (schedule.phases as Phase[])[0]!;
  const settings = schedule.default_settings as { collection_method: string | null };
  const collection =
    (first.collection_method as string | null) ?? settings.collection_method ?? 'charge_automatically';
  const sub = ctx.create('subscriptions', {
    customer: String(schedule.customer),
    items: phaseItemsParams(first),
    collection_method: collection,
    ...(collection === 'send_invoice' ? { days_until_due: '30' } : {}),
  });
  saveSubscription(ctx, { ...ctx.get('subscriptions', sub.id)!, schedule: schedule.id });
  return sub.id;
}

function scheduleList(): ResourceDef['listParams'] {
  return {
    customer: {},
    customer_account: {},
    canceled_at: rangeParam('canceled_at'),
    completed_at: rangeParam('completed_at'),
    released_at: rangeParam('released_at'),
    scheduled: {
      test(value) {
        if (value !== 'true' && value !== 'false')
          throw invalidRequest(`Invalid boolean: ${String(value)}`, 'scheduled');
        return value === 'true' ? (f) => f.status === 'not_started' : (f) => f.status !== 'not_started';
      },
    },
  };
}

function releaseSchedule(ctx: MutationContext, schedule: StripeObject): StripeObject {
  if (schedule.status !== 'active' && schedule.status !== 'not_started') {
    throw cannot(
      `You cannot release a subscription schedule that is currently in the \`${String(schedule.status)}\` status.`,
      'schedule',
    );
  }
  const subId = schedule.subscription as string | null;
  if (subId) {
    const sub = ctx.get('subscriptions', subId);
    if (sub) saveSubscription(ctx, { ...sub, schedule: null });
  }
  const next: StripeObject = {
    ...schedule,
    current_phase: null,
    released_at: ctx.now,
    released_subscription: subId,
    status: 'released',
    subscription: null,
  };
  return transition(ctx, 'subscription_schedules', next, 'subscription_schedule.released');
}

function cancelSchedule(ctx: MutationContext, schedule: StripeObject, params: FormParams): StripeObject {
  allowOnly(params, ['invoice_now', 'prorate']);
  if (schedule.status !== 'active' && schedule.status !== 'not_started') {
    throw cannot(
      `You cannot cancel a subscription schedule that is currently in the \`${String(schedule.status)}\` status.`,
      'schedule',
    );
  }
  const subId = schedule.subscription as string | null;
  const sub = subId ? ctx.get('subscriptions', subId) : undefined;
  if (sub && sub.status !== 'canceled') cancelSubscriptionNow(ctx, sub, {});
  const next: StripeObject = { ...schedule, canceled_at: ctx.now, current_phase: null, status: 'canceled' };
  return transition(ctx, 'subscription_schedules', next, 'subscription_schedule.canceled');
}

/**
 * Called when a scheduled subscription reaches `at` (its period end): enter the phase that starts there,
 * or apply the end behavior past the last phase. Returns false when the subscription must not renew.
 */
export function advanceSchedule(ctx: MutationContext, sub: StripeObject, at: number): boolean {
  const schedule =
    typeof sub.schedule === 'string' ? ctx.get('subscription_schedules', sub.schedule) : undefined;
  if (schedule?.status !== 'active') return true;
  const phases = schedule.phases as Phase[];
  const next = phases.find((p) => Number(p.start_date) <= at && at < Number(p.end_date));
  if (!next) {
    if (schedule.end_behavior === 'cancel') {
      cancelSubscriptionNow(ctx, sub, { at });
      transition(
        ctx,
        'subscription_schedules',
        { ...schedule, completed_at: ctx.now, current_phase: null, status: 'completed' },
        'subscription_schedule.completed',
      );
      return false;
    }
    releaseSchedule(ctx, schedule);
    return true;
  }
  const current = schedule.current_phase as { start_date: number } | null;
  if (current && current.start_date === next.start_date) return true;
  // Enter the phase: the subscription's items become the phase's items.
  const prevItems = itemsList(ctx, sub.id);
  const period = currentPeriod(ctx, sub);
  const wanted = next.items as { price: string; quantity: number }[];
  for (const item of liveItems(ctx, sub.id)) ctx.remove('subscription_items', item.id);
  wanted.forEach((w, i) => {
    const spec = { price: w.price, quantity: String(w.quantity) };
    ctx.insert(
      'subscription_items',
      buildItem(ctx, { id: sub.id, currency: String(sub.currency) }, spec, `phases[${i}]`, period),
    );
  });
  saveSubscription(ctx, ctx.get('subscriptions', sub.id)!, prevItems);
  ctx.save('subscription_schedules', {
    ...schedule,
    current_phase: { end_date: next.end_date, start_date: next.start_date },
  });
  return true;
}

const ACTIONS: ActionDef[] = [
  { path: '/v1/subscription_schedules/:id/cancel', handle: cancelSchedule },
  {
    path: '/v1/subscription_schedules/:id/release',
    handle(ctx, current, params) {
      allowOnly(params, ['preserve_cancel_date']);
      return releaseSchedule(ctx, current);
    },
  },
];

export const subscriptionSchedules: ResourceDef = {
  name: 'subscription_schedules',
  object: 'subscription_schedule',
  idPrefix: 'sub_sched',
  path: '/v1/subscription_schedules',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: ['status', 'canceled_at', 'completed_at', 'released_at', 'customer_account'],
  indexedFields: ['customer'],
  listParams: scheduleList(),
  expandable: {
    customer: ['customers'],
    'default_settings.default_payment_method': ['payment_methods'],
    subscription: ['subscriptions'],
    test_clock: ['test_clocks'],
  },
  events: { created: 'subscription_schedule.created', updated: 'subscription_schedule.updated' },
  permission: 'subscriptions',
  actions: ACTIONS,

  create(ctx, params) {
    allowOnly(params, [
      'billing_mode',
      'customer',
      'customer_account',
      'default_settings',
      'end_behavior',
      'from_subscription',
      'metadata',
      'pause_schedules',
      'phases',
      'start_date',
    ]);
    const fromSub = str(params, 'from_subscription');
    const id = ctx.newId('sub_sched');
    const base = Object.assign(ctx.template('subscription_schedule'), {
      id,
      object: 'subscription_schedule',
      application: null,
      billing_mode: { flexible: null, type: 'classic' },
      canceled_at: null,
      completed_at: null,
      created: ctx.now,
      customer_account: null,
      livemode: ctx.livemode,
      metadata: metadata(params),
      pause_schedules: [],
      released_at: null,
      released_subscription: null,
    });
    if (fromSub) {
      if (params.phases !== undefined || params.customer !== undefined) {
        throw invalidRequest(
          'You cannot set `phases` or `customer` when `from_subscription` is set.',
          'from_subscription',
        );
      }
      const sub = ctx.require('subscriptions', fromSub, 'from_subscription');
      if (sub.schedule)
        throw invalidRequest(
          `The subscription ${sub.id} is already attached to a schedule.`,
          'from_subscription',
        );
      if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
        throw invalidRequest(
          'You cannot create a schedule from a canceled subscription.',
          'from_subscription',
        );
      const period = currentPeriod(ctx, sub);
      const items = liveItems(ctx, sub.id).map((it) => ({
        price: it.price as StripeObject,
        quantity: Number(it.quantity ?? 1),
        metadata: (it.metadata as Record<string, string>) ?? {},
      }));
      const schedule: StripeObject = {
        ...base,
        current_phase: { end_date: period.end, start_date: period.start },
        customer: sub.customer,
        default_settings: defaultSettings(String(sub.collection_method)),
        end_behavior: 'release',
        phases: [phaseObject(period.start, period.end, items, {})],
        status: 'active',
        subscription: sub.id,
        test_clock: sub.test_clock ?? null,
      };
      ctx.insert('subscription_schedules', schedule);
      saveSubscription(ctx, { ...sub, schedule: id });
      return schedule;
    }
    const customerId = str(params, 'customer');
    if (!customerId) throw parameterMissing('customer');
    const customer = ctx.require('customers', customerId, 'customer');
    const startRaw = str(params, 'start_date') ?? 'now';
    const start = startRaw === 'now' ? ctx.now : int(params, 'start_date')!;
    const phases = parsePhases(ctx, arr(params, 'phases') as FormParams[] | undefined, start);
    const settingsParam = obj(params, 'default_settings');
    const schedule: StripeObject = {
      ...base,
      current_phase: null,
      customer: customer.id,
      default_settings: defaultSettings(
        settingsParam
          ? (oneOf(settingsParam, 'collection_method', ['charge_automatically', 'send_invoice'] as const) ??
              null)
          : null,
      ),
      end_behavior: oneOf(params, 'end_behavior', END_BEHAVIORS) ?? 'release',
      phases,
      status: 'not_started',
      subscription: null,
      test_clock: customer.test_clock ?? null,
    };
    if (start > ctx.now) return ctx.insert('subscription_schedules', schedule);
    // Starting now: the schedule exists first (its subscription points at it), then it becomes active.
    ctx.insert('subscription_schedules', schedule, { emit: false });
    const subId = startSubscription(ctx, schedule);
    const active: StripeObject = {
      ...schedule,
      current_phase: { end_date: phases[0]!.end_date, start_date: phases[0]!.start_date },
      status: 'active',
      subscription: subId,
    };
    ctx.save('subscription_schedules', active, { emit: false });
    ctx.emit('subscription_schedule.created', active);
    return active;
  },

  update(ctx, current, params) {
    allowOnly(params, [
      'default_settings',
      'end_behavior',
      'metadata',
      'pause_schedules',
      'phases',
      'proration_behavior',
    ]);
    if (current.status !== 'active' && current.status !== 'not_started') {
      throw cannot(
        `You cannot update a subscription schedule that is currently in the \`${String(current.status)}\` status.`,
        'schedule',
      );
    }
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, (current.metadata as Record<string, string> | null) ?? {}),
    };
    const eb = oneOf(params, 'end_behavior', END_BEHAVIORS);
    if (eb) next.end_behavior = eb;
    const raw = arr(params, 'phases') as FormParams[] | undefined;
    if (raw) {
      const first = (current.phases as Phase[])[0];
      next.phases = parsePhases(ctx, raw, Number(first?.start_date ?? ctx.now));
      if (current.status === 'active') {
        const p0 = (next.phases as Phase[])[0]!;
        next.current_phase = { end_date: p0.end_date, start_date: p0.start_date };
      }
    }
    return next;
  },
};
