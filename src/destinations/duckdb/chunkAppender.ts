/**
 * Rows → a DuckDB table through the Appender, one DataChunk (2 048 rows, DuckDB's vector size) at a
 * time (duckdb.org/docs/stable/clients/c/appender, `duckdb_append_data_chunk`). Used for the staging
 * table and, for batches of new keys, for the stream table itself (duckdbMerge.ts).
 *
 * Why chunks rather than one `append…` call per value: numbers, booleans, timestamps and NULLs are
 * written into plain typed arrays and copied into each vector with one call per column and chunk, so
 * only non-null strings cost a native call each (27 of a charge row's 60 values instead of 61 calls).
 * That is the same cost as the row appender for the staging table (strings dominate), but it is what
 * makes appending straight into the stream table cheap: BIGINT and TIMESTAMPTZ are written as int64
 * without a BigInt per value. (A chunk column of another type than the table's is cast by the appender
 * with DuckDB's default cast, as an INSERT would; a value that does not cast fails with "type mismatch
 * in AppendDataChunk".) Measured alternatives (5 000 charge rows × 60 columns): NDJSON through
 * read_json, or one JSON document per batch through from_json, were 2–6× slower than either appender.
 *
 * The encodings mirror what the SQL path would do: a timestamp is `rint(seconds × 10^6)` microseconds,
 * exactly DuckDB's `to_timestamp(DOUBLE)` (multiply, then cast to int64 rounding half to even). Values
 * are type-checked as they go; a mismatch (an engine bug) fails the batch before anything is committed,
 * naming the table, column and row but never the value.
 */
