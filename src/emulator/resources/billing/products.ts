/**
 * `/v1/products` (docs.stripe.com/api/products): ids are `prod_` + 14 or chosen by the caller;
 * `default_price_data` creates the default price; "Deleting a product is only possible if it has no
 * prices associated with it." Events product.created / updated / deleted; `updated` moves on each change.
 */
import { ApiError, invalidRequest } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { arr, bool, metadata, nullableStr, obj, oneOf, str } from '../params.js';
import { storePrice } from './prices.js';
import { allowOnly, buildPrice } from './pricing.js';
import { idList } from './shared.js';

const COMMON = [
  'active',
  'description',
  'images',
  'marketing_features',
  'metadata',
  'name',
  'package_dimensions',
  'shippable',
  'statement_descriptor',
  'tax_code',
  'tax_details',
  'unit_label',
  'url',
];

function packageDimensions(params: FormParams): Record<string, number> | null | undefined {
  if (params.package_dimensions === '') return null;
  const v = obj(params, 'package_dimensions');
  if (!v) return undefined;
  const out: Record<string, number> = {};
  for (const k of ['height', 'length', 'weight', 'width']) {
    const n = Number(v[k]);
    if (typeof v[k] !== 'string' || !Number.isFinite(n))
      throw invalidRequest(`Invalid package_dimensions[${k}]`, `package_dimensions[${k}]`);
    out[k] = n;
  }
  return out;
}

function applyCommon(p: StripeObject, params: FormParams): void {
  const set = (k: string, v: unknown) => {
    if (v !== undefined) p[k] = v;
  };
  set('active', bool(params, 'active'));
  set('description', nullableStr(params, 'description'));
  set('images', idList(params.images, 'images'));
  const features = arr(params, 'marketing_features');
  if (features) {
    p.marketing_features = features.map((f, i) => {
      const name = f && typeof f === 'object' && !Array.isArray(f) ? f.name : undefined;
      if (typeof name !== 'string')
        throw invalidRequest(
          `Missing required param: marketing_features[${i}][name].`,
          `marketing_features[${i}][name]`,
        );
      return { name };
    });
  } else if (params.marketing_features === '') p.marketing_features = [];
  set('metadata', metadata(params, p.metadata as Record<string, string>));
  const name = str(params, 'name');
  if (name !== undefined) {
    if (name === '') throw invalidRequest('You must supply a non-empty name.', 'name');
    p.name = name;
  }
  set('package_dimensions', packageDimensions(params));
  set('shippable', bool(params, 'shippable'));
  set('statement_descriptor', nullableStr(params, 'statement_descriptor'));
  const taxCode = nullableStr(params, 'tax_code');
  if (taxCode !== undefined) p.tax_code = taxCode;
  const td = params.tax_details === '' ? null : obj(params, 'tax_details');
  if (td !== undefined) {
    p.tax_details = td && {
      performance_location: str(td, 'performance_location') ?? null,
      tax_code: str(td, 'tax_code') ?? null,
    };
  }
  set('unit_label', nullableStr(params, 'unit_label'));
  set('url', nullableStr(params, 'url'));
}

export function createProduct(ctx: MutationContext, params: FormParams): StripeObject {
  allowOnly(params, [...COMMON, 'default_price_data', 'id', 'type']);
  const id = str(params, 'id') ?? ctx.newId('prod', 14);
  if (ctx.get('products', id)) {
    throw new ApiError(
      400,
      'invalid_request_error',
      'Product already exists.',
      'resource_already_exists',
      'id',
    );
  }
  if (str(params, 'name') === undefined)
    throw new ApiError(
      400,
      'invalid_request_error',
      'Missing required param: name.',
      'parameter_missing',
      'name',
    );
  const p: StripeObject = Object.assign(ctx.template('product'), {
    id,
    object: 'product',
    active: true,
    created: ctx.now,
    default_price: null,
    description: null,
    images: [],
    livemode: ctx.livemode,
    marketing_features: [],
    metadata: {},
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: oneOf(params, 'type', ['good', 'service'] as const) ?? 'service',
    unit_label: null,
    updated: ctx.now,
    url: null,
  });
  applyCommon(p, params);
  const dpd = obj(params, 'default_price_data');
  if (!dpd) return ctx.insert('products', p);
  // The product exists before its default price (a price needs its product), then points at it.
  ctx.insert('products', p, { emit: false });
  allowOnly(
    dpd,
    [
      'currency',
      'currency_options',
      'custom_unit_amount',
      'metadata',
      'recurring',
      'tax_behavior',
      'unit_amount',
      'unit_amount_decimal',
    ],
    'default_price_data',
  );
  const price = buildPrice(ctx, { ...dpd, product: id }, { inline: false, param: 'default_price_data' });
  const withDefault = { ...p, default_price: price.id };
  ctx.save('products', withDefault, { emit: false });
  ctx.emit('product.created', withDefault);
  storePrice(ctx, price);
  return withDefault;
}

export const products: ResourceDef = {
  name: 'products',
  readMostly: true,
  object: 'product',
  idPrefix: 'prod',
  idLength: 14,
  path: '/v1/products',
  operations: { list: true, retrieve: true, create: true, update: true, del: true },
  createdFilter: true,
  filterFields: ['active', 'shippable', 'url', 'type', 'id'],
  listParams: {
    active: { type: 'boolean' },
    ids: {
      test(value) {
        const list = Array.isArray(value) ? value : [value];
        const wanted = new Set(list.map(String));
        return (f) => wanted.has(String(f.id));
      },
    },
    shippable: { type: 'boolean' },
    type: { enum: ['good', 'service'] },
    url: {},
  },
  expandable: { default_price: ['prices'] },
  events: { created: 'product.created', updated: 'product.updated', deleted: 'product.deleted' },
  permission: 'products',

  create: createProduct,

  update(ctx, current, params) {
    allowOnly(params, [...COMMON, 'default_price']);
    const p: StripeObject = structuredClone(current);
    applyCommon(p, params);
    const dp = nullableStr(params, 'default_price');
    if (dp) {
      const price = ctx.require('prices', dp, 'default_price');
      if (price.product !== current.id) {
        throw invalidRequest(`The price ${dp} does not belong to product ${current.id}.`, 'default_price');
      }
      if (price.active === false) throw invalidRequest('The default price must be active.', 'default_price');
    }
    if (dp !== undefined) p.default_price = dp;
    if (JSON.stringify(p) !== JSON.stringify(current)) p.updated = ctx.now;
    return p;
  },

  del(ctx, current) {
    const prices = ctx.findBy('prices', 'product', current.id).filter((pr) => pr._inline !== true);
    if (prices.length > 0) {
      throw invalidRequest(
        'This product cannot be deleted because it has one or more user-created prices.',
        'id',
      );
    }
    ctx.remove('products', current.id);
    return { id: current.id, object: 'product', deleted: true };
  },
};
