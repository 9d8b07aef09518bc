/**
 * `/v1/customers/{id}/balance_transactions` (docs.stripe.com/api/customer_balance_transactions): an
 * immutable ledger of the customer's credit balance. Creating one moves `customer.balance` (negative =
 * credit) and emits customer.updated; there is no event type of its own. Only description and metadata
 * can be updated.
 */
import { invalidRequest } from '../../apiError.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { currency, int, metadata, nullableStr, str } from '../params.js';
import { allowOnly } from './pricing.js';

export interface BalanceChange {
  type: string;
  currency: string;
  invoice?: string | null;
  credit_note?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  /** Save the customer's new balance (emitting customer.updated); false when the caller saves it. */
  save?: boolean;
}

/** Record `amount` on the customer's balance ledger and (by default) update the customer. */
export function recordBalanceChange(
  ctx: MutationContext,
  customer: StripeObject,
  amount: number,
  change: BalanceChange,
): StripeObject {
  const fresh = ctx.get('customers', customer.id) ?? customer;
  const ending = Number(fresh.balance ?? 0) + amount;
  const txn: StripeObject = Object.assign(ctx.template('customer_balance_transaction'), {
    id: ctx.newId('cbtxn'),
    object: 'customer_balance_transaction',
    amount,
    checkout_session: null,
    created: ctx.now,
    credit_note: change.credit_note ?? null,
    currency: change.currency,
    customer: customer.id,
    customer_account: null,
    description: change.description ?? null,
    ending_balance: ending,
    invoice: change.invoice ?? null,
    livemode: ctx.livemode,
    metadata: change.metadata ?? {},
    type: change.type,
  });
  ctx.insert('customer_balance_transactions', txn);
  if (change.save !== false) {
    const next = { ...fresh, balance: ending, currency: fresh.currency ?? change.currency };
    ctx.save('customers', next);
  }
  return txn;
}

export const customerBalanceTransactions: ResourceDef = {
  name: 'customer_balance_transactions',
  object: 'customer_balance_transaction',
  idPrefix: 'cbtxn',
  parent: {
    resource: 'customers',
    field: 'customer',
    path: '/v1/customers/:parent/balance_transactions',
    operations: { list: true, create: true, retrieve: true, update: true },
  },
  operations: {},
  createdFilter: true,
  filterFields: ['invoice'],
  indexedFields: ['customer'],
  listParams: { invoice: {} },
  expandable: {
    checkout_session: ['checkout_sessions'],
    credit_note: ['credit_notes'],
    customer: ['customers'],
    invoice: ['invoices'],
  },
  permission: 'customers',

  create(ctx, params) {
    allowOnly(params, ['amount', 'currency', 'customer', 'description', 'metadata']);
    const customer = ctx.require('customers', str(params, 'customer', { required: true }), 'customer');
    const amount = int(params, 'amount', { required: true });
    const cur = currency(params, 'currency', true)!;
    if (customer.currency && customer.currency !== cur) {
      throw invalidRequest(
        `The currency ${cur} does not match the customer's currency ${String(customer.currency)}.`,
        'currency',
      );
    }
    return recordBalanceChange(ctx, customer, amount, {
      type: 'adjustment',
      currency: cur,
      description: nullableStr(params, 'description') ?? null,
      metadata: metadata(params),
    });
  },

  update(_ctx, current, params) {
    allowOnly(params, ['description', 'metadata']);
    const next: StripeObject = {
      ...current,
      metadata: metadata(params, (current.metadata as Record<string, string> | null) ?? {}),
    };
    const d = nullableStr(params, 'description');
    if (d !== undefined) next.description = d;
    return next;
  },
};
