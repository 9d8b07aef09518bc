/**
 * Which Stripe accounts a run syncs (ARCHITECTURE.md §5.1, STRIPE-API-NOTES.md §5): the key's own
 * account, plus — with `all` — every connected account listed by `/v1/accounts`, each synced with
 * `Stripe-Account` into the same tables, told apart by `_account`.
 */
import type { Config } from '../config/config.js';
import type { StripeClient } from '../stripe/client.js';
import { StripePermissionError } from '../stripe/errors.js';
import type { AccountScope } from './syncContext.js';

type Obj = Record<string, unknown>;

/** Stripe launched in 2010: no object anywhere is older, so backfills never need to look earlier. */
export const STRIPE_EPOCH = 1_262_304_000;

export async function resolveAccounts(
  client: StripeClient,
  setting: Config['stripe']['accounts'],
  signal?: AbortSignal,
): Promise<AccountScope[]> {
  const self = await ownAccount(client, signal);
  if (setting === 'self') return [self];
  if (setting === 'all') {
    const out = [self];
    let after: string | undefined;
    for (;;) {
      const page = await client.list<Obj>(
        '/v1/accounts',
        { limit: 100, ...(after ? { starting_after: after } : {}) },
        { signal },
      );
      for (const a of page.data)
        out.push({
          id: a.id as string,
          header: a.id as string,
          isPlatform: false,
          created: Number(a.created ?? 0),
        });
      if (!page.has_more || page.data.length === 0) break;
      after = page.data[page.data.length - 1]!.id as string;
    }
    return out;
  }
  const out: AccountScope[] = [];
  for (const id of setting) {
    if (id === self.id) {
      out.push(self);
      continue;
    }
    const a = await client.get<Obj>('/v1/account', {}, { account: id, signal });
    out.push({ id, header: id, isPlatform: false, created: Number(a.created ?? 0) });
  }
  return out;
}

/**
 * The key's own account. A restricted key may lack the permission to read `/v1/account`; Stripe's 403
 * names the account ("… on account 'acct_…'"), which is all we need for `_account`.
 */
async function ownAccount(client: StripeClient, signal?: AbortSignal): Promise<AccountScope> {
  try {
    const own = await client.get<Obj>('/v1/account', {}, { signal });
    return { id: own.id as string, isPlatform: true, created: Number(own.created ?? STRIPE_EPOCH) };
  } catch (err) {
    const named =
      err instanceof StripePermissionError
        ? /on account '(acct_[A-Za-z0-9]+)'/.exec(err.message)?.[1]
        : undefined;
    if (!named) throw err;
    return { id: named, isPlatform: true, created: STRIPE_EPOCH };
  }
}

/** Stripe's clock now (the `Date` of a response), whatever the key may read: a 403 carries it too. */
export async function serverTime(
  client: StripeClient,
  account: AccountScope,
  signal?: AbortSignal,
): Promise<number> {
  try {
    return (await client.getTimed('/v1/account', {}, { account: account.header, signal })).serverTime;
  } catch (err) {
    const date = err instanceof StripePermissionError ? Date.parse(err.headers.date ?? '') : Number.NaN;
    if (!Number.isFinite(date)) throw err;
    return Math.floor(date / 1000);
  }
}
