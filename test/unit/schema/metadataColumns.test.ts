/** Hostile metadata keys get safe, deterministic, stable column names (issue #3 "Hostile data"). */
import { describe, expect, it } from 'vitest';
import { fitIdentifier, snakeCase } from '../../../src/schema/identifiers.js';
import { assignMetadataColumns } from '../../../src/schema/metadataColumns.js';

const opts = { maxIdentifierLength: 63, cap: 200, reserved: new Set(['id', 'metadata']) };
const SAFE = /^[a-z0-9_]+$/;

describe('metadata columns', () => {
  const awkward = [
    'Plan Tier',
    'plan_tier',
    'PLAN-TIER',
    'customerTier',
    'Größe',
    '顧客番号',
    'emoji 🎉 key',
    "quote'; drop table customers; --",
    'x'.repeat(40),
    'a"b',
    '   ',
    'résumé',
  ];

  it('names are lower snake case ASCII within the identifier limit', () => {
    const { columns } = assignMetadataColumns(new Map(), awkward, opts);
    for (const [key, col] of columns) {
      expect(col, key).toMatch(SAFE);
      expect(col.startsWith('metadata_'), key).toBe(true);
      expect(Buffer.byteLength(col)).toBeLessThanOrEqual(63);
    }
    expect(new Set(columns.values()).size).toBe(awkward.length);
  });

  it('collisions after snake-casing are resolved deterministically, in sorted key order', () => {
    const a = assignMetadataColumns(new Map(), ['Plan Tier', 'plan_tier', 'PLAN-TIER'], opts).columns;
    const b = assignMetadataColumns(new Map(), ['PLAN-TIER', 'plan_tier', 'Plan Tier'], opts).columns;
    expect([...a]).toEqual([...b]);
    expect(a.get('PLAN-TIER')).toBe('metadata_plan_tier');
    expect(a.get('Plan Tier')).toBe('metadata_plan_tier_2');
    expect(a.get('plan_tier')).toBe('metadata_plan_tier_3');
  });

  it('existing names never change when new keys arrive', () => {
    const first = assignMetadataColumns(new Map(), ['plan_tier'], opts).columns;
    const second = assignMetadataColumns(first, ['Plan Tier', 'AAA'], opts).columns;
    expect(second.get('plan_tier')).toBe('metadata_plan_tier');
    expect(second.get('Plan Tier')).toBe('metadata_plan_tier_2');
  });

  it('keys past the cap stay in the metadata JSON', () => {
    const r = assignMetadataColumns(new Map(), ['a', 'b', 'c'], { ...opts, cap: 2 });
    expect(r.columns.size).toBe(2);
    expect(r.overflow).toEqual(['c']);
  });

  it('does not reuse a name taken by a table column', () => {
    const r = assignMetadataColumns(new Map(), ['x'], { ...opts, reserved: new Set(['metadata_x']) });
    expect(r.columns.get('x')).toBe('metadata_x_2');
  });

  it('snakeCase and fitIdentifier', () => {
    expect(snakeCase('customerTier')).toBe('customer_tier');
    expect(snakeCase('Größe')).toBe('grosse');
    expect(snakeCase('顧客')).toBe('');
    const long = fitIdentifier(`metadata_${'a'.repeat(80)}`, 63);
    expect(Buffer.byteLength(long)).toBe(63);
    expect(fitIdentifier(`metadata_${'a'.repeat(80)}b`, 63)).not.toBe(long);
  });
});
