import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../../../src/emulator/index.js';
import { seedEmulator } from '../../../../src/emulator/seed/index.js';

const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z

describe('seed generator (medium)', () => {
  it('makes about 100k objects over 3 accounts, with a 2,000-customer bulk import in one second', async () => {
    const emu = createEmulator({ seed: 3, now: NOW });
    const summary = await seedEmulator(emu, { size: 'medium', seed: 3 });
    expect(summary.skipped).toEqual({});
    expect(summary.objects).toBeGreaterThan(70_000);
    expect(summary.objects).toBeLessThan(150_000);
    expect(summary.accounts.length).toBeGreaterThanOrEqual(3);
    for (const account of summary.accounts.slice(1)) {
      expect(Object.values(summary.byAccount[account]!).reduce((a, b) => a + b, 0)).toBeGreaterThan(5_000);
    }
    const customers = emu.store.account(summary.accounts[0]!)!.collection('customers');
    const bySecond = new Map<number, number>();
    for (const rec of customers.records()) bySecond.set(rec.created, (bySecond.get(rec.created) ?? 0) + 1);
    expect(Math.max(...bySecond.values())).toBeGreaterThanOrEqual(2_000);
  }, 180_000);
});
