/**
 * Connect (docs.stripe.com/connect/charges): the platform onboards connected accounts (`POST
 * /v1/accounts`), each then runs its own business through `Stripe-Account` — direct charges carrying an
 * `application_fee_amount`, so the platform collects application fees, some refunded — while the platform
 * sends them monthly transfers (some partially reversed) and destination charges.
 */
import type { Obj } from './api.js';
import { COUNTRIES } from './content.js';
import { Business, DAY, type World } from './world.js';

const TYPES = ['express', 'custom', 'standard'] as const;

export async function createConnectedAccount(w: World, platform: Business, n: number): Promise<Business> {
  const r = w.r;
  const type = TYPES[n % TYPES.length]!;
  const country = n === 0 ? 'US' : r.pick(COUNTRIES);
  const name = `${r.pick(['Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Wingtip', 'Litware'])} ${r.pick(['Yoga', 'Coffee', 'Design', 'Fitness', 'Books', 'Repairs'])}`;
  const acct = await platform.post('/v1/accounts', {
    type,
    country,
    email: `owner+${n}@${name.toLowerCase().replace(/\W+/g, '')}.example.com`,
    business_type: n % 2 === 0 ? 'company' : 'individual',
    business_profile: {
      name,
      url: `https://${name.toLowerCase().replace(/\W+/g, '-')}.example.com`,
      mcc: '5734',
    },
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    metadata: { platform_user_id: `usr_${1000 + n}`, onboarding: 'completed' },
  });
  return new Business(w, acct.id, true, `connected-${n + 1}`);
}

/** Monthly transfers of the platform to each connected account; a few partially reversed. */
export function scheduleTransfers(platform: Business, accounts: Business[], from: number): void {
  const r = platform.r;
  let sent = 0;
  const month = async () => {
    for (const acct of accounts) {
      // Like a real platform, send only what the available balance covers (Stripe refuses the rest).
      const balance = await platform.get('/v1/balance');
      const usd = (balance.available as { amount: number; currency: string }[]).find(
        (a) => a.currency === 'usd',
      );
      const amount = Math.min(r.int(50, 2000) * 100, Math.floor((usd?.amount ?? 0) / 2));
      if (amount < 100) continue;
      const t = await platform.post('/v1/transfers', {
        amount,
        currency: 'usd',
        destination: acct.id,
        description: `Monthly partner bonus (${acct.label})`,
        transfer_group: `MONTH_${new Date(platform.tl.now * 1000).toISOString().slice(0, 7)}`,
        metadata: { program: 'partner-bonus' },
      });
      // Every eighth bonus is partly clawed back.
      if (++sent % 8 === 3) {
        platform.tl.after(r.int(1, 10) * DAY, async () => {
          await platform.post(`/v1/transfers/${t.id}/reversals`, {
            amount: Math.floor(Number(t.amount) / 4),
            description: 'Bonus adjusted',
            metadata: { reason: 'adjustment' },
          });
        });
      }
    }
    platform.tl.after(30 * DAY, month);
  };
  platform.tl.at(from + 30 * DAY, month);
}

/**
 * Refund part of the platform's fee on a direct charge of a connected account (the fee lives on the
 * platform: `/v1/application_fees/{id}/refunds` is called without `Stripe-Account`).
 */
export async function refundApplicationFee(
  platform: Business,
  connected: Business,
  charge: string,
): Promise<void> {
  const ch: Obj = await connected.get(`/v1/charges/${charge}`);
  const fee =
    typeof ch.application_fee === 'string' ? ch.application_fee : (ch.application_fee as Obj | null)?.id;
  if (!fee) return;
  // A full refund of the charge may already have handed the whole fee back.
  const current = await platform.get(`/v1/application_fees/${fee}`);
  const amount = Number(current.amount) - Number(current.amount_refunded ?? 0);
  if (current.refunded === true || amount <= 0) return;
  await platform.post(`/v1/application_fees/${fee}/refunds`, {
    ...(amount > 1 ? { amount: Math.floor(amount / 2) } : {}),
    metadata: { reason: 'goodwill' },
  });
}
