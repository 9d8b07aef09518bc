import { describe, expect, it } from 'vitest';
import { CsvOutput, csvChunks, csvEncoder } from '../../../src/destinations/postgres/csvEncoder.js';
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

function encode(types: ColumnType[], rows: Row[], chunkBytes?: number): string {
  const enc = csvEncoder(spec(types), postgresDialect);
  return Buffer.concat([...csvChunks(rows, enc, chunkBytes)]).toString('utf8');
}

/** A strict RFC 4180 reader as Postgres applies it: unquoted empty = null, "" = empty string. */
function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) throw new Error('unterminated quote');
        v += text.slice(i, q);
        if (text[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      row.push(v);
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
      const raw = text.slice(i, j);
      if (raw.includes('"') || raw.includes('\r'))
        throw new Error(`bad unquoted field ${JSON.stringify(raw)}`);
      row.push(raw === '' ? null : raw);
      i = j;
    }
    if (text[i] === ',') i++;
    else if (text[i] === '\n') {
      rows.push(row);
      row = [];
      i++;
    }
  }
  return rows;
}

describe('CSV encoder for COPY', () => {
  it('prefixes the load sequence and writes each type in a form Postgres parses', () => {
    const out = encode(
      ['text', 'bigint', 'double', 'boolean', 'timestamp', 'decimal', 'json'],
      [['a', 42, 1.5, true, 1_700_000_000.25, '12.5', '{"k":"v"}']],
    );
    expect(out).toBe('0,a,42,1.5,t,1700000000.25,12.5,"{""k"":""v""}"\n');
  });

  it('distinguishes NULL (unquoted empty) from the empty string ("")', () => {
    expect(encode(['text', 'text'], [[null, '']])).toBe('0,,""\n');
  });

  it('quotes commas, quotes, CR and LF, and keeps spaces and backslashes literal', () => {
    expect(encode(['text'], [['a,b']])).toBe('0,"a,b"\n');
    expect(encode(['text'], [['say "hi"']])).toBe('0,"say ""hi"""\n');
    expect(encode(['text'], [['l1\r\nl2']])).toBe('0,"l1\r\nl2"\n');
    expect(encode(['text'], [['  \\N \\. x  ']])).toBe('0,  \\N \\. x  \n');
  });

  it('escapes U+0000 losslessly (Postgres text cannot hold it)', () => {
    expect(encode(['text', 'json'], [['a\u0000b', JSON.stringify({ k: '\u0000' })]])).toBe(
      '0,a␀0b,"{""k"":""␀0""}"\n',
    );
  });

  it('round-trips awkward values through a strict CSV reader, across tiny chunks', () => {
    const values = [
      '',
      '"',
      '""',
      ',',
      '\n',
      'é"💳"é',
      '"'.repeat(50),
      'x'.repeat(500),
      'a"b,c\nd',
      ' lead',
      'trail ',
    ];
    const rows: Row[] = values.map((v) => [v, JSON.stringify({ v })]);
    for (const chunkBytes of [1, 7, 64, 1 << 20]) {
      const parsed = parseCsv(encode(['text', 'json'], rows, chunkBytes));
      expect(parsed.map((r) => r[1])).toEqual(values);
      expect(parsed.map((r) => JSON.parse(String(r[2])).v)).toEqual(values);
      expect(parsed.map((r) => r[0])).toEqual(values.map((_, i) => String(i)));
    }
  });

  it('yields chunks of about the requested size', () => {
    const rows: Row[] = Array.from({ length: 200 }, (_, i) => [`row ${i} ${'x'.repeat(100)}`]);
    const chunks = [...csvChunks(rows, csvEncoder(spec(['text']), postgresDialect), 4096)];
    expect(chunks.length).toBeGreaterThan(4);
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeLessThanOrEqual(4096);
  });

  it('rejects a value of the wrong type, naming the column but not the value', () => {
    const cases: [ColumnType, unknown][] = [
      ['bigint', 1.5],
      ['bigint', '12'],
      ['text', 12],
      ['boolean', 'true'],
      ['timestamp', Number.NaN],
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

  it('grows a chunk for a value larger than the chunk size', () => {
    const out = new CsvOutput(16);
    out.quoted('"'.repeat(40));
    const text = Buffer.concat(out.finish()).toString();
    expect(text).toBe(`"${'"'.repeat(80)}"`);
  });
});
