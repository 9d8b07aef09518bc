/**
 * Deterministic pseudo-random numbers (mulberry32) so that a seed number always produces the same
 * account, and id generation that looks like Stripe's (prefix + 24 base62 characters).
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** Scratch for `chars`: one flat string from char codes, not a rope of 24 one-character concatenations. */
const scratch: number[] = [];

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(pTrue = 0.5): boolean {
    return this.next() < pTrue;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Pick by weights: `[['a', 3], ['b', 1]]` returns 'a' three times as often. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }

  chars(n: number): string {
    scratch.length = n;
    for (let i = 0; i < n; i++) scratch[i] = CODES[Math.floor(this.next() * 62)]!;
    return String.fromCharCode.apply(null, scratch);
  }
}

const MAX_SEEN = 100_000;

/** Generates Stripe-looking ids: `cus_` + 14 chars, `ch_` + 24, ... unique per generator. */
export class IdGenerator {
  private readonly seen = new Set<string>();

  constructor(private readonly random: Random) {}

  /** Never hand out `id` (an id that exists already, such as the platform account's). */
  reserve(id: string): void {
    this.seen.add(id);
  }

  next(prefix: string, length = 24): string {
    for (;;) {
      const id = `${prefix}_${this.random.chars(length)}`;
      // Only remember (and check) ids while the set is small enough to matter: that covers an id drawn
      // again after a reset (see `reserve`); later, with 14 or 24 base62 characters, collisions are
      // astronomically unlikely, and a large seed must not keep (or probe) a second copy of every id.
      if (this.seen.size >= MAX_SEEN) return id;
      if (!this.seen.has(id)) {
        this.seen.add(id);
        return id;
      }
    }
  }
}
