/**
 * Which Stripe accounts a run syncs (ARCHITECTURE.md §5.1, STRIPE-API-NOTES.md §5): the key's own
 * account, plus — with `all` — every connected account listed by `/v1/accounts`, each synced with
 * `Stripe-Account` into the same tables, told apart by `_account`.
 */
import type { Config } from '../config/config.js';
import type { StripeClient } from '../stripe/client.js';
import type { AccountScope } from './syncContext.js';

type Obj = Record<string, unknown>;

export async function resolveAccounts(
  client: StripeClient,
  setting: Config['stripe']['accounts'],
  signal?: AbortSignal,
): Promise<AccountScope[]> {
  const own = await client.get<Obj>('/v1/account', {}, { signal });
  const self: AccountScope = { id: own.id as string, isPlatform: true, created: Number(own.created ?? 0) };
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
