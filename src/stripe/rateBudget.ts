/**
 * One request budget per Stripe account, shared by every stream and window syncing it: a global rate
 * (live 100/s, test 25/s — docs.stripe.com/rate-limits) and a per-endpoint rate (25/s by default), both
 * enforced client-side so we use the whole budget without provoking 429 storms.
 *
 * Each limit is a GCRA ("virtual scheduling") limiter: requests are spaced 1/rate apart with a small
 * burst allowance, which keeps every one-second window Stripe's limiter looks at under the limit.
 * Adaptive: a 429 that names a limiter (`Stripe-Rate-Limited-Reason`) lowers that limit by 20% for a
 * while; successes raise it back additively to the configured ceiling (AIMD).
 */
export interface RateBudgetOptions {
  /** Requests per second for the whole account. */
  globalRate: number;
  /** Requests per second per endpoint. */
  endpointRate: number;
  /** Fraction of the nominal rate to aim for; a little headroom absorbs clock and network jitter. */
  headroom?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

class Gcra {
  /** Theoretical arrival time of the next request (ms). */
  private tat = 0;
  rate: number;

  constructor(
    readonly ceiling: number,
    private readonly burst: number,
  ) {
    this.rate = ceiling;
  }

  private get interval(): number {
    return 1000 / this.rate;
  }

  /** Milliseconds until one more request conforms (0 = now). */
  wait(now: number): number {
    const allowAt = this.tat - this.burst * this.interval;
    return Math.max(0, allowAt - now);
  }

  take(now: number): void {
    this.tat = Math.max(this.tat, now) + this.interval;
  }

  penalize(): void {
    this.rate = Math.max(1, this.rate * 0.8);
  }

  reward(): void {
    if (this.rate < this.ceiling) this.rate = Math.min(this.ceiling, this.rate + this.ceiling * 0.01);
  }
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class RateBudget {
  private readonly global: Gcra;
  private readonly endpoints = new Map<string, Gcra>();
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly endpointCeiling: number;
  /** Requests granted, and 429s seen, for run records and metrics. */
  granted = 0;
  rateLimited = 0;

  constructor(opts: RateBudgetOptions) {
    const headroom = opts.headroom ?? 0.95;
    // Burst of 1 request: never more than `rate` requests in any sliding second.
    this.global = new Gcra(opts.globalRate * headroom, 1);
    this.endpointCeiling = opts.endpointRate * headroom;
    this.now = opts.now ?? (() => performance.now());
    this.sleep = opts.sleep ?? defaultSleep;
  }

  /** The configured global rate after headroom (requests/s): what concurrency should be sized for. */
  get globalRate(): number {
    return this.global.ceiling;
  }

  private endpoint(name: string): Gcra {
    let g = this.endpoints.get(name);
    if (!g) {
      g = new Gcra(this.endpointCeiling, 1);
      this.endpoints.set(name, g);
    }
    return g;
  }

  /** Wait until a request to `endpoint` fits both limits, then count it. */
  async acquire(endpoint: string, signal?: AbortSignal): Promise<void> {
    const e = this.endpoint(endpoint);
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      const wait = Math.max(this.global.wait(now), e.wait(now));
      if (wait <= 0) {
        this.global.take(now);
        e.take(now);
        this.granted++;
        return;
      }
      await this.sleep(wait, signal);
    }
  }

  /** Feedback from a response: a 429 naming a limiter slows that limiter down. */
  onRateLimited(endpoint: string, reason: string | undefined): void {
    this.rateLimited++;
    if (reason?.startsWith('endpoint')) this.endpoint(endpoint).penalize();
    else this.global.penalize();
  }

  onSuccess(endpoint: string): void {
    this.global.reward();
    this.endpoint(endpoint).reward();
  }

  /** Current effective rates, for logs and tests. */
  rates(): { global: number; endpoints: Record<string, number> } {
    return {
      global: this.global.rate,
      endpoints: Object.fromEntries([...this.endpoints].map(([k, g]) => [k, g.rate])),
    };
  }
}
