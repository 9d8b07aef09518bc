/**
 * One request budget per Stripe account, shared by every stream and window syncing it: a global rate
 * (live 100/s, test 25/s — docs.stripe.com/rate-limits) and a per-endpoint rate (25/s by default), both
 * enforced client-side so we use the whole budget without provoking 429 storms.
 *
 * Each limit is a GCRA ("virtual scheduling") limiter: requests are spaced 1/rate apart with a small
 * burst allowance, which keeps every one-second window Stripe's limiter looks at under the limit.
 * Adaptive: a 429 that names a limiter (`Stripe-Rate-Limited-Reason`) lowers that limit by 20% for a
 * while; successes raise it back additively to the configured ceiling (AIMD).
 *
 * Priority: when several endpoints compete for the global rate, the one with the most work left should
 * not wait behind the others. A backfill's run time is set by its busiest endpoint (on an account with
 * many customers, the three per-customer child lists: one request per customer each, at 25/s per
 * endpoint), while every other stream's requests fit in the global rate those leave over. With
 * first-come grants the other streams took global slots from the child lists while both were busy,
 * and the child lists ran at ~22 instead of ~23.75 req/s for most of the `large` benchmark. So a
 * request that is ready yields the next global slot to a waiting request of a higher-priority
 * endpoint whose own limit lets it go within one global interval (`setPriority`: the account's
 * scheduler ranks endpoints by queued work). Lower-priority requests still get every slot the
 * urgent ones cannot use: three endpoints at their own limit need 75 of the 100 per second.
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

  /** Milliseconds between requests at the current rate. */
  get interval(): number {
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

interface Waiter {
  /** When its current sleep ends (ms, on `now`'s clock). */
  wakeAt: number;
}

/**
 * Below this global interval (ms) requests are not reordered by priority: timers have a 1 ms
 * resolution, so a yielded slot would mostly be lost, and at such rates (> 500 req/s, only with limits
 * raised against a local server) a thousand requests in flight would spend their time yielding.
 */
const MIN_PRIORITY_INTERVAL_MS = 2;

export class RateBudget {
  private readonly global: Gcra;
  /** Requests waiting in `acquire`, by endpoint, for priority decisions. */
  private readonly waiting = new Map<string, Set<Waiter>>();
  private priority: ((endpoint: string) => number) | undefined;
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

  /**
   * How urgent each endpoint's requests are (higher first), or undefined for first come, first served.
   * Asked whenever a ready request checks for more urgent ones, so it may change as work progresses.
   */
  setPriority(priority: ((endpoint: string) => number) | undefined): void {
    this.priority = priority;
  }

  /** Wait until a request to `endpoint` fits both limits, then count it. */
  async acquire(endpoint: string, signal?: AbortSignal): Promise<void> {
    const limiter = this.endpoint(endpoint);
    const me: Waiter = { wakeAt: 0 };
    let waiters = this.waiting.get(endpoint);
    if (!waiters) {
      waiters = new Set();
      this.waiting.set(endpoint, waiters);
    }
    waiters.add(me);
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = this.now();
        let wait = Math.max(this.global.wait(now), limiter.wait(now));
        if (wait <= 0) {
          const yieldMs = this.moreUrgentDue(endpoint, now);
          if (yieldMs === undefined) {
            this.global.take(now);
            limiter.take(now);
            this.granted++;
            return;
          }
          // At least 1 ms: the urgent request may be due now and only needs its turn on the event loop.
          wait = Math.max(1, yieldMs);
        }
        me.wakeAt = now + wait;
        await this.sleep(wait, signal);
      }
    } finally {
      waiters.delete(me);
      if (waiters.size === 0 && this.waiting.get(endpoint) === waiters) this.waiting.delete(endpoint);
    }
  }

  /**
   * Milliseconds until a waiting request of a higher-priority endpoint goes, if that is within one
   * global interval: its endpoint's limit lets it go by then and it wakes by then (then a request to
   * `endpoint` leaves it the global slot). Undefined when it may take the slot now. Cost: one look per endpoint waiting,
   * and per urgent endpoint at its waiters until one that wakes in time.
   */
  private moreUrgentDue(endpoint: string, now: number): number | undefined {
    const priority = this.priority;
    const horizon = this.global.interval;
    if (!priority || this.waiting.size < 2 || horizon < MIN_PRIORITY_INTERVAL_MS) return undefined;
    const mine = priority(endpoint);
    let due: number | undefined;
    for (const [other, waiters] of this.waiting) {
      if (other === endpoint || priority(other) <= mine) continue;
      const ready = this.endpoint(other).wait(now);
      if (ready > horizon) continue;
      for (const w of waiters) {
        if (w.wakeAt - now > horizon) continue;
        const at = Math.max(ready, w.wakeAt - now, 0);
        if (due === undefined || at < due) due = at;
        break;
      }
    }
    return due;
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
