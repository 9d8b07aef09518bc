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
import { type DuckDBAppender, type DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { EltError } from '../../errors.js';
import type { Row } from '../../schema/rowBuilder.js';
import type { TableSpec } from '../../schema/tableSpec.js';

type Bindings = typeof import('@duckdb/node-bindings');
type DuckDBVector = import('@duckdb/node-bindings').Vector;

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

const INITIAL_STRING_BYTES = 1 << 16;
/**
 * UTF-16 units of a column chunk's strings past which they are written one by one rather than joined:
 * far below V8's longest string (2^29 − 24 units), and a joined copy that large is not worth making.
 */
const JOIN_LIMIT = 1 << 24;
/**
 * The string buffer is kept between calls up to this size (see SCRATCH). A chunk of charge rows' widest
 * JSON column reserves ~3 MB (three bytes per UTF-16 unit until written).
 */
const RETAINED_STRING_BYTES = 8 * 2 ** 20;

/**
 * The strings of one VARCHAR vector, written without a native call per string. DuckDB's C API lays a
 * VARCHAR vector out as 16-byte `duckdb_string_t` entries (duckdb.h): a string of up to 12 bytes is
 * inlined as {uint32 length, 12 bytes zero-padded}; a longer one is {uint32 length, its first 4 bytes,
 * a pointer to the bytes}. So a chunk's strings for one column are encoded into one buffer in JS, that
 * buffer is handed to DuckDB once (duckdb_vector_assign_string_element_len on element 0, which copies it
 * into the vector's string heap, where it lives until the chunk is reset), its address is read back from
 * element 0, and the entries are written pointing into it with one copy_data_to_vector. The appender
 * copies the strings out when the chunk is appended. One native call per string
 * (napi_get_value_string_utf8 twice, then a copy) was ~40% of the append time of a charge row (27
 * strings). Encoding with Buffer.write gives the same bytes napi did: UTF-8, lone surrogates as U+FFFD.
 */
class StringColumn {
  private bytes = Buffer.allocUnsafe(INITIAL_STRING_BYTES);
  private used = 0;
  readonly offsets = new Uint32Array(VECTOR_SIZE);
  readonly lengths = new Uint32Array(VECTOR_SIZE);
  private readonly entries = new ArrayBuffer(VECTOR_SIZE * 16);
  private readonly entryWords = new Uint32Array(this.entries);
  private readonly entryBytes = new Uint8Array(this.entries);

  /** The column chunk's non-null strings, in row order, until `encode`. */
  private readonly pending: string[] = [];
  /** Their rows. */
  private readonly pendingRows = new Uint32Array(VECTOR_SIZE);

  reset(): void {
    this.used = 0;
    this.pending.length = 0;
  }

  /** Gives back a buffer that grew past RETAINED_STRING_BYTES (one huge column must not pin memory). */
  shrink(): void {
    this.pending.length = 0; // after a failed chunk: no string kept alive
    if (this.bytes.length > RETAINED_STRING_BYTES) this.bytes = Buffer.allocUnsafe(INITIAL_STRING_BYTES);
  }

  add(row: number, s: string): void {
    this.pendingRows[this.pending.length] = row;
    this.pending.push(s);
  }

  /** Makes room for `n` more bytes after `used`. */
  private reserve(n: number): void {
    const need = this.used + n;
    if (need > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * this.bytes.length));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
  }

  /**
   * Encodes the strings added since `reset` as UTF-8, setting each row's offset and length. All at once
   * when it gives the same bytes: one join and one Buffer.write instead of a native call per string
   * (~150 ns each, more than encoding a 50-byte string). UTF-8 of a concatenation is the concatenation
   * of the UTF-8 of its parts unless a lone high surrogate at the end of one meets a lone low one at
   * the start of the next (they would pair up: 4 bytes where each alone gives 3, U+FFFD); so the joined
   * bytes are used when they are as many as the parts' own: as many as UTF-16 units (all ASCII), or the
   * sum of each part's byteLength. Otherwise each string is written on its own, as before.
   */
  encode(): void {
    const strs = this.pending;
    const n = strs.length;
    if (n === 0) return;
    let units = 0;
    for (let i = 0; i < n; i++) units += strs[i]!.length;
    // At most 3 bytes per UTF-16 unit; Buffer.write would silently cut a string that does not fit.
    this.reserve(3 * units);
    if (units > JOIN_LIMIT) this.writeEach(this.used);
    else this.writeJoined(strs.join(''));
    strs.length = 0;
  }

  private writeJoined(joined: string): void {
    const strs = this.pending;
    const rows = this.pendingRows;
    const n = strs.length;
    const start = this.used;
    const written = this.bytes.write(joined, start, 'utf8');
    let at = start;
    if (written === joined.length) {
      for (let i = 0; i < n; i++) {
        const len = strs[i]!.length;
        this.offsets[rows[i]!] = at;
        this.lengths[rows[i]!] = len;
        at += len;
      }
      this.used = at;
      return;
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      const len = Buffer.byteLength(strs[i]!, 'utf8');
      this.lengths[rows[i]!] = len;
      total += len;
    }
    if (total !== written) {
      this.writeEach(start);
      return;
    }
    for (let i = 0; i < n; i++) {
      this.offsets[rows[i]!] = at;
      at += this.lengths[rows[i]!]!;
    }
    this.used = at;
  }

  /** One Buffer.write per string, from byte `at` (room reserved). */
  private writeEach(at: number): void {
    const strs = this.pending;
    const rows = this.pendingRows;
    for (let i = 0; i < strs.length; i++) {
      const s = strs[i]!;
      const len = s.length === 0 ? 0 : this.bytes.write(s, at, 'utf8');
      this.offsets[rows[i]!] = at;
      this.lengths[rows[i]!] = len;
      at += len;
    }
    this.used = at;
  }

  /** Writes rows 0 … count−1 into `vector`; rows that are NULL must have length 0 (see clear). */
  write(vector: DuckDBVector, count: number, isNull: Uint8Array): void {
    const words = this.entryWords;
    const out = this.entryBytes;
    const bytes = this.bytes;
    let lo = 0;
    let hi = 0;
    if (this.used > 12) {
      duckdb.vector_assign_string_element_len(vector, 0, bytes.subarray(0, this.used));
      const head = duckdb.vector_get_data(vector, 16);
      const view = new DataView(head.buffer, head.byteOffset, 16);
      lo = view.getUint32(8, true);
      hi = view.getUint32(12, true);
    }
    for (let r = 0; r < count; r++) {
      const w = r * 4;
      const b = r * 16;
      const len = isNull[r] ? 0 : this.lengths[r]!;
      const at = this.offsets[r]!;
      words[w] = len;
      if (len <= 12) {
        words[w + 1] = 0;
        words[w + 2] = 0;
        words[w + 3] = 0;
        for (let k = 0; k < len; k++) out[b + 4 + k] = bytes[at + k]!;
      } else {
        out[b + 4] = bytes[at]!;
        out[b + 5] = bytes[at + 1]!;
        out[b + 6] = bytes[at + 2]!;
        out[b + 7] = bytes[at + 3]!;
        const p = lo + at; // < 2^33: carry into the high word by hand
        words[w + 2] = p >>> 0;
        words[w + 3] = hi + (p >= TWO_32 ? 1 : 0);
      }
    }
    duckdb.copy_data_to_vector(vector, 0, this.entries, 0, count * 16);
  }
}

