/**
 * The warehouse-neutral column type model (ARCHITECTURE.md §4): every Stripe field maps to one of these,
 * and each destination dialect maps these to its own types (jsonb / JSON / VARIANT / SUPER …).
 */
import { type FieldSchema, typesOf } from './schemaTypes.js';

export type ColumnType = 'text' | 'bigint' | 'double' | 'boolean' | 'timestamp' | 'decimal' | 'json';

export type ColumnSource =
  /** A top-level field of the Stripe object. */
  | { kind: 'field'; field: string }
  /** One metadata key promoted to a column. */
  | { kind: 'metadata'; key: string }
  /** The parent id of a child row whose object lacks it (credit note lines → credit_note). */
  | { kind: 'parent' }
  /** `_account`, `_synced_at`, `_deleted`, `_version`. */
  | { kind: 'system' }
  /** Columns of derived rows (fee_details' `index`) and reference tables. */
  | { kind: 'derived' };

export interface Column {
  name: string;
  type: ColumnType;
  source: ColumnSource;
}

/** Stripe field schema → column type. Unions of scalars with objects go to JSON, losing nothing. */
export function columnTypeOf(schema: FieldSchema): ColumnType {
  if (schema['x-expandable']) return 'text';
  const types = typesOf(schema).filter((t) => t !== 'null');
  if (types.length !== 1)
    return types.length === 0 && schema.const !== undefined ? constType(schema.const) : 'json';
  switch (types[0]) {
    case 'string':
      return schema.format === 'decimal' ? 'decimal' : 'text';
    case 'integer':
      return schema.format === 'unix-time' ? 'timestamp' : 'bigint';
    case 'number':
      return 'double';
    case 'boolean':
      return 'boolean';
    default:
      return 'json';
  }
}

function constType(c: string | boolean): ColumnType {
  return typeof c === 'boolean' ? 'boolean' : 'text';
}

/** Type for a top-level field the schema does not know yet (Stripe added it after our SDK pin). */
export function columnTypeOfValue(value: unknown): ColumnType {
  if (typeof value === 'string') return 'text';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'bigint' : 'double';
  return 'json';
}
