/**
 * `metadataValue`: metadata strings read as the configured column type, strictly; anything that does
 * not read as that type is NULL (the JSON column keeps the string), never a wrong number.
 */
import { describe, expect, it } from 'vitest';
import { metadataValue } from '../../../src/schema/metadataValue.js';

describe('metadataValue', () => {
  it.each([
    ['bigint', '42', 42],
    ['bigint', ' -7 ', -7],
    ['bigint', '+3', 3],
    ['bigint', '4.5', null],
    ['bigint', '1e3', null],
    ['bigint', '12 seats', null],
    ['bigint', '9007199254740993', null], // past 2^53: the digits would change
    ['bigint', '', null],
    ['double', '0.25', 0.25],
    ['double', '1e3', 1000],
    ['double', 'NaN', null],
    ['double', 'Infinity', null],
    ['double', '', null],
    ['double', 'abc', null],
    ['boolean', 'true', true],
    ['boolean', 'Yes', true],
    ['boolean', '1', true],
    ['boolean', 'FALSE', false],
    ['boolean', 'n', false],
    ['boolean', 'maybe', null],
    ['timestamp', '1767225600', 1_767_225_600],
    ['timestamp', '2026-01-05', 1_767_571_200],
    ['timestamp', '2026-01-05T10:30:00Z', 1_767_609_000],
    ['timestamp', '2026-01-05 10:30', 1_767_609_000],
    ['timestamp', '2026-01-05T10:30:00+02:00', 1_767_601_800],
    ['timestamp', '2026-13-45', null],
    ['timestamp', 'next week', null],
    ['text', 'a ␀ b', 'a ␀ b'],
  ] as const)('%s %j → %j', (type, raw, want) => {
    expect(metadataValue(type, raw)).toBe(want);
  });

  it('is null for a missing key', () => {
    expect(metadataValue('bigint', undefined)).toBeNull();
    expect(metadataValue('text', null)).toBeNull();
  });
});