/**
 * The buffers a chunk is encoded in (values are copied into each vector, whose memory is not exposed to
 * JS for writing), shared by every call: a call uses them only between its awaits (the chunk loop is
 * synchronous), so calls on other connections cannot interleave with it. Why shared: allocated per
 * call, the string buffer grew again from 64 kB to a few MB in every write; each of those buffers stayed
 * resident until V8 collected it, and fresh memory costs a page fault per 4 kB page when first touched
 * (page faults were a fifth of the load bench's CPU on a boot where they trap to the hypervisor: PVM,
 * see README "Performance").
 */
const SCRATCH = (() => {
  const scratch = new ArrayBuffer(VECTOR_SIZE * 8);
  return {
    scratch,
    f64: new Float64Array(scratch),
    i32: new Int32Array(scratch),
    u8: new Uint8Array(scratch),
    validity: new Uint8Array(VECTOR_SIZE / 8),
    isNull: new Uint8Array(VECTOR_SIZE),
    strings: new StringColumn(),
  };
})();

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

/** Checks that every row has a value per spec column (a mismatch is an engine bug). */
function checkWidths(spec: TableSpec, rows: readonly Row[]): void {
  const width = spec.columns.length;
  for (let r = 0; r < rows.length; r++) {
    if (rows[r]!.length !== width)
      throw new EltError(
        `row ${r} of ${spec.name} has ${rows[r]!.length} values for ${width} columns`,
        false,
      );
  }
}

