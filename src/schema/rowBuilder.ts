/**
 * Stripe object → row values aligned with a TableSpec's columns. Values are warehouse-neutral:
 * text/decimal as strings, bigint/double as numbers, timestamp as unix seconds, json as JSON text;
 * each destination's loader formats them for its bulk path.
 */
import type { ColumnType } from './columnTypes.js';
import { metadataValue } from './metadataValue.js';
import type { TableSpec } from './tableSpec.js';

export type Value = string | number | boolean | null;
export type Row = Value[];

export interface RowContext {
  account: string;
  /** Unix seconds (fractional allowed). */
  syncedAt: number;
  /** Event `created` or fetch time, unix seconds: an older version never overwrites a newer one. */
  version: number;
  deleted: boolean;
  /** Parent id for child rows whose object does not carry it. */
  parentId?: string;
  /** Position in the parent's array, for rows derived from plain arrays. */
  index?: number;
}

type Getter = (obj: Record<string, unknown>, ctx: RowContext) => Value;

function convert(type: ColumnType, v: unknown): Value {
  if (v === undefined || v === null) return null;
  switch (type) {
    case 'text':
      if (typeof v === 'string') return v;
      // An expanded reference still stores its id; anything else unexpected is kept as JSON text.
      if (typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string')
        return (v as { id: string }).id;
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'decimal':
      return String(v);
    case 'bigint':
    case 'double':
    case 'timestamp':
      return typeof v === 'number' ? v : Number(v);
    case 'boolean':
      return typeof v === 'boolean' ? v : v === 'true';
    case 'json':
      return JSON.stringify(v);
  }
}

/** Compiles a spec once into per-column getters; `build` is then a tight loop. */
export class RowBuilder {
  private readonly getters: Getter[];

  constructor(readonly spec: TableSpec) {
    this.getters = spec.columns.map((col): Getter => {
      const { source, type, name } = col;
      switch (source.kind) {
        case 'field': {
          const f = source.field;
          return (o) => convert(type, o[f]);
        }
        case 'metadata': {
          const k = source.key;
          return (o) => {
            const md = o.metadata as Record<string, unknown> | null | undefined;
            return md && typeof md === 'object' ? metadataValue(type, md[k]) : null;
          };
        }
        case 'parent':
          return (_o, c) => (c.parentId ?? null) as Value;
        case 'derived':
          return name === 'index' ? (_o, c) => c.index ?? null : (o) => convert(type, o[name]);
        case 'system':
          switch (name) {
            case '_account':
              return (_o, c) => c.account;
            case '_synced_at':
              return (_o, c) => c.syncedAt;
            case '_deleted':
              return (_o, c) => c.deleted;
            case '_version':
              return (_o, c) => c.version;
            default:
              throw new Error(`unknown system column ${name}`);
          }
        default:
          throw new Error(`unknown column source ${(source as { kind: string }).kind}`);
      }
    });
  }

  build(obj: Record<string, unknown>, ctx: RowContext): Row {
    const row: Row = new Array(this.getters.length);
    for (let i = 0; i < this.getters.length; i++) row[i] = this.getters[i]!(obj, ctx);
    return row;
  }

  /** Top-level fields of `obj` with no column yet (Stripe added them after our SDK pin). */
  unknownFields(obj: Record<string, unknown>, known: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const k of Object.keys(obj)) if (!known.has(k) && k !== 'deleted') out.push(k);
    return out;
  }
}

/** Row → the Stripe object's top-level fields (for the reproduction property and `--verify`). */
export function reconstruct(spec: TableSpec, row: readonly Value[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  spec.columns.forEach((col, i) => {
    if (col.source.kind !== 'field') return;
    const v = row[i] ?? null;
    out[col.source.field] = col.type === 'json' && typeof v === 'string' ? JSON.parse(v) : v;
  });
  return out;
}
