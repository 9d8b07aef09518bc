/**
 * `SyncProgress`: the backfill fraction behind the progress bar's percentage and ETA. Accounts weigh
 * the same, accounts not started count as nothing done, finished accounts as all done, and a run with
 * no backfill has no fraction at all.
 */
import { describe, expect, it } from 'vitest';
import { SyncProgress } from '../../../src/engine/syncProgress.js';

const unit = (covered: number, total: number) => ({ coverage: () => ({ covered, total }) });

describe('SyncProgress', () => {
  it('has no fraction when nothing is backfilled (an incremental run)', () => {
    const p = new SyncProgress();
    p.expectAccounts(2);
    p.accountDone('acct_a');
    expect(p.fraction()).toBeUndefined();
  });

  it('sums coverage over an account’s units and averages over the expected accounts', () => {
    const p = new SyncProgress();
    p.expectAccounts(2);
    p.track('acct_a', unit(30, 100));
    p.track('acct_a', unit(50, 100));
    expect(p.fraction()).toBeCloseTo(0.4 / 2); // the second account has not started
    p.track('acct_b', unit(100, 100));
    expect(p.fraction()).toBeCloseTo((0.4 + 1) / 2);
    p.accountDone('acct_a');
    expect(p.fraction()).toBe(1);
  });

  it('follows a unit as it reads (coverage is read live)', () => {
    let covered = 0;
    const p = new SyncProgress();
    p.expectAccounts(1);
    p.track('acct_a', { coverage: () => ({ covered, total: 200 }) });
    expect(p.fraction()).toBe(0);
    covered = 150;
    expect(p.fraction()).toBe(0.75);
  });
});
