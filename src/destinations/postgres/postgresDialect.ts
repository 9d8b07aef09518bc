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
  // Rows travel as binary COPY (binaryEncoder.ts) in the target types, so staged values need no
  // conversion, except decimals: they are staged as text and cast here, which keeps numeric input rules
  // (exponents, NaN) the server's rather than re-implementing them in a binary numeric encoder.
  stagingType: (type) => (type === 'decimal' ? 'text' : TYPES[type]),
  fromStaging: (expr, type) => (type === 'decimal' ? `CAST(${expr} AS numeric)` : expr),
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
