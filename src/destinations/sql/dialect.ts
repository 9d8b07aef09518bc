/**
 * What differs between SQL warehouses, as one small object per warehouse (ARCHITECTURE.md §3, §7.1):
 * identifier quoting, type names, how a staged value becomes a typed one, and value escapes. The DDL and
 * merge builders in this folder are written once against this interface; nothing else in a destination
 * quotes an identifier or names a type.
 */
import type { ColumnType } from '../../schema/columnTypes.js';

export interface Dialect {
  /** 'postgres', 'duckdb'. */
  readonly name: string;
  /** Longest identifier in bytes; longer names are refused rather than silently truncated. */
  readonly maxIdentifierLength: number;
  /**
   * THE place identifiers are quoted: `"` … `"`, embedded quotes doubled. Validates first (non-empty, no
   * U+0000, within `maxIdentifierLength`), so no name can break out of its quotes or be truncated.
   */
  quoteIdentifier(name: string): string;
  /** How the warehouse compares unquoted-equal names: DuckDB is case-insensitive even when quoted. */
  foldIdentifier(name: string): string;
  /** Warehouse type of a table column. */
  columnType(type: ColumnType): string;
  /** Type of the column in the staging table, i.e. what the bulk path writes. */
  stagingType(type: ColumnType): string;
  /** SQL turning a staged column (`expr`) into the target type (timestamps are staged as epoch seconds). */
  fromStaging(expr: string, type: ColumnType): string;
  /** SQL for a unix-seconds parameter as a timestamp with time zone. */
  timestampFromEpoch(expr: string): string;
  /** A text-array parameter usable as `x IN (SELECT unnest(…))`. */
  textArrayParam(index: number): string;
  /** Positional parameter placeholder, 1-based. */
  param(index: number): string;
  /** SQL selecting a column back in a form `decode…` can turn into a neutral value (see readRows). */
  readExpr(expr: string, type: ColumnType): string;
  /** Value escapes for warehouses that cannot store every string (Postgres and U+0000; see nulEscape.ts). */
  encodeText(s: string): string;
  decodeText(s: string): string;
  encodeJson(json: string): string;
  decodeJson(json: string): string;
}

/** Reserved prefix of our own tables and staging columns; refused in user table and column names. */
export const INTERNAL_PREFIX = '_stripe_elt_';
/** Staging column recording load order, so the last loaded row wins among equal `_version`s. */
export const SEQ_COLUMN = '_stripe_elt_seq';
