/** Read warehouse tables back as plain objects, for comparisons with the emulator's ground truth. */
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { decodeNulJson, decodeNulText } from '../../src/destinations/sql/nulEscape.js';
import type { WarehouseReader } from './groundTruth.js';

type Obj = Record<string, unknown>;

/** DuckDB file reader; open it only while no destination holds the file. */
export async function duckdbReader(file: string): Promise<WarehouseReader & { close(): void }> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  const tables = new Set(
    (await conn.runAndReadAll(`select table_name from information_schema.tables where table_schema = 'main'`))
      .getRowsJson()
      .map((r) => String(r[0])),
  );
  return {
    async rows(table: string): Promise<Obj[]> {
      if (!tables.has(table)) return [];
      const reader = await conn.runAndReadAll(`select * from main."${table.replace(/"/g, '""')}"`);
      return reader.getRowObjectsJson() as Obj[];
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** Exact numbers as text, and the documented NUL escape undone (see src/destinations/sql/nulEscape.ts). */
function parser(oid: number, format?: string): (v: string) => unknown {
  switch (oid) {
    case 20: // int8
    case 1700: // numeric
      return (v) => v;
    case 25: // text
    case 1043: // varchar
      return (v) => decodeNulText(v);
    case 114: // json
    case 3802: // jsonb
      return (v) => JSON.parse(decodeNulJson(v));
    default:
      return pg.types.getTypeParser(oid, format as 'text');
  }
}

export function postgresReader(url: string, schema: string): WarehouseReader & { close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // Keep numeric and bigint as text (exact), timestamps as Date, json/jsonb parsed.
  return {
    async rows(table: string): Promise<Obj[]> {
      const exists = await pool.query(
        'select 1 from information_schema.tables where table_schema = $1 and table_name = $2',
        [schema, table],
      );
      if (exists.rowCount === 0) return [];
      const res = await pool.query({
        text: `select * from "${schema.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`,
        types: { getTypeParser: parser },
      });
      return res.rows as Obj[];
    },
    close: () => pool.end(),
  };
}
