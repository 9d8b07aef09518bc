/**
 * The table a stream loads into (ARCHITECTURE.md §4): one column per top-level Stripe field, typed from
 * schemas/, then promoted metadata keys, then system columns. Primary key `(_account, [parent], id)`.
 */
import type { StreamDefinition } from '../catalog/streamDefinition.js';
import { type Column, type ColumnType, columnTypeOf } from './columnTypes.js';
import type { FieldSchema, StreamSchema } from './schemaTypes.js';

export const SYSTEM_COLUMNS: readonly Column[] = [
  { name: '_account', type: 'text', source: { kind: 'system' } },
  { name: '_synced_at', type: 'timestamp', source: { kind: 'system' } },
  { name: '_deleted', type: 'boolean', source: { kind: 'system' } },
  { name: '_version', type: 'bigint', source: { kind: 'system' } },
];

export interface TableSpec {
  name: string;
  stream: string;
  columns: Column[];
  /** Column names of the primary key, `_account` first. */
  primaryKey: string[];
}

/** Columns for a stream's own fields (+ parent key), in a stable order: key columns, then alphabetical. */
export function fieldColumns(stream: StreamDefinition, properties: Record<string, FieldSchema>): Column[] {
  const cols = new Map<string, Column>();
  for (const [field, schema] of Object.entries(properties)) {
    if (schema['x-deleted-marker']) continue; // `deleted: true` lives in `_deleted`
    cols.set(field, { name: field, type: columnTypeOf(schema), source: { kind: 'field', field } });
  }
  if (stream.parent && !cols.has(stream.parent.key)) {
    cols.set(stream.parent.key, { name: stream.parent.key, type: 'text', source: { kind: 'parent' } });
  }
  for (const k of stream.primaryKey) {
    if (!cols.has(k))
      cols.set(k, { name: k, type: k === 'index' ? 'bigint' : 'text', source: { kind: 'derived' } });
  }
  const keyCols = stream.primaryKey.map((k) => cols.get(k)!);
  const rest = [...cols.values()]
    .filter((c) => !stream.primaryKey.includes(c.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  return [...keyCols, ...rest];
}

/** Properties describing a stream's rows: its own schema, or the array items of its parent's schema. */
export function streamProperties(
  stream: StreamDefinition,
  schemas: ReadonlyMap<string, StreamSchema>,
): Record<string, FieldSchema> {
  if (stream.reference) return referenceProperties(stream.name);
  if (stream.parent?.embeddedArray) {
    const parent = schemas.get(stream.parent.stream);
    const items = parent?.properties[stream.parent.embeddedArray]?.items;
    if (!items?.properties)
      throw new Error(
        `schema for ${stream.parent.stream}.${stream.parent.embeddedArray} has no item properties`,
      );
    return items.properties;
  }
  const schema = schemas.get(stream.schema ?? stream.name);
  if (!schema)
    throw new Error(
      `no schema for stream ${stream.name} (expected schemas/${stream.schema ?? stream.name}.json)`,
    );
  return schema.properties;
}

function referenceProperties(name: string): Record<string, FieldSchema> {
  if (name === 'currencies') return { code: { type: 'string' }, exponent: { type: 'integer' } };
  throw new Error(`unknown reference table ${name}`);
}

export function baseTableSpec(
  stream: StreamDefinition,
  schemas: ReadonlyMap<string, StreamSchema>,
): TableSpec {
  const columns = [...fieldColumns(stream, streamProperties(stream, schemas)), ...SYSTEM_COLUMNS];
  return { name: stream.name, stream: stream.name, columns, primaryKey: ['_account', ...stream.primaryKey] };
}

/** The spec with extra columns (new Stripe fields, metadata keys) inserted before the system columns. */
export function withColumns(spec: TableSpec, extra: readonly Column[]): TableSpec {
  if (extra.length === 0) return spec;
  const system = spec.columns.filter((c) => c.source.kind === 'system');
  const others = spec.columns.filter((c) => c.source.kind !== 'system');
  return { ...spec, columns: [...others, ...extra, ...system] };
}

export function columnType(spec: TableSpec, name: string): ColumnType | undefined {
  return spec.columns.find((c) => c.name === name)?.type;
}
