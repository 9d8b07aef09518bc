/**
 * A table's current shape: the stream's schema columns plus what the data taught us — metadata keys
 * promoted to columns and top-level fields Stripe added after our SDK pin ("nothing is dropped":
 * they become new nullable columns). Shape changes are recorded in table-level state so names stay
 * stable, and applied with additive DDL before the rows that need them are written.
 */
import type { StreamDefinition } from '../catalog/streamDefinition.js';
import { type Column, type ColumnType, columnTypeOfValue } from '../schema/columnTypes.js';
import { assignMetadataColumns } from '../schema/metadataColumns.js';
import { type Row, RowBuilder, type RowContext } from '../schema/rowBuilder.js';
import type { StreamSchema } from '../schema/schemaTypes.js';
import { baseTableSpec, type TableSpec, withColumns } from '../schema/tableSpec.js';
import type { StreamState } from '../state/syncState.js';
import { type StateUpdate, TABLE_ACCOUNT } from './stateStore.js';

export interface TableModelOptions {
  maxIdentifierLength: number;
  metadataColumnsMax: number;
  /** Metadata key → column type for keys the user wants typed (default text). */
  metadataTypes?: Record<string, ColumnType>;
}

export interface Evolution {
  columns: Column[];
  update: StateUpdate;
}

export class TableModel {
  spec: TableSpec;
  private builder: RowBuilder;
  private readonly base: TableSpec;
  private metadata = new Map<string, string>();
  private extra = new Map<string, ColumnType>();
  private known = new Set<string>();

  constructor(
    readonly stream: StreamDefinition,
    schemas: ReadonlyMap<string, StreamSchema>,
    tableState: StreamState,
    private readonly opts: TableModelOptions,
  ) {
    this.base = baseTableSpec(stream, schemas);
    this.metadata = new Map(Object.entries(tableState.metadataColumns));
    this.extra = new Map(Object.entries(tableState.extraColumns));
    this.spec = this.compose();
    this.builder = new RowBuilder(this.spec);
  }

  private compose(): TableSpec {
    const extraCols: Column[] = [...this.extra].map(([field, type]) => ({
      name: field,
      type,
      source: { kind: 'field', field },
    }));
    const mdCols: Column[] = [...this.metadata].map(([key, name]) => ({
      name,
      type: this.opts.metadataTypes?.[key] ?? 'text',
      source: { kind: 'metadata', key },
    }));
    const spec = withColumns(this.base, [...extraCols, ...mdCols]);
    this.known = new Set(
      spec.columns.filter((c) => c.source.kind === 'field').map((c) => (c.source as { field: string }).field),
    );
    return spec;
  }

  /**
   * Look at objects about to be written; if they carry new metadata keys or unknown fields, extend the
   * spec and return the new columns (for ADD COLUMN) with the state update recording them.
   */
  evolve(objects: Iterable<Record<string, unknown>>): Evolution | undefined {
    const mdKeys = new Set<string>();
    const fresh = new Map<string, ColumnType>();
    for (const o of objects) {
      const md = o.metadata;
      if (md && typeof md === 'object')
        for (const k of Object.keys(md)) if (!this.metadata.has(k)) mdKeys.add(k);
      for (const k of Object.keys(o)) {
        if (this.known.has(k) || k === 'deleted' || fresh.has(k) || this.isReserved(k)) continue;
        const v = o[k];
        if (v !== null && v !== undefined) fresh.set(k, columnTypeOfValue(v));
      }
    }
    if (mdKeys.size === 0 && fresh.size === 0) return undefined;
    const reserved = new Set(this.spec.columns.map((c) => c.name));
    for (const k of fresh.keys()) reserved.add(k);
    const assigned = assignMetadataColumns(this.metadata, mdKeys, {
      maxIdentifierLength: this.opts.maxIdentifierLength,
      cap: this.opts.metadataColumnsMax,
      reserved,
    });
    const before = new Set(this.spec.columns.map((c) => c.name));
    this.metadata = assigned.columns;
    for (const [k, t] of fresh) this.extra.set(k, t);
    this.spec = this.compose();
    this.builder = new RowBuilder(this.spec);
    const columns = this.spec.columns.filter((c) => !before.has(c.name));
    if (columns.length === 0) return undefined; // only overflow keys (cap reached): they stay in JSON
    const metadataColumns = Object.fromEntries(this.metadata);
    const extraColumns = Object.fromEntries(this.extra);
    return {
      columns,
      update: {
        account: TABLE_ACCOUNT,
        stream: this.stream.name,
        apply: (s) => {
          const st = s as StreamState;
          st.metadataColumns = metadataColumns;
          st.extraColumns = extraColumns;
        },
      },
    };
  }

  /** A field name that would clash with a column we add ourselves (system columns, parent key). */
  private isReserved(field: string): boolean {
    return (
      field.startsWith('_') || this.spec.columns.some((c) => c.name === field && c.source.kind !== 'field')
    );
  }

  row(obj: Record<string, unknown>, ctx: RowContext): Row {
    return this.builder.build(obj, ctx);
  }
}
