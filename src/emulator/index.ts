/**
 * The local Stripe API emulator: `startEmulator()` for tests and the CLI (`stripe-elt emulator`).
 */
import { handleControl } from './control.js';
import { Emulator, type EmulatorOptions } from './emulator.js';
import { listen } from './http/server.js';
import { CUSTOM_ROUTES, RESOURCES } from './resources/index.js';
import { settle } from './resources/payments/settle.js';
import type { SeedSize, SeedSummary } from './seed/index.js';
import { seedWithoutLimits } from './seedWithoutLimits.js';

export { Emulator, PINNED_API_VERSION } from './emulator.js';
export { DEFAULT_LIVE_KEY, DEFAULT_RESTRICTED_KEY, DEFAULT_TEST_KEY } from './keys.js';
export type { SeedSize, SeedSummary } from './seed/index.js';

export interface StartEmulatorOptions extends EmulatorOptions {
  port?: number;
  host?: string;
  /** Seed the platform (and connected accounts) before listening. */
  size?: SeedSize;
}

export interface RunningEmulator {
  emulator: Emulator;
  /** Base URL, e.g. http://127.0.0.1:12111 */
  url: string;
  port: number;
  seedSummary?: SeedSummary;
  close(): Promise<void>;
}

/** An emulator with every resource and the control plane, not yet listening. */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const emulator = new Emulator(RESOURCES, CUSTOM_ROUTES, options);
  emulator.setControlHandler(handleControl);
  emulator.tickers.push(settle);
  return emulator;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = createEmulator(options);
  let seedSummary: SeedSummary | undefined;
  if (options.size)
    seedSummary = await seedWithoutLimits(emulator, { size: options.size, seed: options.seed ?? 1 });
  const http = await listen(emulator, { port: options.port ?? 0, host: options.host });
  return { emulator, url: http.url, port: http.port, seedSummary, close: http.close };
}
