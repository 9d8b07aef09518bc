/**
 * Subscription schedule phases (docs.stripe.com/api/subscription_schedules/object#phases): each phase is
 * a set of items over a stretch of time, laid end to end. A phase's length is its `end_date`, or its
 * `duration` (the pinned API has no `iterations`), or else one billing period of its first price.
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { MutationContext, StripeObject } from '../../resource.js';
import { arr, int, metadata, obj, oneOf, str } from '../params.js';
import { allowOnly, periodEnd, recurringOf, resolvePrice } from './pricing.js';

const PHASE_PARAMS = [
  'add_invoice_items',
  'application_fee_percent',
  'automatic_tax',
  'billing_cycle_anchor',
  'billing_thresholds',
  'collection_method',
  'currency',
  'default_payment_method',
  'default_tax_rates',
  'description',
  'discounts',
  'duration',
  'end_date',
  'invoice_settings',
  'items',
  'metadata',
  'on_behalf_of',
  'proration_behavior',
  'transfer_data',
  'trial',
  'trial_end',
];
export const END_BEHAVIORS = ['cancel', 'none', 'release', 'renew'] as const;

export function defaultSettings(collection: string | null): Record<string, unknown> {
  return {
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: 'automatic',
    billing_thresholds: null,
    collection_method: collection,
    default_payment_method: null,
    description: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      days_until_due: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    on_behalf_of: null,
    transfer_data: null,
  };
}

export interface PhaseItem {
  price: StripeObject;
  quantity: number;
  metadata: Record<string, string>;
}

export type Phase = Record<string, unknown> & { start_date: number; end_date: number };

export function phaseObject(start: number, end: number, items: PhaseItem[], spec: FormParams): Phase {
  return {
    add_invoice_items: [],
    application_fee_percent: null,
    billing_cycle_anchor: null,
    billing_thresholds: null,
    collection_method:
      oneOf(spec, 'collection_method', ['charge_automatically', 'send_invoice'] as const) ?? null,
    currency: String(items[0]!.price.currency),
    default_payment_method: str(spec, 'default_payment_method') ?? null,
    default_tax_rates: [],
    description: str(spec, 'description') ?? null,
    discounts: [],
    end_date: end,
    invoice_settings: null,
    items: items.map((it) => ({
      billing_thresholds: null,
      discounts: [],
      metadata: it.metadata,
      plan: it.price.id,
      price: it.price.id,
      quantity: it.quantity,
      tax_rates: [],
    })),
    metadata: metadata(spec),
    on_behalf_of: null,
    proration_behavior:
      oneOf(spec, 'proration_behavior', ['always_invoice', 'create_prorations', 'none'] as const) ??
      'create_prorations',
    start_date: start,
    transfer_data: null,
    trial_end: int(spec, 'trial_end') ?? null,
  };
}

/** Parse `phases[]` into phase objects laid end to end from `start`. */
export function parsePhases(ctx: MutationContext, raw: FormParams[] | undefined, start: number): Phase[] {
  if (!raw || raw.length === 0) throw parameterMissing('phases');
  let at = start;
  return raw.map((spec, i) => {
    const p = `phases[${i}]`;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw invalidRequest(`Invalid ${p}`, p);
    allowOnly(spec, PHASE_PARAMS, p);
    const itemSpecs = arr(spec, 'items') as FormParams[] | undefined;
    if (!itemSpecs?.length) throw parameterMissing(`${p}[items]`);
    const items = itemSpecs.map((is, j) => {
      allowOnly(
        is,
        [
          'billing_thresholds',
          'discounts',
          'metadata',
          'plan',
          'price',
          'price_data',
          'quantity',
          'tax_rates',
        ],
        `${p}[items][${j}]`,
      );
      const price = resolvePrice(ctx, is, `${p}[items][${j}]`, { recurring: true, required: true })!;
      return { price, quantity: int(is, 'quantity', { min: 0 }) ?? 1, metadata: metadata(is) };
    });
    const endDate = int(spec, 'end_date');
    const duration = obj(spec, 'duration');
    let end: number;
    if (endDate !== undefined) end = endDate;
    else if (duration) {
      const interval = oneOf(duration, 'interval', ['day', 'week', 'month', 'year'] as const);
      if (!interval) throw parameterMissing(`${p}[duration][interval]`);
      end = periodEnd(at, interval, int(duration, 'interval_count', { min: 1 }) ?? 1);
    } else {
      // Without a length a phase lasts one billing period of its first price.
      const r = recurringOf(items[0]!.price);
      end = periodEnd(at, r.interval, r.interval_count);
    }
    if (end <= at) throw invalidRequest(`${p}[end_date] must be after the phase start.`, `${p}[end_date]`);
    const phase = phaseObject(at, end, items, spec);
    at = end;
    return phase;
  });
}

export function phaseItemsParams(phase: Phase): FormParams[] {
  return (phase.items as { price: string; quantity: number; metadata: Record<string, string> }[]).map(
    (it) => ({
      price: it.price,
      quantity: String(it.quantity),
      ...(Object.keys(it.metadata ?? {}).length ? { metadata: it.metadata } : {}),
    }),
  );
}
