/**
 * The fraction of a run's backfill that is done, for the progress bar's percentage and ETA. Each
 * account counts equally (its backfill units' covered `created` range over their whole range); accounts
 * not started yet count as 0, so the fraction does not jump back when a later account starts. Runs
 * without backfill (incremental only) have no fraction: their size is unknown until the events are read.
 */
export interface Coverage {
  coverage(): { covered: number; total: number };
}

export class SyncProgress {
  private readonly accounts = new Map<string, { units: Coverage[]; done: boolean }>();
  private expected = 0;

  expectAccounts(n: number): void {
    this.expected = n;
  }

  track(account: string, unit: Coverage): void {
    this.entry(account).units.push(unit);
  }

  accountDone(account: string): void {
    this.entry(account).done = true;
  }

  fraction(): number | undefined {
    let withBackfill = 0;
    let sum = 0;
    for (const { units, done } of this.accounts.values()) {
      if (units.length > 0) withBackfill++;
      if (done) {
        sum += 1;
        continue;
      }
      let covered = 0;
      let total = 0;
      for (const u of units) {
        const c = u.coverage();
        covered += c.covered;
        total += c.total;
      }
      sum += total > 0 ? covered / total : 0;
    }
    if (withBackfill === 0) return undefined;
    return sum / Math.max(this.expected, this.accounts.size);
  }

  private entry(account: string): { units: Coverage[]; done: boolean } {
    let e = this.accounts.get(account);
    if (!e) {
      e = { units: [], done: false };
      this.accounts.set(account, e);
    }
    return e;
  }
}
