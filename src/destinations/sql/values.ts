/**
 * Raw driver values → the warehouse-neutral values of rowBuilder.ts (text/decimal as strings, bigint and
 * double as numbers, timestamps as unix seconds, json as JSON text). Dialects select each column with
 * `readExpr` so that what arrives here is one of a few simple shapes whatever the driver.
 */
import type { ColumnType } from '../../schema/columnTypes.js';
import type { Value } from '../../schema/rowBuilder.js';
import type { Dialect } from './dialect.js';

/** A count or bigint as a JS number: drivers return int8 as string (pg) or bigint (DuckDB). */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'string') return Number(v);
  throw new TypeError(`expected a number, got ${typeof v}`);
}

/**
 * Canonical text of a decimal: no trailing fractional zeros, no trailing point. DuckDB prints every
 * DECIMAL(38,12) with 12 places and Postgres keeps the input's scale; both mean the same number, and
 * this is the form Stripe sends (`"12.5"`, `"1000"`).
 */
export function canonicalDecimal(s: string): string {
  if (!s.includes('.')) return s;
  const out = s.replace(/0+$/, '').replace(/\.$/, '');
  return out === '-0' ? '0' : out;
}

export function decodeValue(dialect: Dialect, type: ColumnType, raw: unknown): Value {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'text':
      return dialect.decodeText(String(raw));
    case 'json':
      return dialect.decodeJson(String(raw));
    case 'decimal':
      return canonicalDecimal(String(raw));
    case 'bigint':
    case 'double':
    case 'timestamp':
      return toNumber(raw);
    case 'boolean':
      return raw === true || raw === 't' || raw === 'true';
  }
}
