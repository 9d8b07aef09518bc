import { describe, expect, it } from 'vitest';
import { duckdbDialect } from '../../../src/destinations/duckdb/duckdbDialect.js';
import { postgresDialect } from '../../../src/destinations/postgres/postgresDialect.js';
import { canonicalDecimal, decodeValue, toNumber } from '../../../src/destinations/sql/values.js';

describe('reading values back', () => {
  it('canonicalises decimals: no trailing fractional zeros, integers unchanged', () => {
    expect(canonicalDecimal('12.500000000000')).toBe('12.5');
    expect(canonicalDecimal('1000')).toBe('1000');
    expect(canonicalDecimal('1000.000000000000')).toBe('1000');
    expect(canonicalDecimal('-0.000000000001')).toBe('-0.000000000001');
    expect(canonicalDecimal('-0.000')).toBe('0');
  });

  it('turns driver numbers (int8 strings, bigints) into JS numbers', () => {
    expect(toNumber('9007199254740991')).toBe(2 ** 53 - 1);
    expect(toNumber(42n)).toBe(42);
    expect(() => toNumber(null)).toThrow(TypeError);
  });

  it('decodes text and JSON through the dialect escape', () => {
    expect(decodeValue(postgresDialect, 'text', 'a␀0b')).toBe('a\u0000b');
    expect(decodeValue(duckdbDialect, 'text', 'a␀0b')).toBe('a␀0b');
    expect(decodeValue(postgresDialect, 'json', '{"k": "␀0"}')).toBe('{"k": "\\u0000"}');
    expect(decodeValue(postgresDialect, 'timestamp', '1700000000.123456')).toBe(1_700_000_000.123456);
    expect(decodeValue(postgresDialect, 'boolean', false)).toBe(false);
    expect(decodeValue(postgresDialect, 'bigint', null)).toBeNull();
  });
});
