/** Seed generator entry point (being written). */
import type { Emulator } from '../emulator.js';

export type SeedSize = 'small' | 'medium' | 'large';

export interface SeedOptions {
  size: SeedSize;
  seed: number;
}

export interface SeedSummary {
  size: SeedSize;
  seed: number;
  accounts: string[];
  objects: number;
  byResource: Record<string, number>;
  ms: number;
}

export async function seedEmulator(_emulator: Emulator, _opts: SeedOptions): Promise<SeedSummary> {
  throw new Error('seed generator not implemented yet');
}
