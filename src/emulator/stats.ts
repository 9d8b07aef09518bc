/** Request counts per endpoint and status, for tests and the benchmark (`GET /_emulator/stats`). */
export class RequestStats {
  private counts = new Map<string, Map<number, number>>();
  private started = Date.now();

  record(endpoint: string, status: number): void {
    let byStatus = this.counts.get(endpoint);
    if (!byStatus) {
      byStatus = new Map();
      this.counts.set(endpoint, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  reset(): void {
    this.counts = new Map();
    this.started = Date.now();
  }

  snapshot(): {
    since: string;
    total: number;
    byStatus: Record<string, number>;
    endpoints: Record<string, Record<string, number>>;
  } {
    const endpoints: Record<string, Record<string, number>> = {};
    const byStatus: Record<string, number> = {};
    let total = 0;
    for (const [endpoint, m] of [...this.counts].sort(([a], [b]) => a.localeCompare(b))) {
      endpoints[endpoint] = {};
      for (const [status, n] of m) {
        endpoints[endpoint][String(status)] = n;
        byStatus[String(status)] = (byStatus[String(status)] ?? 0) + n;
        total += n;
      }
    }
    return { since: new Date(this.started).toISOString(), total, byStatus, endpoints };
  }
}
