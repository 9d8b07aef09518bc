/**
 * Request counts per endpoint and status, overall and per account (`GET /_emulator/stats`), for tests
 * and the benchmark. Per account because Stripe's rate limits are per account: the benchmark's ceiling
 * is the slowest account's, accounts being served in parallel.
 */
type Counts = Map<string, Map<number, number>>;
type CountsJson = Record<string, Record<string, number>>;

export class RequestStats {
  private counts: Counts = new Map();
  private byAccount = new Map<string, Counts>();
  private started = Date.now();

  /** `account` is the `Stripe-Account` the request acted for, or `self` for the key's own account. */
  record(endpoint: string, status: number, account = 'self'): void {
    bump(this.counts, endpoint, status);
    let counts = this.byAccount.get(account);
    if (!counts) {
      counts = new Map();
      this.byAccount.set(account, counts);
    }
    bump(counts, endpoint, status);
  }

  reset(): void {
    this.counts = new Map();
    this.byAccount = new Map();
    this.started = Date.now();
  }

  snapshot(): {
    since: string;
    total: number;
    byStatus: Record<string, number>;
    endpoints: CountsJson;
    accounts: Record<string, CountsJson>;
  } {
    const byStatus: Record<string, number> = {};
    let total = 0;
    for (const m of this.counts.values()) {
      for (const [status, n] of m) {
        byStatus[String(status)] = (byStatus[String(status)] ?? 0) + n;
        total += n;
      }
    }
    const accounts: Record<string, CountsJson> = {};
    for (const [account, counts] of [...this.byAccount].sort(([a], [b]) => a.localeCompare(b))) {
      accounts[account] = toJson(counts);
    }
    return {
      since: new Date(this.started).toISOString(),
      total,
      byStatus,
      endpoints: toJson(this.counts),
      accounts,
    };
  }
}

function bump(counts: Counts, endpoint: string, status: number): void {
  let byStatus = counts.get(endpoint);
  if (!byStatus) {
    byStatus = new Map();
    counts.set(endpoint, byStatus);
  }
  byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
}

function toJson(counts: Counts): CountsJson {
  const out: CountsJson = {};
  for (const [endpoint, m] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    out[endpoint] = {};
    for (const [status, n] of m) out[endpoint][String(status)] = n;
  }
  return out;
}
