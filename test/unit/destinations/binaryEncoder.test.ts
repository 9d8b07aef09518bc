import { describe, expect, it } from 'vitest';
import {
  BinaryOutput,
  binaryChunks,
  binaryEncoder,
} from '../../../src/destinations/postgres/binaryEncoder.js';
import { postgresDialect } from '../../../src/destinations/postgres/postgresDialect.js';
import { EltError } from '../../../src/errors.js';
import type { ColumnType } from '../../../src/schema/columnTypes.js';
import type { Row } from '../../../src/schema/rowBuilder.js';
import type { TableSpec } from '../../../src/schema/tableSpec.js';

function spec(types: ColumnType[]): TableSpec {
  return {
    name: 't',
    stream: 't',
    primaryKey: ['c0'],
    columns: types.map((type, i) => ({ name: `c${i}`, type, source: { kind: 'field', field: `c${i}` } })),
  };
}

function encode(types: ColumnType[], rows: Row[], withSeq = false, chunkBytes?: number): Buffer {
  return Buffer.concat([
    ...binaryChunks(rows, binaryEncoder(spec(types), postgresDialect), withSeq, chunkBytes),
  ]);
}

/** A reader of Postgres' binary COPY format (sql-copy.html, "Binary Format"): fields as raw Buffers. */
function parseCopy(buf: Buffer): (Buffer | null)[][] {
  expect(buf.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
  expect(buf.readInt32BE(11)).toBe(0); // flags
  let p = 15 + 4 + buf.readInt32BE(15); // header extension
  const rows: (Buffer | null)[][] = [];
  for (;;) {
    const n = buf.readInt16BE(p);
    p += 2;
    if (n === -1) break;
    const row: (Buffer | null)[] = [];
    for (let i = 0; i < n; i++) {
      const len = buf.readInt32BE(p);
      p += 4;
      if (len === -1) row.push(null);
      else {
        row.push(buf.subarray(p, p + len));
        p += len;
      }
    }
    rows.push(row);
  }
  expect(p).toBe(buf.length);
  return rows;
}

const int64 = (b: Buffer | null) => b!.readBigInt64BE(0);

describe('binary COPY encoder', () => {
  it('writes each type in its binary send/recv form, NULL as length −1', () => {
    const types: ColumnType[] = ['text', 'bigint', 'double', 'boolean', 'timestamp', 'json', 'decimal'];
    const [row] = parseCopy(
      encode(types, [['é ok', -42, 1.5, true, 1_600_000_000.123456, '{"a":"x"}', '1.50']]),
    );
    expect(row![0]!.toString('utf8')).toBe('é ok');
    expect(int64(row![1]!)).toBe(-42n);
    expect(row![2]!.readDoubleBE(0)).toBe(1.5);
    expect([...row![3]!]).toEqual([1]);
    // Microseconds since 2000-01-01, as to_timestamp(1600000000.123456) gives.
    expect(int64(row![4]!)).toBe(653_315_200_123_456n);
    expect(row![5]![0]).toBe(1); // jsonb version
    expect(row![5]!.subarray(1).toString()).toBe('{"a":"x"}');
    expect(row![6]!.toString()).toBe('1.50'); // staged as text, cast in the merge
    const [nulls] = parseCopy(encode(['text', 'bigint', 'json'], [[null, null, null]]));
    expect(nulls).toEqual([null, null, null]);
  });

  it('keeps the empty string apart from NULL, and writes long and non-ASCII text whole', () => {
    const long = `${'x'.repeat(100)}ü${'"'.repeat(10)},\n\\`;
    const [row] = parseCopy(
      encode(['text', 'text', 'text', 'text'], [['', 'short ü', long, '€'.repeat(30)]]),
    );
    expect(row!.map((b) => b!.toString('utf8'))).toEqual(['', 'short ü', long, '€'.repeat(30)]);
  });

  it('writes 64-bit integers exactly, negative and beyond 2^32', () => {
    const values = [0, 1, -1, 2 ** 32, -(2 ** 32) - 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const rows = parseCopy(
      encode(
        ['bigint'],
        values.map((v) => [v]),
      ),
    );
    expect(rows.map((r) => int64(r[0]!))).toEqual(values.map(BigInt));
  });

  it('rounds timestamps to the microsecond half to even, as to_timestamp does', () => {
    const pgEpoch = 946_684_800;
    // 0.5 µs and 1.5 µs after the Postgres epoch: exact in binary, so the tie is real.
    const rows = parseCopy(
      encode(['timestamp'], [[pgEpoch + 0.0000005], [pgEpoch + 0.0000015], [0], [-1.25]]),
    );
    expect(rows.map((r) => int64(r[0]!))).toEqual([0n, 2n, -946_684_800_000_000n, -946_684_801_250_000n]);
  });

  it('adds the load sequence as a last bigint field when asked', () => {
    const rows = parseCopy(encode(['text'], [['a'], ['b']], true));
    expect(rows.map((r) => [r[0]!.toString(), int64(r[1]!)])).toEqual([
      ['a', 0n],
      ['b', 1n],
    ]);
  });

  it('escapes U+0000 losslessly (Postgres text and jsonb cannot hold it)', () => {
    const [row] = parseCopy(encode(['text', 'json'], [['a\u0000b', '{"k":"\\u0000"}']]));
    expect(postgresDialect.decodeText(row![0]!.toString('utf8'))).toBe('a\u0000b');
    expect(row![0]!.includes(0)).toBe(false);
    expect(postgresDialect.decodeJson(row![1]!.subarray(1).toString('utf8'))).toBe('{"k":"\\u0000"}');
  });

  it('yields chunks of about the requested size', () => {
    const rows: Row[] = Array.from({ length: 200 }, (_, i) => [`row ${i} ${'x'.repeat(100)}`]);
    const chunks = [...binaryChunks(rows, binaryEncoder(spec(['text']), postgresDialect), false, 4096)];
    expect(chunks.length).toBeGreaterThan(4);
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeLessThanOrEqual(4096);
    expect(parseCopy(Buffer.concat(chunks)).map((r) => r[0]!.toString())).toEqual(rows.map((r) => r[0]));
  });

  it('grows a chunk for a value larger than the chunk size', () => {
    const out = new BinaryOutput(16);
    out.textField('y'.repeat(40));
    const bytes = Buffer.concat(out.finish());
    expect(bytes.readInt32BE(0)).toBe(40);
    expect(bytes.subarray(4).toString()).toBe('y'.repeat(40));
  });

  it('rejects a value of the wrong type, naming the column but not the value', () => {
    const cases: [ColumnType, unknown][] = [
      ['bigint', 1.5],
      ['bigint', '12'],
      ['bigint', 2 ** 63],
      ['text', 12],
      ['boolean', 'true'],
      ['timestamp', Number.NaN],
      ['timestamp', Number.POSITIVE_INFINITY],
      ['timestamp', 1e16],
      ['json', { a: 1 }],
    ];
    for (const [type, value] of cases) {
      const err = (() => {
        try {
          encode(['text', type], [['k', value as never]]);
        } catch (e) {
          return e;
        }
      })();
      expect(err, `${type} ← ${String(value)}`).toBeInstanceOf(EltError);
      expect((err as Error).message).toContain(`column c1 (${type})`);
      if (typeof value === 'string') expect((err as Error).message).not.toContain(value);
    }
  });

  it('rejects a row with the wrong number of values', () => {
    expect(() => encode(['text', 'text'], [['only one']])).toThrow(/1 values for 2 columns/);
  });
});
