/**
 * What every part of the seed shares: the API, the seed's own random stream (choices are deterministic
 * from the seed number; ids come from the emulator's), the timeline, and which Stripe account a piece of
 * work acts as. A `Business` is one account's view: the platform, or a connected account reached with
 * `Stripe-Account` (the `account` option of `emulator.call`).
 */
import type { Random } from '../random.js';
import type { Obj, SeedApi } from './api.js';
import type { Timeline } from './timeline.js';

export const DAY = 86400;
export const HOUR = 3600;

export interface World {
  api: SeedApi;
  r: Random;
  tl: Timeline;
  /** The platform account id. */
  platform: string;
}

export class Business {
  /** Running count of customers, for unique e-mails and CRM ids. */
  customerSeq = 0;

  constructor(
    readonly w: World,
    /** The account id; `connected` says whether requests carry `Stripe-Account`. */
    readonly id: string,
    readonly connected: boolean,
    /** Short label for metadata and descriptions ("platform", "connected-1"). */
    readonly label: string,
  ) {}

  get api(): SeedApi {
    return this.w.api;
  }

  get r(): Random {
    return this.w.r;
  }

  get tl(): Timeline {
    return this.w.tl;
  }

  private get scope(): string | undefined {
    return this.connected ? this.id : undefined;
  }

  post(path: string, params: Record<string, unknown> = {}): Promise<Obj> {
    return this.w.api.post(path, params, this.scope);
  }

  /** A POST whose response is not needed (see SeedApi.postQuietly). */
  postQuietly(path: string, params: Record<string, unknown>): Promise<void> {
    return this.w.api.postQuietly(path, params, this.scope);
  }

  /** A POST a card decline (402) may answer; see SeedApi.attempt. */
  attempt(path: string, params: Record<string, unknown>): Promise<{ ok: boolean; json: Obj }> {
    return this.w.api.attempt(path, params, this.scope);
  }

  get(path: string, params: Record<string, unknown> = {}): Promise<Obj> {
    return this.w.api.get(path, params, this.scope);
  }

  del(path: string): Promise<Obj> {
    return this.w.api.del(path, this.scope);
  }
}

/** Add calendar months the way Stripe's billing periods do (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(t: number, months: number): number {
  const d = new Date(t * 1000);
  const day = d.getUTCDate();
  const target = new Date(
    Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() + months,
      1,
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
    ),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return Math.floor(target.getTime() / 1000);
}
