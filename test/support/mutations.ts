/**
 * A random mix of creates, updates and deletes through the emulator's Stripe API (in-process), touching
 * every kind of change the engine must follow: new objects, metadata edits (hostile keys, NUL bytes,
 * 500-character values), status changes, refunds, cancellations, and deletions.
 */
import type { Emulator } from '../../src/emulator/index.js';
import { Random } from '../../src/emulator/random.js';

type Obj = Record<string, unknown>;

export interface MutationLog {
  counts: Record<string, number>;
}

async function call(
  emu: Emulator,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Obj = {},
  account?: string,
): Promise<Obj | undefined> {
  const res = await emu.call(method, path, params, account ? { account } : {});
  // Some random changes are invalid for the object's current state (Stripe would refuse them too).
  if (res.status === 400 || res.status === 402) return undefined;
  if (res.status !== 200)
    throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
  return res.json;
}

async function sample(
  emu: Emulator,
  path: string,
  params: Obj,
  rnd: Random,
  account?: string,
): Promise<Obj | undefined> {
  const page = await call(emu, 'GET', path, { limit: 100, ...params }, account);
  const data = (page?.data as Obj[] | undefined) ?? [];
  return data.length ? rnd.pick(data) : undefined;
}

const HOSTILE_KEYS = ['Plan Tier', 'plan_tier', 'drop"; --', 'naïve key', 'ＦＵＬＬ', `k${'x'.repeat(39)}`];

export async function randomMutations(
  emu: Emulator,
  seed: number,
  n: number,
  account?: string,
): Promise<MutationLog> {
  const rnd = new Random(seed);
  const counts: Record<string, number> = {};
  const did = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  for (let i = 0; i < n; i++) {
    const kind = rnd.weighted([
      ['customer.create', 3],
      ['customer.update', 4],
      ['customer.delete', 1],
      ['payment', 3],
      ['refund', 2],
      ['subscription.create', 2],
      ['subscription.update', 2],
      ['subscription.cancel', 1],
      ['product.update', 1],
      ['product.delete', 1],
      ['price.deactivate', 1],
      ['invoiceitem.create', 1],
      ['invoiceitem.delete', 1],
      ['coupon.delete', 1],
    ] as const);
    switch (kind) {
      case 'customer.create': {
        const key = rnd.pick(HOSTILE_KEYS);
        const value = rnd.bool(0.3) ? `nul\u0000byte ${i}` : rnd.bool(0.2) ? 'v'.repeat(500) : `value ${i}`;
        if (
          await call(
            emu,
            'POST',
            '/v1/customers',
            { email: `m${seed}.${i}@example.com`, name: `Mutant ${i}`, metadata: { [key]: value } },
            account,
          )
        )
          did(kind);
        break;
      }
      case 'customer.update': {
        const c = await sample(emu, '/v1/customers', {}, rnd, account);
        if (
          c &&
          (await call(
            emu,
            'POST',
            `/v1/customers/${c.id}`,
            { description: `changed ${seed}/${i}`, metadata: { [rnd.pick(HOSTILE_KEYS)]: `u${i}` } },
            account,
          ))
        )
          did(kind);
        break;
      }
      case 'customer.delete': {
        const c = await sample(emu, '/v1/customers', {}, rnd, account);
        if (c && (await call(emu, 'DELETE', `/v1/customers/${c.id}`, {}, account))) did(kind);
        break;
      }
      case 'payment': {
        const c = await sample(emu, '/v1/customers', {}, rnd, account);
        const pi = await call(
          emu,
          'POST',
          '/v1/payment_intents',
          {
            amount: rnd.int(100, 50_000),
            currency: 'usd',
            ...(c ? { customer: c.id } : {}),
            payment_method: rnd.bool(0.9) ? 'pm_card_visa' : 'pm_card_chargeDeclined',
            confirm: 'true',
          },
          account,
        );
        if (pi) did(kind);
        break;
      }
      case 'refund': {
        const ch = await sample(emu, '/v1/charges', {}, rnd, account);
        if (
          ch &&
          ch.status === 'succeeded' &&
          !ch.refunded &&
          (await call(
            emu,
            'POST',
            '/v1/refunds',
            { charge: ch.id, amount: Math.max(1, Math.floor(Number(ch.amount) / 2)) },
            account,
          ))
        )
          did(kind);
        break;
      }
      case 'subscription.create': {
        const c = await sample(emu, '/v1/customers', {}, rnd, account);
        const p = await sample(emu, '/v1/prices', { type: 'recurring' }, rnd, account);
        if (
          c &&
          p &&
          (await call(
            emu,
            'POST',
            '/v1/subscriptions',
            { customer: c.id, items: [{ price: p.id, quantity: rnd.int(1, 5) }] },
            account,
          ))
        )
          did(kind);
        break;
      }
      case 'subscription.update': {
        const s = await sample(emu, '/v1/subscriptions', { status: 'active' }, rnd, account);
        if (
          s &&
          (await call(
            emu,
            'POST',
            `/v1/subscriptions/${s.id}`,
            { metadata: { touched: String(i) }, cancel_at_period_end: rnd.bool() ? 'true' : 'false' },
            account,
          ))
        )
          did(kind);
        break;
      }
      case 'subscription.cancel': {
        const s = await sample(emu, '/v1/subscriptions', { status: 'active' }, rnd, account);
        if (s && (await call(emu, 'DELETE', `/v1/subscriptions/${s.id}`, {}, account))) did(kind);
        break;
      }
      case 'product.update': {
        const p = await sample(emu, '/v1/products', {}, rnd, account);
        if (p && (await call(emu, 'POST', `/v1/products/${p.id}`, { description: `desc ${i}` }, account)))
          did(kind);
        break;
      }
      case 'product.delete': {
        // Only a product without prices can be deleted; make one to delete.
        const p = await call(emu, 'POST', '/v1/products', { name: `Temp ${i}` }, account);
        if (p && (await call(emu, 'DELETE', `/v1/products/${p.id}`, {}, account))) did(kind);
        break;
      }
      case 'price.deactivate': {
        const p = await sample(emu, '/v1/prices', { active: 'true' }, rnd, account);
        if (p && (await call(emu, 'POST', `/v1/prices/${p.id}`, { active: 'false' }, account))) did(kind);
        break;
      }
      case 'invoiceitem.create': {
        const c = await sample(emu, '/v1/customers', {}, rnd, account);
        if (
          c &&
          (await call(
            emu,
            'POST',
            '/v1/invoiceitems',
            { customer: c.id, amount: rnd.int(100, 9000), currency: 'usd', description: `item ${i}` },
            account,
          ))
        )
          did(kind);
        break;
      }
      case 'invoiceitem.delete': {
        const ii = await sample(emu, '/v1/invoiceitems', { pending: 'true' }, rnd, account);
        if (ii && (await call(emu, 'DELETE', `/v1/invoiceitems/${ii.id}`, {}, account))) did(kind);
        break;
      }
      case 'coupon.delete': {
        const c = await sample(emu, '/v1/coupons', {}, rnd, account);
        if (c && (await call(emu, 'DELETE', `/v1/coupons/${c.id}`, {}, account))) did(kind);
        break;
      }
    }
  }
  return { counts };
}
