/**
 * `/v1/customers` (docs.stripe.com/api/customers). Deleting a customer "also immediately cancels any
 * active subscriptions on the customer" (each emits customer.subscription.deleted); a deleted customer
 * still retrieves as `{id, object, deleted: true}`. Customers on a test clock are left out of lists
 * unless `test_clock` is passed (docs.stripe.com/billing/testing/test-clocks: "objects attached to a test
 * clock are hidden from list endpoints by default").
 */
import { invalidRequest } from '../../apiError.js';
import type { FormParams } from '../../formBody.js';
import type { ResourceDef, StripeObject } from '../../resource.js';
import { arr, int, metadata, nullableStr, obj, oneOf, str } from '../params.js';
import { recordBalanceChange } from './customerBalanceTransactions.js';
import { createTaxId } from './customerTaxIds.js';
import { allowOnly } from './pricing.js';
import { addressParam, idList, shippingParam, upperCode } from './shared.js';
import { cancelSubscriptionNow } from './subscriptionLifecycle.js';

const COMMON_PARAMS = [
  'address',
  'balance',
  'business_name',
  'cash_balance',
  'description',
  'email',
  'individual_name',
  'invoice_prefix',
  'invoice_settings',
  'metadata',
  'name',
  'next_invoice_sequence',
  'phone',
  'preferred_locales',
  'shipping',
  'source',
  'tax',
  'tax_exempt',
  'validate',
];
const CREATE_PARAMS = [...COMMON_PARAMS, 'payment_method', 'tax_id_data', 'test_clock'];
const UPDATE_PARAMS = [...COMMON_PARAMS, 'default_source'];
const TAX_EXEMPT = ['exempt', 'none', 'reverse'] as const;

function invoiceSettings(
  params: FormParams,
  current: Record<string, unknown> | null,
): Record<string, unknown> {
  const base = current ?? {
    custom_fields: null,
    default_payment_method: null,
    footer: null,
    rendering_options: null,
  };
  const v = obj(params, 'invoice_settings');
  if (!v) return base;
  allowOnly(
    v,
    ['custom_fields', 'default_payment_method', 'footer', 'rendering_options'],
    'invoice_settings',
  );
  const next = { ...base };
  const pm = nullableStr(v, 'default_payment_method');
  if (pm !== undefined) next.default_payment_method = pm;
  const footer = nullableStr(v, 'footer');
  if (footer !== undefined) next.footer = footer;
  const fields = arr(v, 'custom_fields');
  if (fields) next.custom_fields = fields;
  const ro = obj(v, 'rendering_options');
  if (ro)
    next.rendering_options = {
      amount_tax_display: str(ro, 'amount_tax_display') ?? null,
      template: str(ro, 'template') ?? null,
    };
  return next;
}

/** Fields create and update share. */
function applyCommon(c: StripeObject, params: FormParams): void {
  const set = (k: string, v: unknown) => {
    if (v !== undefined) c[k] = v;
  };
  set('address', addressParam(params.address, 'address'));
  // `business_name` / `individual_name` are present only once set (optional in the pinned SDK's Customer).
  const business = nullableStr(params, 'business_name');
  if (business !== undefined) {
    if (business === null) delete c.business_name;
    else c.business_name = business;
  }
  const individual = nullableStr(params, 'individual_name');
  if (individual !== undefined) {
    if (individual === null) delete c.individual_name;
    else c.individual_name = individual;
  }
  set('description', nullableStr(params, 'description'));
  set('email', nullableStr(params, 'email'));
  set('name', nullableStr(params, 'name'));
  set('phone', nullableStr(params, 'phone'));
  set('shipping', shippingParam(params.shipping, 'shipping'));
  set('tax_exempt', oneOf(params, 'tax_exempt', TAX_EXEMPT));
  set('preferred_locales', idList(params.preferred_locales, 'preferred_locales'));
  set('next_invoice_sequence', int(params, 'next_invoice_sequence', { min: 1 }));
  const prefix = str(params, 'invoice_prefix');
  if (prefix !== undefined) {
    if (!/^[A-Z0-9]{3,12}$/.test(prefix)) {
      throw invalidRequest('Invoice prefix must be 3-12 uppercase letters or numbers.', 'invoice_prefix');
    }
    c.invoice_prefix = prefix;
  }
  c.invoice_settings = invoiceSettings(params, c.invoice_settings as Record<string, unknown> | null);
  c.metadata = metadata(params, c.metadata as Record<string, string>);
}

