/**
 * Shared setup for the billing resource tests: the full emulator (`createEmulator()`) at a frozen clock,
 * a small client over `emulator.call` that throws Stripe's error on anything but 200, and builders for
 * the objects most tests start from (a customer, a product with a monthly price).
 */

import type { Emulator } from '../../../../../src/emulator/emulator.js';
import { createEmulator } from '../../../../../src/emulator/index.js';
import type { MutationContext } from '../../../../../src/emulator/resource.js';

// biome-ignore lint/suspicious/noExplicitAny: API responses are checked field by field in the tests.
export type Obj = Record<string, any> & { id: string; object: string };

/** 2023-11-14T22:13:20Z: a fixed "now" so dates in assertions are exact. */
export const NOW = 1_700_000_000;
export const DAY = 86400;

export class CallError extends Error {
  constructor(
    readonly status: number,
    readonly body: Obj,
  ) {
    super(`${status}: ${JSON.stringify(body)}`);
  }
  get error(): Obj {
    return this.body.error as Obj;
  }
}

type Method = 'GET' | 'POST' | 'DELETE';

export class Api {
  constructor(readonly emu: Emulator) {}

  raw(method: Method, path: string, params: Record<string, unknown> = {}) {
    return this.emu.call(method, path, params);
  }

  private async send(method: Method, path: string, params: Record<string, unknown>): Promise<Obj> {
    const res = await this.raw(method, path, params);
    if (res.status !== 200) throw new CallError(res.status, res.json as Obj);
    return res.json as Obj;
  }

  post(path: string, params: Record<string, unknown> = {}): Promise<Obj> {
    return this.send('POST', path, params);
  }

  get(path: string, params: Record<string, unknown> = {}): Promise<Obj> {
    return this.send('GET', path, params);
  }

  del(path: string, params: Record<string, unknown> = {}): Promise<Obj> {
    return this.send('DELETE', path, params);
  }

  /** The error a request fails with; fails the test when the request succeeds. */
  async fails(method: Method, path: string, params: Record<string, unknown> = {}): Promise<CallError> {
    const res = await this.raw(method, path, params);
    if (res.status === 200)
      throw new Error(`expected ${method} ${path} to fail, got ${JSON.stringify(res.json).slice(0, 300)}`);
    return new CallError(res.status, res.json as Obj);
  }

  /** Every id of a list, following `has_more`, newest first. */
  async ids(path: string, params: Record<string, unknown> = {}): Promise<string[]> {
    const out: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.get(path, {
        ...params,
        limit: 100,
        ...(after ? { starting_after: after } : {}),
      });
      out.push(...(page.data as Obj[]).map((o) => o.id));
      if (!page.has_more) return out;
      after = out[out.length - 1];
    }
  }

  /** Events, oldest first, optionally only those whose type starts with `prefix`. */
  async events(prefix = ''): Promise<Obj[]> {
    const out: Obj[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.get('/v1/events', { limit: 100, ...(after ? { starting_after: after } : {}) });
      out.push(...(page.data as Obj[]));
      if (!page.has_more) break;
      after = out[out.length - 1]!.id;
    }
    return out.reverse().filter((e) => String(e.type).startsWith(prefix));
  }

  async eventTypes(prefix = ''): Promise<string[]> {
    return (await this.events(prefix)).map((e) => String(e.type));
  }

  ctx(): MutationContext {
    return this.emu.context();
  }
}

export function setup(): { emu: Emulator; api: Api } {
  const emu = createEmulator({ seed: 7, now: NOW });
  emu.clock.freeze(NOW);
  return { emu, api: new Api(emu) };
}

/** Whether the payments resources (another module) are registered in this build. */
export function hasPayments(emu: Emulator): boolean {
  return emu.registry.has('payment_intents');
}

export function customer(api: Api, params: Record<string, unknown> = {}): Promise<Obj> {
  return api.post('/v1/customers', { email: 'ada@example.com', name: 'Ada Lovelace', ...params });
}

/** A product and its monthly price. */
export async function monthly(
  api: Api,
  amount = 2000,
  currency = 'usd',
): Promise<{ product: Obj; price: Obj }> {
  const product = await api.post('/v1/products', { name: `Plan ${amount}` });
  const price = await api.post('/v1/prices', {
    product: product.id,
    currency,
    unit_amount: amount,
    recurring: { interval: 'month' },
  });
  return { product, price };
}

export async function oneTimePrice(api: Api, amount = 500): Promise<Obj> {
  const product = await api.post('/v1/products', { name: `Item ${amount}` });
  return api.post('/v1/prices', { product: product.id, currency: 'usd', unit_amount: amount });
}
