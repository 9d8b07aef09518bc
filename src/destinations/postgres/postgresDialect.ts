/**
 * PostgreSQL's answers to the Dialect questions. Types: text, bigint, double precision, boolean,
 * timestamptz (microseconds), numeric (unbounded: Stripe's `*_decimal` strings are kept exactly, scale
 * included) and jsonb (indexable, queryable with ->>; normalises key order and whitespace, so JSON comes
 * back equal in value, not in bytes). Postgres cannot store U+0000 in text or jsonb: see nulEscape.ts.
 */
import type { ColumnType } from '../../schema/columnTypes.js';
import type { Dialect } from '../sql/dialect.js';
import { quoteIdentifierChecked } from '../sql/identifiers.js';
import { decodeNulJson, decodeNulText, encodeNulJson, encodeNulText } from '../sql/nulEscape.js';

/** NAMEDATALEN − 1 (postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS). */
export const POSTGRES_MAX_IDENTIFIER = 63;

const TYPES: Record<ColumnType, string> = {
  text: 'text',
  bigint: 'bigint',
  double: 'double precision',
  boolean: 'boolean',
  timestamp: 'timestamptz',
  decimal: 'numeric',
  json: 'jsonb',
};

export const postgresDialect: Dialect = {
  name: 'postgres',
  maxIdentifierLength: POSTGRES_MAX_IDENTIFIER,
  quoteIdentifier: (name) => quoteIdentifierChecked(name, POSTGRES_MAX_IDENTIFIER),
  foldIdentifier: (name) => name,
  columnType: (type) => TYPES[type],
  // Timestamps travel through COPY as epoch seconds: printing a number is far cheaper than building an
  // ISO string with microseconds, and to_timestamp(double precision) keeps microseconds exactly.
  stagingType: (type) => (type === 'timestamp' ? 'double precision' : TYPES[type]),
  fromStaging: (expr, type) => (type === 'timestamp' ? `to_timestamp(${expr})` : expr),
  timestampFromEpoch: (expr) => `to_timestamp(CAST(${expr} AS double precision))`,
  textArrayParam: (i) => `CAST($${i} AS text[])`,
  param: (i) => `$${i}`,
  readExpr: (expr, type) => {
    switch (type) {
      case 'timestamp':
        return `EXTRACT(EPOCH FROM ${expr})::text`; // numeric, exact to the microsecond
      case 'bigint':
      case 'decimal':
      case 'json':
        return `${expr}::text`;
      default:
        return expr;
    }
  },
  encodeText: encodeNulText,
  decodeText: decodeNulText,
  encodeJson: encodeNulJson,
  decodeJson: decodeNulJson,
};
