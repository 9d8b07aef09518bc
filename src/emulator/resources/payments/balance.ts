/**
 * Singleton routes: `GET /v1/balance` (docs.stripe.com/api/balance: available and pending funds per
 * currency, from the ledger's running totals, after settling what fell due) and `GET /v1/account` (the
 * account the request acts as: the platform, or with `Stripe-Account` the connected account).
 */
import type { MutationContext, StripeObject } from '../../resource.js';
import type { CustomRoute } from '../../routes.js';
import { accountView } from './accounts.js';
import { balanceObject } from './ledger.js';
import { settle } from './settle.js';
import { allowParams } from './shared.js';

export function currentBalance(ctx: MutationContext): StripeObject {
  settle(ctx);
  const account = ctx.accountObject();
  return balanceObject(ctx, String(account.default_currency ?? 'usd'));
}

export const BALANCE_ROUTES: CustomRoute[] = [
  {
    method: 'GET',
    path: '/v1/balance',
    permission: 'balance',
    handle(ctx, params) {
      allowParams(params, ['expand']);
      return currentBalance(ctx);
    },
  },
  {
    method: 'GET',
    path: '/v1/account',
    permission: 'accounts',
    handle(ctx, params) {
      allowParams(params, ['expand']);
      return accountView(ctx, ctx.accountObject());
    },
  },
];
