/**
 * The emulator's clock. Stripe timestamps are unix seconds; the emulator's "now" follows the real clock
 * from a chosen start, plus an offset that tests move forward (POST /_emulator/clock) to age events past
 * Stripe's 30-day retention without waiting a month.
 */
export class EmulatorClock {
  private startReal = Date.now();
  private startEmu: number;
  private offset = 0;
  /** When set, time stands still at this value (the seed generator travels through history with it). */
  private frozenAt: number | undefined;

  constructor(start?: number) {
    this.startEmu = start ?? Math.floor(Date.now() / 1000);
  }

  /** Current emulator time, unix seconds. */
  now(): number {
    if (this.frozenAt !== undefined) return this.frozenAt;
    return Math.floor(this.startEmu + (Date.now() - this.startReal) / 1000 + this.offset);
  }

  advance(seconds: number): number {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('clock can only move forward');
    if (this.frozenAt !== undefined) this.frozenAt += Math.floor(seconds);
    else this.offset += seconds;
    return this.now();
  }

  /** Stop the clock at `at` (unix seconds); used while seeding history. */
  freeze(at: number): void {
    this.frozenAt = Math.floor(at);
  }

  /** Let the clock run again from wherever it was frozen. */
  unfreeze(): void {
    if (this.frozenAt === undefined) return;
    this.startReal = Date.now();
    this.startEmu = this.frozenAt;
    this.offset = 0;
    this.frozenAt = undefined;
  }

  isFrozen(): boolean {
    return this.frozenAt !== undefined;
  }
}
