/** Secrets never leave the process: Stripe keys, webhook secrets and URL passwords are masked. */
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../src/config/redact.js';

describe('redactSecrets', () => {
  it('masks Stripe secret and restricted keys, keeping mode and last 4', () => {
    const out = redactSecrets('key sk_live_51HabcdefGHIJKL1234 and rk_test_abcdefgh9876 used');
    expect(out).not.toContain('51HabcdefGHIJKL');
    expect(out).toContain('sk_live_****1234');
    expect(out).toContain('rk_test_****9876');
  });

  it('masks passwords in connection URLs and key=value strings', () => {
    const out = redactSecrets('connect postgres://elt:s3cr3t@db:5432/x failed; password=hunter2&x=1');
    expect(out).not.toContain('s3cr3t');
    expect(out).not.toContain('hunter2');
    expect(out).toContain('postgres://elt:****@db:5432/x');
  });

  it('leaves ordinary text alone', () => {
    expect(redactSecrets('synced 100 charges (ch_123) for acct_1')).toBe(
      'synced 100 charges (ch_123) for acct_1',
    );
  });
});
