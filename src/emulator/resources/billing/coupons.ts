/**
 * `/v1/coupons` (docs.stripe.com/api/coupons): ids are chosen by the caller or 8 random characters;
 * exactly one of `percent_off` / `amount_off` (+ `currency`); `duration` once | repeating (with
 * `duration_in_months`) | forever. Only name and metadata change after creation. `applies_to` is
 * includable. A coupon stops being `valid` past `redeem_by` or `max_redemptions`.
 */
import { ApiError, invalidRequest, parameterMissing } from '../../apiError.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { currency, int, metadata, nullableStr, obj, oneOf, str } from '../params.js';
import { allowOnly } from './pricing.js';
import { idList, saveQuietly, upperCode } from './shared.js';

const CREATE_PARAMS = [
  'amount_off',
  'applies_to',
  'currency',
  'currency_options',
  'duration',
  'duration_in_months',
  'id',
  'max_redemptions',
  'metadata',
  'name',
  'percent_off',
  'redeem_by',
];

/** Count one use; a coupon that reached `max_redemptions` is no longer valid. */
export function redeemCoupon(ctx: MutationContext, coupon: StripeObject): StripeObject {
  const times = Number(coupon.times_redeemed) + 1;
  const max = coupon.max_redemptions as number | null;
  return saveQuietly(ctx, 'coupons', {
    ...coupon,
    times_redeemed: times,
    valid: coupon.valid === true && (max === null || times < max),
  });
}

/** Whether the coupon can still be applied now. */
export function couponUsable(ctx: MutationContext, coupon: StripeObject): boolean {
  const redeemBy = coupon.redeem_by as number | null;
  return coupon.valid === true && (redeemBy === null || redeemBy > ctx.now);
}

export const coupons: ResourceDef = {
  name: 'coupons',
  readMostly: true,
  object: 'coupon',
  idPrefix: '',
  path: '/v1/coupons',
  operations: { list: true, retrieve: true, create: true, update: true, del: true },
  createdFilter: true,
  includableFields: ['applies_to', 'currency_options'],
  events: { created: 'coupon.created', updated: 'coupon.updated', deleted: 'coupon.deleted' },
  permission: 'coupons',

  create(ctx, params) {
    allowOnly(params, CREATE_PARAMS);
    const id = str(params, 'id') ?? upperCode(ctx, 8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
    if (ctx.get('coupons', id)) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'Coupon already exists.',
        'resource_already_exists',
        'id',
      );
    }
    const amountOff = int(params, 'amount_off', { min: 1 });
    const percentRaw = str(params, 'percent_off');
    const percentOff = percentRaw === undefined ? undefined : Number(percentRaw);
    if (percentOff !== undefined && !(percentOff > 0 && percentOff <= 100)) {
      throw invalidRequest('Invalid percent_off: must be greater than 0 and at most 100', 'percent_off');
    }
    if ((amountOff === undefined) === (percentOff === undefined)) {
      throw invalidRequest('You must pass exactly one of amount_off or percent_off.', 'amount_off');
    }
    const cur = currency(params, 'currency');
    if (amountOff !== undefined && !cur) throw parameterMissing('currency');
    const duration = oneOf(params, 'duration', ['forever', 'once', 'repeating'] as const) ?? 'once';
    const months = int(params, 'duration_in_months', { min: 1 });
    if (duration === 'repeating' && months === undefined) throw parameterMissing('duration_in_months');
    const redeemBy = int(params, 'redeem_by');
    if (redeemBy !== undefined && redeemBy <= ctx.now)
      throw invalidRequest('Invalid redeem_by: must be in the future', 'redeem_by');
    const appliesTo = obj(params, 'applies_to');
    const coupon: StripeObject = Object.assign(ctx.template('coupon'), {
      id,
      object: 'coupon',
      amount_off: amountOff ?? null,
      created: ctx.now,
      currency: amountOff !== undefined ? cur! : null,
      duration,
      duration_in_months: duration === 'repeating' ? months! : null,
      livemode: ctx.livemode,
      max_redemptions: int(params, 'max_redemptions', { min: 1 }) ?? null,
      metadata: metadata(params),
      name: str(params, 'name') ?? null,
      percent_off: percentOff ?? null,
      redeem_by: redeemBy ?? null,
      times_redeemed: 0,
      valid: true,
    });
    if (appliesTo) coupon.applies_to = { products: idList(appliesTo.products, 'applies_to[products]') ?? [] };
    return ctx.insert('coupons', coupon);
  },

  update(_ctx, current, params) {
    allowOnly(params, ['currency_options', 'metadata', 'name']);
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    const name = nullableStr(params, 'name');
    if (name !== undefined) next.name = name;
    return next;
  },
};
