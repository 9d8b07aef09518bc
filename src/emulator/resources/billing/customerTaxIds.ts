/**
 * `/v1/customers/{id}/tax_ids` (docs.stripe.com/api/tax_ids): list, create, retrieve, delete; events
 * customer.tax_id.created / customer.tax_id.deleted. New ids start `pending` verification, as in test mode.
 */
import { invalidRequest } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { str } from '../params.js';
import { allowOnly } from './pricing.js';

/** The country a tax id belongs to: EU VAT ids carry it in the value (Greece writes EL), others in the type. */
function countryOf(type: string, value: string): string | null {
  if (type === 'eu_oss_vat') return null;
  if (type === 'eu_vat') {
    const c = value.slice(0, 2).toUpperCase();
    return c === 'EL' ? 'GR' : /^[A-Z]{2}$/.test(c) ? c : null;
  }
  return type.slice(0, 2).toUpperCase();
}

export function createTaxId(
  ctx: MutationContext,
  customerId: string,
  params: FormParams,
  param = '',
): StripeObject {
  const p = (n: string) => (param ? `${param}[${n}]` : n);
  allowOnly(params, param ? ['type', 'value'] : ['type', 'value', 'customer'], param);
  const type = str(params, 'type', { required: true });
  const value = str(params, 'value', { required: true });
  if (!/^[a-z]{2}_[a-z_]+$/.test(type)) throw invalidRequest(`Invalid value for type: ${type}`, p('type'));
  if (value.trim() === '') throw invalidRequest('Invalid value for tax id.', p('value'));
  const taxId: StripeObject = Object.assign(ctx.template('tax_id'), {
    id: ctx.newId('txi'),
    object: 'tax_id',
    country: countryOf(type, value),
    created: ctx.now,
    customer: customerId,
    customer_account: null,
    livemode: ctx.livemode,
    owner: { customer: customerId, customer_account: null, type: 'customer' },
    type,
    value,
    verification: {
      status: type === 'eu_vat' || type === 'gb_vat' ? 'pending' : 'unavailable',
      verified_address: null,
      verified_name: null,
    },
  });
  return ctx.insert('customer_tax_ids', taxId);
}

export const customerTaxIds: ResourceDef = {
  name: 'customer_tax_ids',
  object: 'tax_id',
  idPrefix: 'txi',
  parent: {
    resource: 'customers',
    field: 'customer',
    path: '/v1/customers/:parent/tax_ids',
    operations: { list: true, create: true, retrieve: true, del: true },
  },
  operations: {},
  createdFilter: false,
  indexedFields: ['customer'],
  expandable: { customer: ['customers'], 'owner.customer': ['customers'], 'owner.account': ['accounts'] },
  events: {
    created: 'customer.tax_id.created',
    updated: 'customer.tax_id.updated',
    deleted: 'customer.tax_id.deleted',
  },
  permission: 'customers',

  create(ctx, params) {
    return createTaxId(ctx, str(params, 'customer', { required: true }), params);
  },
};
