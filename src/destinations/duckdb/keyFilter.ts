/**
 * A Bloom filter over the keys of one table, so that a batch whose keys are certainly new can skip the
 * probe query (duckdbMerge.ts). The probe scans the table's key columns, ~2 ms per 100k stored rows for
 * every batch, so a backfill's probes grow with the square of the table (1.4 s of an 11.7 s load of 500k
 * charge rows, in 5 000-row batches).
 *
 * The filter may say "maybe" for a key that is not stored, never "no" for one that is. A batch skips
 * its probe only if every key is a "no", so the false positive rate must be small against the batch
 * size: ~1e-5 per key at a layer's capacity (24 bits and 16 hashes per key) lets ~95% of 5 000-key
 * batches of new keys skip (at 1%, none would). It is complete because it is built from the table's
 * keys, every key appended afterwards is added, and keys are never removed (a rolled-back or deleted
 * key only causes a probe that finds nothing). That
 * holds while every insert into the table goes through one filter: the loader keeps one per table per
 * DuckDB instance, and an instance is the only writer of its file (instanceCache.ts).
 *
 * Layers: when a layer has taken its capacity, keys go into a new one four times larger, so the false
 * positive rate stays that low whatever the final size, at ~24–32 bits per key (1.25M keys: ~4 MB).
 */

/** Bits and hash functions per key: (1 − e^(−16/24))^16 ≈ 1e-5 false positives at capacity. */
const BITS_PER_KEY = 24;
const HASHES = 16;
const FIRST_CAPACITY = 1 << 14;

class Layer {
  readonly bits: Uint32Array;
  readonly mask: number;
  count = 0;

  constructor(readonly capacity: number) {
    // A power of two of bits, so a position is a mask away from a hash.
    let m = 32;
    while (m < capacity * BITS_PER_KEY) m *= 2;
    this.bits = new Uint32Array(m / 32);
    this.mask = m - 1;
  }
}

/** Two independent 32-bit hashes of a key's parts (FNV-1a and a Murmur3-style mix over UTF-16 units). */
function hashKey(parts: readonly unknown[], out: Uint32Array): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let p = 0; p < parts.length; p++) {
    const v = parts[p];
    const s = typeof v === 'string' ? v : v === null || v === undefined ? '\u0000null' : `\u0001${String(v)}`;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      let k = Math.imul(c, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h2 ^= Math.imul(k, 0x1b873593);
      h2 = (h2 << 13) | (h2 >>> 19);
      h2 = (Math.imul(h2, 5) + 0xe6546b64) | 0;
    }
    // A separator no text can forge: parts ("ab", "c") and ("a", "bc") hash apart.
    h1 = Math.imul(h1 ^ 0x1f, 0x01000193);
    h2 = (Math.imul(h2 ^ 0x1f, 0x85ebca6b) + p) | 0;
  }
  h2 ^= h2 >>> 16;
  h2 = Math.imul(h2, 0x85ebca6b);
  h2 ^= h2 >>> 13;
  out[0] = h1 >>> 0;
  out[1] = (h2 | 1) >>> 0; // odd: the probe sequence h1 + i·h2 visits distinct bits
}

export class KeyFilter {
  private readonly layers: Layer[] = [new Layer(FIRST_CAPACITY)];
  private readonly h = new Uint32Array(2);

  /** Keys added so far (with repeats). */
  get size(): number {
    return this.layers.reduce((n, l) => n + l.count, 0);
  }

  add(parts: readonly unknown[]): void {
    let layer = this.layers[this.layers.length - 1]!;
    if (layer.count >= layer.capacity) {
      layer = new Layer(layer.capacity * 4);
      this.layers.push(layer);
    }
    hashKey(parts, this.h);
    const [a, b] = this.h as unknown as [number, number];
    for (let i = 0; i < HASHES; i++) {
      const bit = (a + Math.imul(i, b)) & layer.mask;
      layer.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    layer.count++;
  }

  /** False: the key was never added. True: it may have been. */
  mayContain(parts: readonly unknown[]): boolean {
    hashKey(parts, this.h);
    const [a, b] = this.h as unknown as [number, number];
    for (const layer of this.layers) {
      let all = true;
      for (let i = 0; i < HASHES && all; i++) {
        const bit = (a + Math.imul(i, b)) & layer.mask;
        all = (layer.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
      }
      if (all) return true;
    }
    return false;
  }
}
