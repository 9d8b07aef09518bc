/**
 * Application fees (`fee_…`, docs.stripe.com/api/application_fees): what a Connect platform earns on a
 * connected account's payment — a direct charge with `application_fee_amount` made with
 * `Stripe-Account`, or a destination charge (then `originating_transaction` is the platform's charge and
 * `charge` the destination payment `py_…`). The fee object and its balance transaction (type
 * `application_fee`, reporting category `platform_earning`) live in the PLATFORM's account; list and
 * retrieve only. "The 10 most recent refunds are always available by default on the application fee
 * object" (`refunds`, completed by `/v1/application_fees/:id/refunds`).
 */
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { record } from './ledger.js';
import { applicationId } from './shared.js';

export interface FeeSpec {
  /** The connected account the fee was taken from. */
  account: string;
  amount: number;
  currency: string;
  /** The charge the fee was taken from (lives in the connected account). */
  charge: string;
  /** Destination charges: the platform's own charge. */
  originatingTransaction: string | null;
}

/** Books an application fee in the platform (`platform` must be the platform's context). */
export function collectApplicationFee(platform: MutationContext, spec: FeeSpec): StripeObject {
  const id = platform.newId('fee');
  const txn = record(platform, {
    amount: spec.amount,
    currency: spec.currency,
    type: 'application_fee',
    reportingCategory: 'platform_earning',
    source: id,
    description: null,
  });
  const fee: StripeObject = Object.assign(platform.template('application_fee'), {
    id,
    object: 'application_fee',
    account: spec.account,
    amount: spec.amount,
    amount_refunded: 0,
    application: applicationId(platform.account),
    balance_transaction: txn.id,
    charge: spec.charge,
    created: platform.now,
    currency: spec.currency,
    fee_source: { charge: spec.charge, type: 'charge' },
    livemode: platform.livemode,
    originating_transaction: spec.originatingTransaction,
    refunded: false,
  });
  delete fee.refunds; // rendered from the application_fee_refunds collection
  return platform.insert('application_fees', fee);
}

export const applicationFees: ResourceDef = {
  name: 'application_fees',
  object: 'application_fee',
  idPrefix: 'fee',
  path: '/v1/application_fees',
  operations: { list: true, retrieve: true },
  createdFilter: true,
  indexedFields: ['charge'],
  listParams: { charge: {} },
  expandable: {
    account: ['accounts'],
    balance_transaction: ['balance_transactions'],
    charge: ['charges'],
    originating_transaction: ['charges'],
  },
  embeds: [
    {
      field: 'refunds',
      child: 'application_fee_refunds',
      parentField: 'fee',
      url: '/v1/application_fees/:id/refunds',
      limit: 10,
    },
  ],
  events: { created: 'application_fee.created' },
  permission: 'application_fees',
};
