/**
 * Shared setup for the payments resource tests: an emulator at a fixed clock, a small API client over
 * `emulator.call` (throws with Stripe's error on anything but 200, unless `raw` is used), and event
 * helpers. Customers (the billing module's) are created through the API, as any client would.
 */
import type { Emulator } from '../../../../../src/emulator/emulator.js';
import { createEmulator } from '../../../../../src/emulator/index.js';

/** API responses are untyped JSON; tests read nested fields of them freely. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Json = Record<string, any>;
export type Obj = Json & { id: string; object: string };

/** 2023-11-14T22:13:20Z: a fixed "now" so dates in assertions are exact. */
export const NOW = 1_700_000_000;
export const DAY = 86400;

export function makeEmulator(): Emulator {
  const emu = createEmulator({ seed: 11, now: NOW });
  // Tests move time explicitly; a frozen clock keeps `created` values exact.
  emu.clock.freeze(NOW);
  return emu;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(`${status}: ${JSON.stringify(body)}`);
  }
  get error(): Json {
    return this.body.error as Json;
  }
}

export class Api {
  constructor(
    readonly emu: Emulator,
    readonly account?: string,
  ) {}

  as(account: string): Api {
    return new Api(this.emu, account);
  }

  async raw(method: 'GET' | 'POST' | 'DELETE', path: string, params: Record<string, unknown> = {}) {
    return this.emu.call(method, path, params, this.account ? { account: this.account } : {});
  }

  private async send(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Record<string, unknown>,
  ): Promise<Obj> {
    const res = await this.raw(method, path, params);
    if (res.status !== 200) throw new ApiError(res.status, res.json);
    return res.json as Obj;
  }

  post(path: string, params: Record<string, unknown> = {}): Promise<Obj> {
    return this.send('POST', path, params);
  }

  get(path: string, params: Record<string, unknown> = {}): Promise<Obj> {
    return this.send('GET', path, params);
  }

  del(path: string): Promise<Obj> {
    return this.send('DELETE', path, {});
  }

  /** The error a request fails with (fails the test when it succeeds). */
  async fails(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Record<string, unknown> = {},
  ): Promise<ApiError> {
    const res = await this.raw(method, path, params);
    if (res.status === 200)
      throw new Error(`expected ${method} ${path} to fail, got ${JSON.stringify(res.json).slice(0, 300)}`);
    return new ApiError(res.status, res.json);
  }

  /** Every id of a list (following `has_more`), newest first. */
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

  /** Events of this account, oldest first (optionally only types matching `prefix`). */
  async events(prefix = ''): Promise<Obj[]> {
    const out: Obj[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.get('/v1/events', { limit: 100, ...(after ? { starting_after: after } : {}) });
      const data = page.data as Obj[];
      out.push(...data);
      if (!page.has_more) break;
      after = data[data.length - 1]!.id;
    }
    return out.reverse().filter((e) => String(e.type).startsWith(prefix));
  }

  /**
   * Event types of this account, oldest first. `customer.*` events are left out: customers are test setup
   * here (the billing module emits them), not what the payments tests look at.
   */
  async eventTypes(prefix = ''): Promise<string[]> {
    return (await this.events(prefix)).map((e) => String(e.type)).filter((t) => !t.startsWith('customer.'));
  }
}

export function setup(): { emu: Emulator; api: Api } {
  const emu = makeEmulator();
  return { emu, api: new Api(emu) };
}

/** Moves the frozen emulator clock forward. */
export function advance(emu: Emulator, seconds: number): void {
  emu.clock.advance(seconds);
}

/** A connected account (onboarded) of the platform. */
export async function connectedAccount(api: Api, params: Record<string, unknown> = {}): Promise<Obj> {
  return api.post('/v1/accounts', {
    type: 'express',
    country: 'US',
    email: 'seller@example.com',
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    tos_acceptance: { date: NOW - DAY, ip: '203.0.113.9' },
    ...params,
  });
}

/** A charge whose funds are available at once (Stripe's 4000 0000 0000 0077 test card). */
export function fundBalance(api: Api, amount: number, currency = 'usd'): Promise<Obj> {
  return api.post('/v1/charges', { amount, currency, source: 'tok_bypassPending' });
}
