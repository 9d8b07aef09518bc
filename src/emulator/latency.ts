/**
 * Simulated server time: Stripe list calls take tens to hundreds of milliseconds, growing with the
 * objects returned. The extractor must size its concurrency for that (in-flight ≈ rate × latency), so the
 * benchmark runs the emulator with realistic latency.
 */
import { z } from 'zod';

// Coerced so that form bodies (`baseMs=50`) work as well as JSON.
export const LatencySchema = z.object({
  baseMs: z.coerce.number().min(0).default(0),
  perObjectMs: z.coerce.number().min(0).default(0),
  jitterMs: z.coerce.number().min(0).default(0),
});
export type LatencyConfig = z.infer<typeof LatencySchema>;

/** Roughly what Stripe list pages of 100 objects take (observed ~200–400 ms). */
export const REALISTIC_LATENCY: LatencyConfig = { baseMs: 60, perObjectMs: 2, jitterMs: 40 };

export class Latency {
  private cfg: LatencyConfig = { baseMs: 0, perObjectMs: 0, jitterMs: 0 };

  constructor(
    cfg?: Partial<LatencyConfig>,
    private readonly random: () => number = Math.random,
  ) {
    if (cfg) this.set(cfg);
  }

  set(cfg: unknown): LatencyConfig {
    this.cfg = LatencySchema.parse(cfg);
    return this.cfg;
  }

  get(): LatencyConfig {
    return this.cfg;
  }

  delayMs(objects: number): number {
    const { baseMs, perObjectMs, jitterMs } = this.cfg;
    return baseMs + perObjectMs * objects + (jitterMs ? this.random() * jitterMs : 0);
  }
}
