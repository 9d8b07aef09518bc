/**
 * `/v1/promotion_codes` (docs.stripe.com/api/promotion_codes): a customer-facing code for a coupon,
 * `promotion: {type: 'coupon', coupon}` in the current API. Codes are unique among active codes
 * (case-insensitive). Events promotion_code.created / promotion_code.updated; no deletion.
 */
import { ApiError, invalidRequest, parameterMissing } from '../../apiError.js';
import type { ResourceDef, StripeObject } from '../../resource.js';
import { bool, currency, int, metadata, obj, str } from '../params.js';
import { allowOnly } from './pricing.js';
import { upperCode } from './shared.js';

export const promotionCodes: ResourceDef = {
  name: 'promotion_codes',
  object: 'promotion_code',
  idPrefix: 'promo',
  path: '/v1/promotion_codes',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: ['active', 'code', 'promotion.coupon', 'customer', 'customer_account'],
  // Codes are matched case-insensitively for uniqueness.
  indexedFields: ['_code_upper'],
  hiddenFields: ['_code_upper'],
  listParams: {
    active: { type: 'boolean' },
    code: {},
    coupon: { field: 'promotion.coupon' },
    customer: {},
    customer_account: {},
  },
  expandable: { customer: ['customers'], 'promotion.coupon': ['coupons'] },
  events: { created: 'promotion_code.created', updated: 'promotion_code.updated' },
  permission: 'promotion_codes',

  create(ctx, params) {
    allowOnly(params, [
      'active',
      'code',
      'customer',
      'customer_account',
      'expires_at',
      'max_redemptions',
      'metadata',
      'promotion',
      'restrictions',
    ]);
    const promotion = obj(params, 'promotion');
    if (!promotion) throw parameterMissing('promotion');
    allowOnly(promotion, ['coupon', 'type'], 'promotion');
    if (promotion.type !== 'coupon')
      throw invalidRequest('Invalid promotion[type]: must be coupon', 'promotion[type]');
    const couponId = str(promotion, 'coupon');
    if (!couponId) throw parameterMissing('promotion[coupon]');
    ctx.require('coupons', couponId, 'promotion[coupon]');
    const code = str(params, 'code') ?? upperCode(ctx, 8);
    if (!/^[a-zA-Z0-9]{3,500}$/.test(code))
      throw invalidRequest('Promotion codes may only contain alphanumeric characters.', 'code');
    const clash = ctx
      .findBy('promotion_codes', '_code_upper', code.toUpperCase())
      .find((p) => p.active === true);
    if (clash) {
      throw new ApiError(
        400,
        'invalid_request_error',
        `An active promotion code with \`code: ${code}\` already exists.`,
        'resource_already_exists',
        'code',
      );
    }
    const customer = str(params, 'customer');
    if (customer) ctx.require('customers', customer, 'customer');
    const r = obj(params, 'restrictions') ?? {};
    allowOnly(
      r,
      ['currency_options', 'first_time_transaction', 'minimum_amount', 'minimum_amount_currency'],
      'restrictions',
    );
    const minimum = int(r, 'minimum_amount', { min: 1 }) ?? null;
    const minimumCurrency = currency(r, 'minimum_amount_currency') ?? null;
    if (minimum !== null && !minimumCurrency) throw parameterMissing('restrictions[minimum_amount_currency]');
    const promo: StripeObject = Object.assign(ctx.template('promotion_code'), {
      id: ctx.newId('promo'),
      object: 'promotion_code',
      active: bool(params, 'active') ?? true,
      code,
      _code_upper: code.toUpperCase(),
      created: ctx.now,
      customer: customer ?? null,
      customer_account: str(params, 'customer_account') ?? null,
      expires_at: int(params, 'expires_at') ?? null,
      livemode: ctx.livemode,
      max_redemptions: int(params, 'max_redemptions', { min: 1 }) ?? null,
      metadata: metadata(params),
      promotion: { coupon: couponId, type: 'coupon' },
      restrictions: {
        first_time_transaction: bool(r, 'first_time_transaction') ?? false,
        minimum_amount: minimum,
        minimum_amount_currency: minimumCurrency,
      },
      times_redeemed: 0,
    });
    return ctx.insert('promotion_codes', promo);
  },

  update(_ctx, current, params) {
    allowOnly(params, ['active', 'metadata', 'restrictions']);
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    const active = bool(params, 'active');
    if (active !== undefined) next.active = active;
    return next;
  },
};
