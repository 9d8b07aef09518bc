/**
 * How the seed talks to the emulator: the public API with Stripe's own parameter names, in-process
 * (`emulator.call`), so the seeded data is exactly what a client driving a faithful Stripe would create —
 * events, side effects and all. A failed call is a seed bug and stops the seed with the request and
 * Stripe's error message; a resource the emulator does not serve (yet) is skipped, with the reason kept
 * for the summary.
 */
import type { Emulator } from '../emulator.js';

export type Obj = Record<string, unknown> & { id: string; object: string };

export class SeedError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'SeedError';
  }
}

/**
 * The emulator has no route for a request (its resource has not been written yet): the piece of work that
 * needed it is dropped and the reason lands in the summary's `skipped`.
 */
export class SeedSkip extends Error {
  constructor(
    readonly feature: string,
    readonly reason: string,
  ) {
    super(`${feature}: ${reason}`);
    this.name = 'SeedSkip';
  }
}

/** `/v1/customers/cus_123/tax_ids` → `/v1/customers/:id/tax_ids` (ids have digits or capitals). */
export function routeLabel(method: string, path: string): string {
  return `${method} ${path
    .split('/')
    .map((s) => (/[0-9A-Z]/.test(s) && s !== 'v1' ? ':id' : s))
    .join('/')}`;
}

export class SeedApi {
  /** Work left out, with why (`{'POST /v1/disputes/:id/close': 'emulator has no route …'}`). */
  readonly skipped: Record<string, string> = {};
  requests = 0;

  constructor(readonly emulator: Emulator) {}

  /** Record that a feature was left out for a reason other than a missing route. */
  skip(feature: string, reason: string): void {
    if (!(feature in this.skipped)) this.skipped[feature] = reason;
  }

  post(path: string, params: Record<string, unknown> = {}, account?: string): Promise<Obj> {
    return this.send('POST', path, params, account);
  }

  /**
   * A POST that may be declined the way Stripe declines cards (402 `card_error`, e.g. `tok_chargeDeclined`):
   * the declined attempt still leaves its objects behind (a failed charge, a PaymentIntent waiting for a
   * new payment method), so it is part of the seed, not an error.
   */
  async attempt(
    path: string,
    params: Record<string, unknown>,
    account?: string,
  ): Promise<{ ok: boolean; json: Obj }> {
    try {
      return { ok: true, json: await this.send('POST', path, params, account) };
    } catch (err) {
      if (err instanceof SeedError && err.status === 402) return { ok: false, json: err.body as Obj };
      throw err;
    }
  }

  /** A POST whose response the seed does not need: the emulator skips rendering it. */
  async postQuietly(path: string, params: Record<string, unknown>, account?: string): Promise<void> {
    await this.send('POST', path, params, account, true);
  }

  get(path: string, params: Record<string, unknown> = {}, account?: string): Promise<Obj> {
    return this.send('GET', path, params, account);
  }

  del(path: string, account?: string): Promise<Obj> {
    return this.send('DELETE', path, {}, account);
  }

  private async send(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Record<string, unknown>,
    account: string | undefined,
    discardBody = false,
  ): Promise<Obj> {
    this.requests++;
    const res = await this.emulator.call(method, path, params, { account, discardBody });
    if (
      res.status === 404 &&
      String((res.json.error as { message?: unknown } | undefined)?.message).startsWith(
        'Unrecognized request URL',
      )
    ) {
      const label = routeLabel(method, path);
      throw new SeedSkip(label, `emulator has no route ${label}`);
    }
    if (res.status >= 300) {
      const err = (res.json.error ?? {}) as { message?: string; type?: string; param?: string };
      throw new SeedError(
        `seed request ${method} ${path}${account ? ` (account ${account})` : ''} failed: ${res.status} ` +
          `${err.type ?? 'error'}: ${err.message ?? JSON.stringify(res.json)}${err.param ? ` (param ${err.param})` : ''}` +
          ` — params ${JSON.stringify(params).slice(0, 400)}`,
        res.status,
        res.json,
      );
    }
    return res.json as Obj;
  }
}
