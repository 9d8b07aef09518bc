/**
 * `/v1/balance_transactions` (list and retrieve; booked by ledger.ts). Filters per stripe-node's
 * BalanceTransactionListParams: `created`, `currency`, `payout` ("For automatic Stripe payouts only, only
 * returns transactions that were paid out on the specified payout ID"), `source`, `type`. `source`
 * expands to whichever object caused the transaction.
 */

import { invalidRequest } from '../../apiError.js';
import type { FormValue } from '../../formBody.js';
import type { ResourceDef } from '../../resource.js';

export const BALANCE_TRANSACTION_SOURCES = [
  'charges',
  'refunds',
  'disputes',
  'payouts',
  'topups',
  'transfers',
  'transfer_reversals',
  'application_fees',
  'application_fee_refunds',
];

export const balanceTransactions: ResourceDef = {
  name: 'balance_transactions',
  object: 'balance_transaction',
  idPrefix: 'txn',
  path: '/v1/balance_transactions',
  operations: { list: true, retrieve: true },
  createdFilter: true,
  filterFields: ['currency', 'type', '_payout'],
  indexedFields: ['status', 'source'],
  hiddenFields: ['_payout'],
  listParams: {
    currency: {
      // Currency codes are case-insensitive on input and stored lowercase.
      test(value: FormValue) {
        if (typeof value !== 'string') throw invalidRequest('Invalid currency', 'currency');
        const c = value.toLowerCase();
        return (f) => f.currency === c;
      },
    },
    payout: { field: '_payout' },
    source: {},
    type: {},
  },
  expandable: { source: BALANCE_TRANSACTION_SOURCES },
  permission: 'balance_transactions',
};