/** A data chunk of `columns`' types, plus the load sequence as a last BIGINT column when `withSeq`. */
function createChunk(columns: readonly ChunkColumn[], withSeq: boolean): DuckDBDataChunk {
  const types = columns.map((col) => duckdb.create_logical_type(TYPE_OF[col.encoding]));
  if (withSeq) types.push(duckdb.create_logical_type(duckdb.Type.BIGINT));
  return new DuckDBDataChunk(duckdb.create_data_chunk(types));
}

/**
 * Writes rows `start` … `start + count − 1` (count ≤ VECTOR_SIZE) into `wrapped`, replacing what it held:
 * per column, the values into the shared scratch buffers, then one copy into the vector.
 */
function fillChunk(
  wrapped: DuckDBDataChunk,
  spec: TableSpec,
  columns: readonly ChunkColumn[],
  rows: readonly Row[],
  start: number,
  count: number,
  withSeq: boolean,
): void {
  const chunk = wrapped.chunk;
  const n = columns.length;
  const { scratch, f64, i32, u8, validity, isNull, strings } = SCRATCH;
  duckdb.data_chunk_reset(chunk);
  for (let c = 0; c < n; c++) {
    const vector = duckdb.data_chunk_get_vector(chunk, c);
    const { value: c0, encoding: enc } = columns[c]!;
    let bits = 0;
    let nulls = 0;
    if (enc === Encoding.Varchar) strings.reset();
    for (let r = 0; r < count; r++) {
      const v = rows[start + r]![c0];
      if (v === null || v === undefined) {
        nulls++;
        isNull[r] = 1;
        // Masked by the validity bits anyway; a boolean's byte is still kept a valid boolean.
        if (enc === Encoding.Boolean) u8[r] = 0;
      } else {
        bits |= 1 << (r & 7);
        isNull[r] = 0;
        switch (enc) {
          case Encoding.Varchar:
            if (typeof v !== 'string') throw mismatch(spec, c0, start + r, v);
            strings.add(r, v);
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
    if (enc === Encoding.Varchar) {
      strings.encode();
      strings.write(vector, count, isNull);
    } else if (enc === Encoding.Boolean) duckdb.copy_data_to_vector(vector, 0, scratch, 0, count);
    else duckdb.copy_data_to_vector(vector, 0, scratch, 0, count * 8);
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
}

/**
 * Runs `fill` with an appender on `target`, then flushes it into the caller's transaction. On error the
 * appender's buffer is dropped and the caller rolls back.
 */
async function withAppender(
  connection: DuckDBConnection,
  target: AppendTarget,
  fill: (app: DuckDBAppender) => void,
): Promise<void> {
  const app = await connection.createAppender(target.table, target.schema, target.catalog);
  try {
    fill(app);
    app.flushSync();
  } catch (err) {
    // After a failed append these report the aborted transaction rather than the cause, so the
    // original error is the one thrown.
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

/**
 * Appends `rows` (in the spec's column order) to `target`, whose columns, in the table's order, are
 * `columns`, plus the load sequence as a last BIGINT column when `withSeq` (staging tables). Nothing is
 * visible outside the caller's transaction. One chunk is filled and appended at a time.
 */
export async function appendRows(
  connection: DuckDBConnection,
  target: AppendTarget,
  spec: TableSpec,
  columns: readonly ChunkColumn[],
  rows: readonly Row[],
  withSeq: boolean,
): Promise<void> {
  checkWidths(spec, rows);
  const chunk = createChunk(columns, withSeq);
  try {
    await withAppender(connection, target, (app) => {
      for (let start = 0; start < rows.length; start += VECTOR_SIZE) {
        fillChunk(chunk, spec, columns, rows, start, Math.min(VECTOR_SIZE, rows.length - start), withSeq);
        app.appendDataChunk(chunk);
      }
    });
  } finally {
    // The chunk's native memory is freed when V8 collects its wrapper, which may be much later; a reset
    // gives back its string heaps now (several MB for a chunk of wide rows).
    duckdb.data_chunk_reset(chunk.chunk);
    SCRATCH.strings.shrink();
  }
}

/**
 * Rows encoded into data chunks before their append, while the connection is busy with something else
 * (duckdbMerge.ts, `prepare`): the encoding is most of an append's work on the Node thread and needs no
 * connection. Holds native memory until appended or released: every chunk of the rows at once (~6 MB
 * per 2 048 charge rows), where appendRows fills one at a time.
 */
export class EncodedRows {
  private chunks: DuckDBDataChunk[] | null;

  constructor(
    /** The target's columns they were encoded for. */
    readonly columns: readonly ChunkColumn[],
    readonly rowCount: number,
    chunks: DuckDBDataChunk[],
  ) {
    this.chunks = chunks;
  }

  /** The chunks, once: a second call (or one after `release`) throws. */
  take(): DuckDBDataChunk[] {
    const chunks = this.chunks;
    if (!chunks) throw new EltError('encoded rows were appended or released already', false);
    this.chunks = null;
    return chunks;
  }

  /** Gives back the native memory of chunks not appended (idempotent). */
  release(): void {
    for (const c of this.chunks ?? []) duckdb.data_chunk_reset(c.chunk);
    this.chunks = null;
  }
}

/** Encodes `rows` as appendRows would for `columns` (without a load sequence), for appendEncoded. */
export function encodeRows(
  spec: TableSpec,
  columns: readonly ChunkColumn[],
  rows: readonly Row[],
): EncodedRows {
  checkWidths(spec, rows);
  const chunks: DuckDBDataChunk[] = [];
  try {
    for (let start = 0; start < rows.length; start += VECTOR_SIZE) {
      const chunk = createChunk(columns, false);
      chunks.push(chunk);
      fillChunk(chunk, spec, columns, rows, start, Math.min(VECTOR_SIZE, rows.length - start), false);
    }
  } catch (err) {
    for (const c of chunks) duckdb.data_chunk_reset(c.chunk);
    throw err;
  } finally {
    SCRATCH.strings.shrink();
  }
  return new EncodedRows(columns, rows.length, chunks);
}

/** Appends rows encoded by encodeRows to `target` (whose columns must be the ones they were encoded for). */
export async function appendEncoded(
  connection: DuckDBConnection,
  target: AppendTarget,
  encoded: EncodedRows,
): Promise<void> {
  const chunks = encoded.take();
  try {
    await withAppender(connection, target, (app) => {
      for (const chunk of chunks) {
        app.appendDataChunk(chunk);
        // Copied into the appender: its string heaps can go now.
        duckdb.data_chunk_reset(chunk.chunk);
      }
    });
  } finally {
    for (const c of chunks) duckdb.data_chunk_reset(c.chunk);
  }
}
