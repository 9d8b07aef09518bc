/**
 * Building blocks for the destination conformance suite: hand-made TableSpecs (so names can be as
 * hostile as we like), rows from plain objects, and reading a table back as objects keyed by column.
 */

import type { Destination } from '../../../src/destinations/destination.js';
import type { ColumnType } from '../../../src/schema/columnTypes.js';
import type { Row, Value } from '../../../src/schema/rowBuilder.js';
import { SYSTEM_COLUMNS, type TableSpec } from '../../../src/schema/tableSpec.js';
import type { StreamState } from '../../../src/state/syncState.js';

export const ACCOUNT = 'acct_conformance';

export interface DestinationHarness {
  /** A destination on this harness's private database/schema; may be called again to reopen. */
  open(): Promise<Destination>;
  /** Removes everything the harness created (schema, file). */
  dispose(): Promise<void>;
}

let tableCounter = 0;

/** A unique table name per call, so tests sharing one destination never see each other's rows. */
export function tableName(stem: string): string {
  tableCounter++;
  return `${stem}_${tableCounter}`;
}

/** Key columns first, then the given columns, then the system columns; primary key `_account` + key. */
export function makeSpec(name: string, columns: [string, ColumnType][], key: string[] = ['id']): TableSpec {
  const keyCols = key.map((k) => ({
    name: k,
    type: 'text' as ColumnType,
    source: { kind: 'field' as const, field: k },
  }));
  const rest = columns
    .filter(([n]) => !key.includes(n))
    .map(([name, type]) => ({ name, type, source: { kind: 'field' as const, field: name } }));
  return {
    name,
    stream: name,
    columns: [...keyCols, ...rest, ...SYSTEM_COLUMNS],
    primaryKey: ['_account', ...key],
  };
}

export interface SystemValues {
  account?: string;
  syncedAt?: number;
  deleted?: boolean;
  version: number;
}

/** A row for `spec` from field values (missing fields are null) and system values. */
export function makeRow(spec: TableSpec, fields: Record<string, Value>, sys: SystemValues): Row {
  return spec.columns.map((c) => {
    switch (c.name) {
      case '_account':
        return sys.account ?? ACCOUNT;
      case '_synced_at':
        return sys.syncedAt ?? 1_700_000_000;
      case '_deleted':
        return sys.deleted ?? false;
      case '_version':
        return sys.version;
      default:
        return fields[c.name] ?? null;
    }
  });
}

export type RowObject = Record<string, Value>;

/** The table's rows as objects, keyed by the first key column after `_account`. */
export async function readTable(dest: Destination, spec: TableSpec): Promise<Map<string, RowObject>> {
  if (!dest.readRows) throw new Error(`${dest.capabilities.name} does not implement readRows`);
  const rows = await dest.readRows(spec);
  const keyIndex = spec.columns.findIndex((c) => c.name === spec.primaryKey[1]);
  const out = new Map<string, RowObject>();
  for (const r of rows) {
    const obj: RowObject = {};
    spec.columns.forEach((c, i) => {
      obj[c.name] = r[i] ?? null;
    });
    out.set(String(r[keyIndex]), obj);
  }
  return out;
}

export function streamState(createdCursor: number): StreamState {
  return {
    version: 1,
    backfill: null,
    createdCursor,
    lastReconcileAt: null,
    metadataColumns: {},
    extraColumns: {},
    lastSuccessAt: null,
    lastError: null,
  };
}
