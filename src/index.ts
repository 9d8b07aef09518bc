/**
 * stripe-elt as a library. The extraction engine (runSync) arrives with the engine issue; today the
 * package exports the Stripe API emulator.
 */
export {
  createEmulator,
  DEFAULT_LIVE_KEY,
  DEFAULT_RESTRICTED_KEY,
  DEFAULT_TEST_KEY,
  Emulator,
  PINNED_API_VERSION,
  type RunningEmulator,
  type SeedSize,
  type SeedSummary,
  type StartEmulatorOptions,
  startEmulator,
} from './emulator/index.js';