import { createRequire } from 'node:module';
import { type DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { EltError } from '../../errors.js';
import type { Row } from '../../schema/rowBuilder.js';
import type { TableSpec } from '../../schema/tableSpec.js';

type Bindings = typeof import('@duckdb/node-bindings');

/**
 * The raw C-API bindings, loaded through @duckdb/node-api so that it is the very copy node-api uses: a
 * handle (connection, chunk) is tagged by the addon instance that made it, so chunks built by a second
 * copy of the addon (a version that npm did not dedupe) would be refused.
 */
const duckdb = createRequire(createRequire(import.meta.url).resolve('@duckdb/node-api'))(
  '@duckdb/node-bindings',
) as Bindings;

/** How a column's values are written, as small ints so the per-value loops switch on numbers. */
export const Encoding = {
  /** VARCHAR (text, JSON, decimals as text). */
  Varchar: 0,
  /** DOUBLE from any number. */
  Double: 1,
  /** DOUBLE from an integer (BIGINT staged as DOUBLE: exact for every integer a JS number holds). */
  IntegerDouble: 2,
  /** DOUBLE from a finite number (timestamps staged as epoch seconds). */
  FiniteDouble: 3,
  Boolean: 4,
  /** BIGINT from an integer in int64 range. */
  BigInt: 5,
  /** TIMESTAMPTZ from finite epoch seconds: rint(seconds × 10^6) microseconds. */
  TimestampMicros: 6,
} as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

const TYPE_OF: Record<Encoding, number> = {
  [Encoding.Varchar]: duckdb.Type.VARCHAR,
  [Encoding.Double]: duckdb.Type.DOUBLE,
  [Encoding.IntegerDouble]: duckdb.Type.DOUBLE,
  [Encoding.FiniteDouble]: duckdb.Type.DOUBLE,
  [Encoding.Boolean]: duckdb.Type.BOOLEAN,
  [Encoding.BigInt]: duckdb.Type.BIGINT,
  [Encoding.TimestampMicros]: duckdb.Type.TIMESTAMP_TZ,
};

const VECTOR_SIZE = duckdb.vector_size();
const TWO_32 = 4294967296;
const INT64_LIMIT = 2 ** 63;

/** Round half to even, as C's nearbyint() under the default rounding mode (DuckDB's double → int64 cast). */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function mismatch(spec: TableSpec, col: number, row: number, v: unknown): EltError {
  const c = spec.columns[col]!;
  return new EltError(
    `row ${row} of ${spec.name}: column ${c.name} (${c.type}) got a ${typeof v} it cannot hold`,
    false,
  );
}

/** One column of the target table: which value of the row fills it, and how. */
export interface ChunkColumn {
  /** Index into the row (the spec's column order). */
  value: number;
  encoding: Encoding;
}

export interface AppendTarget {
  table: string;
  schema: string;
  /** `temp` for temp tables. */
  catalog?: string;
}

/**
 * Appends `rows` (in the spec's column order) to `target`, whose columns, in the table's order, are
 * `columns`, plus the load sequence as a last BIGINT column when `withSeq` (staging tables). Nothing is
 * visible outside the caller's transaction; on error the appender's buffer is dropped and the caller
 * rolls back.
 */
export async function appendRows(
  connection: DuckDBConnection,
  target: AppendTarget,
  spec: TableSpec,
  columns: readonly ChunkColumn[],
  rows: readonly Row[],
  withSeq: boolean,
): Promise<void> {
  const width = spec.columns.length;
  for (let r = 0; r < rows.length; r++) {
    if (rows[r]!.length !== width)
      throw new EltError(
        `row ${r} of ${spec.name} has ${rows[r]!.length} values for ${width} columns`,
        false,
      );
  }
  const n = columns.length;
  const types = columns.map((col) => duckdb.create_logical_type(TYPE_OF[col.encoding]));
  if (withSeq) types.push(duckdb.create_logical_type(duckdb.Type.BIGINT));
  const chunk = duckdb.create_data_chunk(types);
  const wrapped = new DuckDBDataChunk(chunk);
  // Scratch buffers, copied into each vector (vector memory is not exposed to JS for writing).
  const scratch = new ArrayBuffer(VECTOR_SIZE * 8);
  const f64 = new Float64Array(scratch);
  const i32 = new Int32Array(scratch);
  const u8 = new Uint8Array(scratch);
  const validity = new Uint8Array(VECTOR_SIZE / 8);

  const app = await connection.createAppender(target.table, target.schema, target.catalog);
  try {
    for (let start = 0; start < rows.length; start += VECTOR_SIZE) {
      const count = Math.min(VECTOR_SIZE, rows.length - start);
      duckdb.data_chunk_reset(chunk);
      for (let c = 0; c < n; c++) {
        const vector = duckdb.data_chunk_get_vector(chunk, c);
        const { value: c0, encoding: enc } = columns[c]!;
        let bits = 0;
        let nulls = 0;
        for (let r = 0; r < count; r++) {
          const v = rows[start + r]![c0];
          if (v === null || v === undefined) {
            nulls++;
            // Masked by the validity bits anyway; a boolean's byte is still kept a valid boolean.
            if (enc === Encoding.Boolean) u8[r] = 0;
          } else {
            bits |= 1 << (r & 7);
            switch (enc) {
              case Encoding.Varchar:
                if (typeof v !== 'string') throw mismatch(spec, c0, start + r, v);
                duckdb.vector_assign_string_element(vector, r, v);
                break;
              case Encoding.Double:
                if (typeof v !== 'number') throw mismatch(spec, c0, start + r, v);
                f64[r] = v;
                break;
              case Encoding.IntegerDouble:
                if (typeof v !== 'number' || !Number.isInteger(v)) throw mismatch(spec, c0, start + r, v);
                f64[r] = v;
                break;
              case Encoding.FiniteDouble:
                if (typeof v !== 'number' || !Number.isFinite(v)) throw mismatch(spec, c0, start + r, v);
                f64[r] = v;
                break;
              case Encoding.Boolean:
                if (typeof v !== 'boolean') throw mismatch(spec, c0, start + r, v);
                u8[r] = v ? 1 : 0;
                break;
              case Encoding.BigInt:
              case Encoding.TimestampMicros: {
                if (typeof v !== 'number') throw mismatch(spec, c0, start + r, v);
                const x = enc === Encoding.BigInt ? v : rint(v * 1e6);
                // −2^63 ≤ x < 2^63 and an integer: the doubles that are int64 values. The lowest is left
                // out for timestamps: DuckDB reserves it (and the highest) for ±infinity.
                if (!Number.isInteger(x) || x >= INT64_LIMIT || x < -INT64_LIMIT)
                  throw mismatch(spec, c0, start + r, v);
                if (enc === Encoding.TimestampMicros && x === -INT64_LIMIT)
                  throw mismatch(spec, c0, start + r, v);
                const hi = Math.floor(x / TWO_32); // exact: dividing by a power of two, then flooring
                i32[2 * r] = x - hi * TWO_32; // little-endian int64: low word, then high word
                i32[2 * r + 1] = hi;
                break;
              }
            }
          }
          if ((r & 7) === 7) {
            validity[r >> 3] = bits;
            bits = 0;
          }
        }
        if ((count & 7) !== 0) validity[count >> 3] = bits;
        if (enc === Encoding.Boolean) duckdb.copy_data_to_vector(vector, 0, scratch, 0, count);
        else if (enc !== Encoding.Varchar) duckdb.copy_data_to_vector(vector, 0, scratch, 0, count * 8);
        if (nulls > 0) {
          duckdb.vector_ensure_validity_writable(vector);
          duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, Math.ceil(count / 8));
        }
      }
      if (withSeq) {
        // Load sequence: the last loaded row wins a `_version` tie in the merge.
        for (let r = 0; r < count; r++) {
          i32[2 * r] = start + r;
          i32[2 * r + 1] = 0;
        }
        duckdb.copy_data_to_vector(duckdb.data_chunk_get_vector(chunk, n), 0, scratch, 0, count * 8);
      }
      duckdb.data_chunk_set_size(chunk, count);
      app.appendDataChunk(wrapped);
    }
    app.flushSync();
  } catch (err) {
    // Drop anything buffered and close; the caller rolls the transaction back. After a failed append
    // these report the aborted transaction rather than the cause, so the original error is the one thrown.
    try {
      app.clear();
    } catch {}
    try {
      app.closeSync();
    } catch {}
    throw err;
  }
  app.closeSync();
}
