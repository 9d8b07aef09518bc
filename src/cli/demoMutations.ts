/**
 * The changes the demo makes between its two syncs, through the emulator's Stripe API (in-process), so
 * the second sync has creates, updates, a refund, a cancellation and a deletion to pick up from events.
 */
import type { Emulator } from '../emulator/index.js';

type Obj = Record<string, unknown>;

async function call(
  emu: Emulator,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Obj = {},
): Promise<Obj> {
  const res = await emu.call(method, path, params);
  if (res.status !== 200)
    throw new Error(`demo: ${method} ${path} → ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

async function first(emu: Emulator, path: string, params: Obj, n: number): Promise<Obj[]> {
  const page = await call(emu, 'GET', path, { limit: n, ...params });
  return page.data as Obj[];
}

export async function mutateDemoAccount(emu: Emulator): Promise<string[]> {
  const done: string[] = [];
  const customers = await first(emu, '/v1/customers', {}, 5);
  for (const c of customers.slice(0, 3)) {
    await call(emu, 'POST', `/v1/customers/${c.id}`, {
      metadata: { segment: 'enterprise', 'Account Manager': 'Ada Lovelace' },
    });
  }
  done.push(
    `updated metadata of ${Math.min(3, customers.length)} customers (a new metadata key becomes a new column)`,
  );

  const fresh = await call(emu, 'POST', '/v1/customers', {
    email: 'new.customer@example.com',
    name: 'New Customer',
    metadata: { source: 'demo' },
  });
  const pi = await call(emu, 'POST', '/v1/payment_intents', {
    amount: 4200,
    currency: 'usd',
    customer: fresh.id,
    payment_method: 'pm_card_visa',
    confirm: 'true',
  });
  done.push(
    `created customer ${fresh.id} and a ${(Number(pi.amount) / 100).toFixed(2)} USD payment (${pi.id})`,
  );

  const charges = await first(emu, '/v1/charges', {}, 20);
  const refundable = charges.find((c) => c.status === 'succeeded' && !c.refunded);
  if (refundable) {
    await call(emu, 'POST', '/v1/refunds', { charge: refundable.id });
    done.push(`refunded charge ${refundable.id}`);
  }

  const subs = await first(emu, '/v1/subscriptions', { status: 'active' }, 1);
  if (subs[0]) {
    await call(emu, 'DELETE', `/v1/subscriptions/${subs[0].id}`);
    done.push(`canceled subscription ${subs[0].id}`);
  }

  const victim = customers[4];
  if (victim) {
    await call(emu, 'DELETE', `/v1/customers/${victim.id}`);
    done.push(`deleted customer ${victim.id} (kept in the warehouse, flagged _deleted)`);
  }
  return done;
}
