/**
 * `/v1/plans` (docs.stripe.com/api/plans), the older face of recurring prices: a plan and its price share
 * one id, so creating a plan also creates the price (price.created + plan.created), updates and deletes
 * keep the twin in step ("You can now model subscriptions more flexibly using the Prices API. It replaces
 * the Plans API and is backwards compatible").
 */
import { ApiError, parameterMissing } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { ResourceDef, StripeObject } from '../../resource.js';
import { bool, int, metadata, nullableStr, obj, str } from '../params.js';
import { storePrice } from './prices.js';
import { allowOnly, buildPrice } from './pricing.js';

const CREATE_PARAMS = [
  'active',
  'amount',
  'amount_decimal',
  'billing_scheme',
  'currency',
  'id',
  'interval',
  'interval_count',
  'metadata',
  'meter',
  'nickname',
  'product',
  'tiers',
  'tiers_mode',
  'transform_usage',
  'trial_period_days',
  'usage_type',
];

export const plans: ResourceDef = {
  name: 'plans',
  readMostly: true,
  object: 'plan',
  idPrefix: 'price',
  path: '/v1/plans',
  operations: { list: true, retrieve: true, create: true, update: true, del: true },
  createdFilter: true,
  filterFields: ['active'],
  indexedFields: ['product'],
  listParams: { active: { type: 'boolean' }, product: {} },
  expandable: { product: ['products'] },
  events: { created: 'plan.created', updated: 'plan.updated', deleted: 'plan.deleted' },
  permission: 'plans',

  create(ctx, params) {
    allowOnly(params, CREATE_PARAMS);
    const id = str(params, 'id');
    if (id !== undefined && (ctx.get('plans', id) || ctx.get('prices', id))) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'Plan already exists.',
        'resource_already_exists',
        'id',
      );
    }
    for (const required of ['currency', 'interval', 'product']) {
      if (params[required] === undefined) throw parameterMissing(required);
    }
    // `product` is an id or, on this older API, an inline product hash.
    const productParam = params.product;
    const productData = typeof productParam === 'object' ? obj(params, 'product') : undefined;
    const priceParams: FormParams = {
      currency: params.currency!,
      recurring: {
        interval: params.interval!,
        ...(params.interval_count !== undefined ? { interval_count: params.interval_count } : {}),
        ...(params.usage_type !== undefined ? { usage_type: params.usage_type } : {}),
        ...(params.meter !== undefined ? { meter: params.meter } : {}),
        ...(params.trial_period_days !== undefined ? { trial_period_days: params.trial_period_days } : {}),
      },
      ...(productData
        ? { product_data: productData }
        : params.product !== undefined
          ? { product: params.product }
          : {}),
      ...(params.amount !== undefined ? { unit_amount: params.amount } : {}),
      ...(params.amount_decimal !== undefined ? { unit_amount_decimal: params.amount_decimal } : {}),
      ...(params.billing_scheme !== undefined ? { billing_scheme: params.billing_scheme } : {}),
      ...(params.tiers !== undefined ? { tiers: params.tiers } : {}),
      ...(params.tiers_mode !== undefined ? { tiers_mode: params.tiers_mode } : {}),
      ...(params.transform_usage !== undefined ? { transform_quantity: params.transform_usage } : {}),
      ...(params.active !== undefined ? { active: params.active } : {}),
      ...(params.metadata !== undefined ? { metadata: params.metadata } : {}),
      ...(params.nickname !== undefined ? { nickname: params.nickname } : {}),
    };
    const price = buildPrice(ctx, priceParams, { inline: false });
    if (id !== undefined) price.id = id;
    storePrice(ctx, price);
    return ctx.get('plans', price.id)!;
  },

  update(ctx, current, params) {
    allowOnly(params, ['active', 'metadata', 'nickname', 'product', 'trial_period_days']);
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
    const active = bool(params, 'active');
    if (active !== undefined) next.active = active;
    const nickname = nullableStr(params, 'nickname');
    if (nickname !== undefined) next.nickname = nickname;
    const product = str(params, 'product');
    if (product !== undefined) next.product = ctx.require('products', product, 'product').id;
    const trial = int(params, 'trial_period_days');
    if (trial !== undefined) next.trial_period_days = trial;
    if (JSON.stringify(next) !== JSON.stringify(current)) {
      ctx.save('plans', next);
      const price = ctx.get('prices', current.id);
      if (price) {
        const recurring = {
          ...(price.recurring as Record<string, unknown>),
          trial_period_days: next.trial_period_days,
        };
        ctx.save('prices', {
          ...price,
          active: next.active,
          metadata: next.metadata,
          nickname: next.nickname,
          product: next.product,
          recurring,
        });
      }
    }
    return next;
  },

  del(ctx, current) {
    ctx.remove('plans', current.id);
    if (ctx.get('prices', current.id)) ctx.remove('prices', current.id);
    return { id: current.id, object: 'plan', deleted: true };
  },
};