export const customers: ResourceDef = {
  name: 'customers',
  object: 'customer',
  idPrefix: 'cus',
  idLength: 14,
  path: '/v1/customers',
  operations: { list: true, retrieve: true, create: true, update: true, del: true },
  createdFilter: true,
  retrieveDeleted: true,
  filterFields: ['email', 'test_clock'],
  listParams: { email: {}, test_clock: {} },
  defaultListFilter: { overriddenBy: ['test_clock'], test: (f) => f.test_clock === null },
  expandable: {
    default_source: ['payment_methods'],
    'invoice_settings.default_payment_method': ['payment_methods'],
    test_clock: ['test_clocks'],
  },
  embeds: [
    {
      field: 'tax_ids',
      child: 'customer_tax_ids',
      parentField: 'customer',
      url: '/v1/customers/:id/tax_ids',
      includable: true,
    },
  ],
  events: { created: 'customer.created', updated: 'customer.updated', deleted: 'customer.deleted' },
  permission: 'customers',

  create(ctx, params) {
    allowOnly(params, CREATE_PARAMS);
    const c: StripeObject = Object.assign(ctx.template('customer'), {
      id: ctx.newId('cus', 14),
      object: 'customer',
      address: null,
      balance: 0,
      created: ctx.now,
      currency: null,
      default_source: null,
      delinquent: false,
      description: null,
      discount: null,
      email: null,
      invoice_prefix: upperCode(ctx, 8, '0123456789ABCDEF'),
      invoice_settings: null,
      livemode: ctx.livemode,
      metadata: {},
      name: null,
      next_invoice_sequence: 1,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: str(params, 'test_clock') ?? null,
    });
    applyCommon(c, params);
    const balance = int(params, 'balance');
    ctx.insert('customers', c);
    if (balance) recordBalanceChange(ctx, c, balance, { type: 'adjustment', currency: 'usd' });
    const taxIds = arr(params, 'tax_id_data') ?? [];
    taxIds.forEach((t, i) => {
      if (!t || typeof t !== 'object' || Array.isArray(t))
        throw invalidRequest(`Invalid tax_id_data[${i}]`, `tax_id_data[${i}]`);
      createTaxId(ctx, c.id, t as FormParams, `tax_id_data[${i}]`);
    });
    // As stored (a balance or tax id may have changed it); read-only, it is only rendered.
    return ctx.view('customers', c.id) ?? c;
  },

  update(ctx, current, params) {
    allowOnly(params, UPDATE_PARAMS);
    const c: StripeObject = structuredClone(current);
    applyCommon(c, params);
    const ds = nullableStr(params, 'default_source');
    if (ds !== undefined) c.default_source = ds;
    const balance = int(params, 'balance');
    if (balance !== undefined && balance !== current.balance) {
      // Setting `balance` directly is recorded as an `adjustment` balance transaction, like Stripe's.
      const txn = recordBalanceChange(ctx, current, balance - Number(current.balance), {
        type: 'adjustment',
        currency: (current.currency as string | null) ?? 'usd',
        save: false,
      });
      c.balance = txn.ending_balance;
    }
    return c;
  },

  del(ctx, current) {
    for (const sub of ctx.findBy('subscriptions', 'customer', current.id)) {
      if (sub.status !== 'canceled' && sub.status !== 'incomplete_expired')
        cancelSubscriptionNow(ctx, sub, {});
    }
    ctx.remove('customers', current.id);
    return { id: current.id, object: 'customer', deleted: true };
  },
};
