/**
 * Top-ups (`tu_…`, docs.stripe.com/api/topups): adding funds to the balance from a bank account. A
 * top-up is `pending` until its `expected_availability_date` (ACH: about five days); then it succeeds
 * (settle.ts), crediting the balance (`topup` balance transaction, available at once) with
 * `topup.succeeded`. Pending top-ups can be canceled (`topup.canceled`). There is no `topup.updated`
 * event, so description/metadata updates send none.
 */
import { invalidRequest } from '../../apiError.js';
import type { ResourceDef, StripeObject } from '../../resource.js';
import { currency as currencyParam, int, metadata, str } from '../params.js';
import { scheduleDue } from './ledger.js';
import { settle } from './settle.js';
import {
  allowParams,
  clientSecret,
  DAY,
  dayStart,
  fingerprint,
  rangeFilter,
  saveWithEvent,
} from './shared.js';

const ACH_DAYS = 5;

export const topups: ResourceDef = {
  name: 'topups',
  object: 'topup',
  idPrefix: 'tu',
  path: '/v1/topups',
  operations: { list: true, retrieve: true, create: true, update: true },
  createdFilter: true,
  filterFields: ['amount'],
  indexedFields: ['status'],
  listParams: {
    amount: { test: rangeFilter('amount') },
    status: { enum: ['canceled', 'failed', 'pending', 'succeeded'] },
  },
  expandable: { balance_transaction: ['balance_transactions'], payment_method: ['payment_methods'] },
  events: { created: 'topup.created' },
  permission: 'topups',
  create(ctx, params) {
    allowParams(params, [
      'amount',
      'currency',
      'description',
      'metadata',
      'payment_method',
      'payment_method_options',
      'source',
      'statement_descriptor',
      'transfer_group',
    ]);
    settle(ctx);
    if (ctx.connected)
      throw invalidRequest('Top-ups can only be created by the platform or a standalone account.');
    const amount = int(params, 'amount', { required: true, min: 1 });
    const currency = currencyParam(params, 'currency', true)!;
    const id = ctx.newId('tu');
    const t = ctx.template('topup');
    // The account's bank account, as the ACH debit Source Stripe pulls the funds from.
    const account = ctx.accountObject();
    const sourceId = str(params, 'source') ?? ctx.newId('src');
    const template = t.source as Record<string, unknown>;
    const owner = template.owner as Record<string, unknown>;
    const noAddress = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };
    const source = {
      ...template,
      id: sourceId,
      ach_debit: { ...(template.ach_debit as object), fingerprint: fingerprint(`bank:${ctx.account}`) },
      client_secret: clientSecret(ctx, 'src_client'),
      created: ctx.now,
      currency,
      livemode: ctx.livemode,
      metadata: {},
      owner: {
        ...owner,
        address: noAddress,
        email: account.email ?? null,
        name: null,
        verified_address: noAddress,
      },
    };
    const expected = dayStart(ctx.now) + ACH_DAYS * DAY;
    const topup: StripeObject = {
      ...t,
      id,
      object: 'topup',
      amount,
      balance_transaction: null,
      created: ctx.now,
      currency,
      description: str(params, 'description') ?? null,
      expected_availability_date: expected,
      failure_code: null,
      failure_message: null,
      livemode: ctx.livemode,
      metadata: metadata(params),
      source,
      statement_descriptor: str(params, 'statement_descriptor') ?? null,
      status: 'pending',
      transfer_group: str(params, 'transfer_group') ?? null,
    };
    ctx.insert('topups', topup);
    scheduleDue(ctx, { at: expected, kind: 'topup', id });
    return topup;
  },
  update(_ctx, current, params) {
    allowParams(params, ['description', 'metadata']);
    const description = str(params, 'description');
    return {
      ...current,
      description: description === undefined ? current.description : description || null,
      metadata: metadata(params, current.metadata as Record<string, string>),
    };
  },
  actions: [
    {
      path: '/v1/topups/:id/cancel',
      handle(ctx, current, params) {
        allowParams(params, []);
        settle(ctx);
        const topup = ctx.get('topups', current.id)!;
        if (topup.status !== 'pending') {
          throw invalidRequest(
            `This top-up cannot be canceled because it has a status of ${topup.status}.`,
            undefined,
            'topup_not_cancelable',
          );
        }
        return saveWithEvent(ctx, 'topups', { ...topup, status: 'canceled' }, 'topup.canceled');
      },
    },
  ],
};
