/**
 * `/v1/tax_rates` (docs.stripe.com/api/tax_rates): percentage rates applied to invoice and subscription
 * lines (`tax_rates`, `default_tax_rates`). The percentage and inclusiveness are fixed once created;
 * events tax_rate.created / tax_rate.updated; no deletion (archive with `active=false`).
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { ResourceDef, StripeObject } from '../../resource.js';
import { bool, metadata, nullableStr, oneOf, str } from '../params.js';
import { allowOnly } from './pricing.js';

const TAX_TYPES = [
  'amusement_tax',
  'communications_tax',
  'gst',
  'hst',
  'igst',
  'jct',
  'lease_tax',
  'pst',
  'qst',
  'retail_delivery_fee',
  'rst',
  'sales_tax',
  'service_tax',
  'vat',
] as const;

function applyCommon(t: StripeObject, params: FormParams): void {
  const set = (k: string, v: unknown) => {
    if (v !== undefined) t[k] = v;
  };
  set('active', bool(params, 'active'));
  set('country', nullableStr(params, 'country'));
  set('description', nullableStr(params, 'description'));
  const name = str(params, 'display_name');
  if (name !== undefined) {
    if (name === '') throw invalidRequest('display_name cannot be empty.', 'display_name');
    t.display_name = name;
  }
  set('jurisdiction', nullableStr(params, 'jurisdiction'));
  set('state', nullableStr(params, 'state'));
  set('tax_type', oneOf(params, 'tax_type', TAX_TYPES));
  t.metadata = metadata(params, t.metadata as Record<string, string>);
}

export const taxRates: ResourceDef = {
  name: 'tax_rates',
  readMostly: true,
  object: 'tax_rate',
  idPrefix: 'txr',
  path: '/v1/tax_rates',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: ['active', 'inclusive'],
  listParams: { active: { type: 'boolean' }, inclusive: { type: 'boolean' } },
  events: { created: 'tax_rate.created', updated: 'tax_rate.updated' },
  permission: 'tax_rates',

  create(ctx, params) {
    allowOnly(params, [
      'active',
      'country',
      'description',
      'display_name',
      'inclusive',
      'jurisdiction',
      'metadata',
      'percentage',
      'state',
      'tax_type',
    ]);
    if (params.display_name === undefined) throw parameterMissing('display_name');
    const inclusive = bool(params, 'inclusive');
    if (inclusive === undefined) throw parameterMissing('inclusive');
    const pctRaw = str(params, 'percentage', { required: true });
    const percentage = Number(pctRaw);
    if (!Number.isFinite(percentage) || percentage < 0 || percentage > 100) {
      throw invalidRequest('Invalid percentage: must be between 0 and 100', 'percentage');
    }
    const t: StripeObject = Object.assign(ctx.template('tax_rate'), {
      id: ctx.newId('txr'),
      object: 'tax_rate',
      active: true,
      country: null,
      created: ctx.now,
      description: null,
      effective_percentage: percentage,
      flat_amount: null,
      inclusive,
      jurisdiction: null,
      jurisdiction_level: null,
      livemode: ctx.livemode,
      metadata: {},
      percentage,
      rate_type: 'percentage',
      state: null,
      tax_type: null,
    });
    applyCommon(t, params);
    return ctx.insert('tax_rates', t);
  },

  update(_ctx, current, params) {
    allowOnly(params, [
      'active',
      'country',
      'description',
      'display_name',
      'jurisdiction',
      'metadata',
      'state',
      'tax_type',
    ]);
    const t: StripeObject = structuredClone(current);
    applyCommon(t, params);
    return t;
  },
};
