/**
 * Metadata keys promoted to `metadata_<key>` columns, with names that never change once given: the
 * mapping key → column is kept in the destination's state, new keys are named in sorted order, and a
 * name already taken (two keys that collide after lower-snake-casing, like "Plan Tier" and "plan_tier")
 * gets `_2`, `_3`, … So a column analysts query today means the same key forever.
 */
import { fitIdentifier, shortHash, snakeCase } from './identifiers.js';

export const METADATA_PREFIX = 'metadata_';

export interface MetadataAssignment {
  /** Every key → column, old and new. */
  columns: Map<string, string>;
  /** Keys that got a column in this call, in order. */
  added: { key: string; column: string }[];
  /** Keys left only in the `metadata` JSON because the table reached its cap. */
  overflow: string[];
}

export interface MetadataOptions {
  /** Identifier length limit of the destination (Postgres 63). */
  maxIdentifierLength: number;
  /** At most this many metadata columns per table; the rest stay in JSON. */
  cap: number;
  /** Column names used by the table already (Stripe fields, system columns). */
  reserved: ReadonlySet<string>;
}

export function assignMetadataColumns(
  existing: ReadonlyMap<string, string>,
  keys: Iterable<string>,
  opts: MetadataOptions,
): MetadataAssignment {
  const columns = new Map(existing);
  const taken = new Set([...opts.reserved, ...existing.values()]);
  const added: MetadataAssignment['added'] = [];
  const overflow: string[] = [];
  const fresh = [...new Set(keys)].filter((k) => !columns.has(k)).sort();
  for (const key of fresh) {
    if (columns.size >= opts.cap) {
      overflow.push(key);
      continue;
    }
    const stem = snakeCase(key) || `key_${shortHash(key)}`;
    const base = fitIdentifier(METADATA_PREFIX + stem, opts.maxIdentifierLength);
    let name = base;
    for (let n = 2; taken.has(name); n++)
      name = fitIdentifier(`${METADATA_PREFIX}${stem}_${n}`, opts.maxIdentifierLength);
    taken.add(name);
    columns.set(key, name);
    added.push({ key, column: name });
  }
  return { columns, added, overflow };
}
