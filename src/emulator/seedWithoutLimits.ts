import type { Emulator } from './emulator.js';
import { type SeedOptions, type SeedSummary, seedEmulator } from './seed/index.js';

/**
 * Seed with rate limits and injected faults suspended: the seed is the account's history, not traffic
 * (a `live` or `test` profile would throttle it like a client), then restore what was configured.
 */
export async function seedWithoutLimits(emulator: Emulator, opts: SeedOptions): Promise<SeedSummary> {
  const rate = emulator.rateLimiter.describe();
  const faults = emulator.faults.list();
  emulator.rateLimiter.configure('off');
  emulator.faults.clear();
  try {
    return await seedEmulator(emulator, opts);
  } finally {
    emulator.rateLimiter.configure(rate.profile, { global: rate.global, endpoint: rate.endpoint });
    if (faults.length > 0) emulator.faults.set(faults.map(({ seen: _s, fired: _f, ...rule }) => rule));
  }
}
