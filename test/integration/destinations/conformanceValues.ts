/**
 * Conformance, part two: hostile identifiers and exact value round-trips (issue #3 acceptance: "NUL
 * bytes and 500-character values round-trip … no identifier breaks SQL"). Values are written through
 * the destination and read back with `readRows`; JSON is compared as parsed values because jsonb
 * normalises key order and whitespace.
 */
import { describe, expect, it } from 'vitest';
import type { Destination } from '../../../src/destinations/destination.js';
import { EltError } from '../../../src/errors.js';
import type { ColumnType } from '../../../src/schema/columnTypes.js';
import type { Value } from '../../../src/schema/rowBuilder.js';
import { makeRow, makeSpec, readTable, tableName } from './conformanceHelpers.js';

const MAX_SAFE = 2 ** 53 - 1;

/** Exactly `bytes` UTF-8 bytes long, ending in multi-byte characters. */
function nameOfBytes(bytes: number): string {
  const tail = 'é'.repeat(4); // 8 bytes
  return 'x'.repeat(bytes - Buffer.byteLength(tail)) + tail;
}

const TEXT_VALUES: [string, Value][] = [
  ['empty', ''],
  ['null', null],
  ['nul', 'before\u0000after'],
  ['only_nul', '\u0000'],
  ['escape_lookalike', 'literal ␀0 and ␀␀ and ␀'],
  ['long', 'é'.repeat(250) + 'x'.repeat(250)],
  ['unicode', 'Größe – 顧客 – مرحبا – \u200b zero-width'],
  ['emoji', 'pay 💳 with 👩🏽‍💻 and 🇯🇵'],
  ['csv_hostile', 'a,b "quoted" \r\n\\. next line\nNULL \\N'],
  ['end_marker', '\\.'],
  ['word_null', 'NULL'],
  ['spaces', '  padded  '],
  ['backslashes', 'C:\\path\\to\\u0000file'],
];

const JSON_VALUES: [string, string | null][] = [
  ['nested', JSON.stringify({ a: [1, 2, { b: null }], c: 'd', e: true, f: 1.25 })],
  ['nul_string', JSON.stringify({ k: 'x\u0000y', 'key\u0000with nul': 1 })],
  ['escape_lookalike', JSON.stringify({ k: 'literal ␀0 ␀', raw: '\\u0000 is six characters' })],
  ['unicode', JSON.stringify({ emoji: '💳', text: 'Größe', ctrl: '\u0001\t\n' })],
  ['array', '[1,"two",null,false]'],
  ['scalar_string', '"just a string"'],
  ['big', JSON.stringify({ pad: 'p'.repeat(600), n: MAX_SAFE })],
  ['null', null],
];

export function describeValueConformance(dest: () => Destination): void {
  describe('values and identifiers', () => {
    it('round-trips text exactly: NUL, 500 characters, unicode, emoji, CSV-hostile, empty vs null', async () => {
      const spec = makeSpec(tableName('text'), [['v', 'text']]);
      await dest().ensureTables([spec]);
      const rows = TEXT_VALUES.map(([id, v]) => makeRow(spec, { id, v }, { version: 1 }));
      await dest().write([{ table: spec, rows }], []);
      const back = await readTable(dest(), spec);
      for (const [id, v] of TEXT_VALUES) expect(back.get(id)?.v, id).toBe(v);
    });

    it('round-trips JSON values, NUL escapes included', async () => {
      const spec = makeSpec(tableName('json'), [['j', 'json']]);
      await dest().ensureTables([spec]);
      await dest().write(
        [{ table: spec, rows: JSON_VALUES.map(([id, j]) => makeRow(spec, { id, j }, { version: 1 })) }],
        [],
      );
      const back = await readTable(dest(), spec);
      for (const [id, j] of JSON_VALUES) {
        const got = back.get(id)?.j;
        expect(got === null ? null : JSON.parse(String(got)), id).toEqual(j === null ? null : JSON.parse(j));
      }
    });

    it('round-trips numbers, decimals, timestamps and booleans exactly', async () => {
      const cols: [string, ColumnType][] = [
        ['big', 'bigint'],
        ['dbl', 'double'],
        ['dec', 'decimal'],
        ['ts', 'timestamp'],
        ['flag', 'boolean'],
      ];
      const spec = makeSpec(tableName('scalars'), cols);
      await dest().ensureTables([spec]);
      const cases: Record<string, Value>[] = [
        {
          id: 'max',
          big: MAX_SAFE,
          dbl: 1.7976931348623157e308,
          dec: '12345678901234.123456789012',
          ts: 1_700_000_000.123456,
          flag: true,
        },
        { id: 'min', big: -MAX_SAFE, dbl: -5e-324, dec: '-0.000000000001', ts: 0, flag: false },
        { id: 'zero', big: 0, dbl: 0.1 + 0.2, dec: '0', ts: 253_402_300_799, flag: false },
        { id: 'plain', big: 42, dbl: 3.5, dec: '1000', ts: 1_234_567_890, flag: true },
        { id: 'fraction', big: 1, dbl: -2.25, dec: '12.5', ts: -86_400.5, flag: true },
        { id: 'nulls', big: null, dbl: null, dec: null, ts: null, flag: null },
      ];
      await dest().write([{ table: spec, rows: cases.map((c) => makeRow(spec, c, { version: 1 })) }], []);
      const back = await readTable(dest(), spec);
      for (const c of cases) expect(back.get(String(c.id)), String(c.id)).toMatchObject(c);
    });

    // Without a decimal column both destinations load a batch of new keys straight into the table
    // (binary COPY, DuckDB's chunk appender) instead of staging + merge: the same values must survive.
    it('round-trips numbers, timestamps and booleans exactly through the direct path too', async () => {
      const spec = makeSpec(tableName('direct_scalars'), [
        ['big', 'bigint'],
        ['dbl', 'double'],
        ['ts', 'timestamp'],
        ['flag', 'boolean'],
      ]);
      await dest().ensureTables([spec]);
      const cases: Record<string, Value>[] = [
        { id: 'max', big: MAX_SAFE, dbl: 1.7976931348623157e308, ts: 1_700_000_000.123456, flag: true },
        { id: 'min', big: -MAX_SAFE, dbl: -5e-324, ts: 0, flag: false },
        { id: 'far', big: 2 ** 62, dbl: 0.1 + 0.2, ts: 253_402_300_799.5, flag: false },
        { id: 'before_1970', big: -(2 ** 62), dbl: -2.25, ts: -86_400.5, flag: true },
        { id: 'micro', big: 1, dbl: 3.5, ts: 1_234_567_890.000001, flag: true },
        { id: 'nulls', big: null, dbl: null, ts: null, flag: null },
      ];
      const stats = await dest().write(
        [{ table: spec, rows: cases.map((c) => makeRow(spec, c, { version: 1 })) }],
        [],
      );
      expect(stats).toMatchObject({ inserted: cases.length, updated: 0, deleted: 0 });
      const back = await readTable(dest(), spec);
      for (const c of cases) expect(back.get(String(c.id)), String(c.id)).toMatchObject(c);
    });

    it('keeps system columns exactly: fractional _synced_at and a 2^53-1 _version', async () => {
      const spec = makeSpec(tableName('system'), [['v', 'text']]);
      await dest().ensureTables([spec]);
      await dest().write(
        [
          {
            table: spec,
            rows: [
              makeRow(
                spec,
                { id: 'a' },
                { version: MAX_SAFE, syncedAt: 1_700_000_000.654321, account: 'acct_ü"\'' },
              ),
            ],
          },
        ],
        [],
      );
      expect((await readTable(dest(), spec)).get('a')).toMatchObject({
        _version: MAX_SAFE,
        _synced_at: 1_700_000_000.654321,
        _account: 'acct_ü"\'',
      });
    });

    it('quotes hostile table and column names; nothing breaks out of its quotes', async () => {
      const hostile: [string, ColumnType][] = [
        ['a"b', 'text'],
        ['semi;colon); DROP TABLE x; --', 'text'],
        ['with space', 'bigint'],
        ["it's", 'json'],
        ['ünïcødé', 'text'],
        ['emoji😀', 'boolean'],
        ['select', 'decimal'],
        ['"', 'text'],
        [nameOfBytes(dest().capabilities.maxIdentifierLength), 'text'],
      ];
      const spec = makeSpec(`${tableName('weird')} "t"; --`, hostile, ['key "id"']);
      await dest().ensureTables([spec]);
      const fields: Record<string, Value> = { 'key "id"': 'k1' };
      hostile.forEach(([name, type], i) => {
        fields[name] =
          type === 'bigint'
            ? i
            : type === 'json'
              ? `{"i":${i}}`
              : type === 'boolean'
                ? true
                : type === 'decimal'
                  ? `${i}.5`
                  : `value ${i}`;
      });
      await dest().write([{ table: spec, rows: [makeRow(spec, fields, { version: 1 })] }], []);
      // Evolve with another hostile column, then read everything back.
      const evolved = {
        ...spec,
        columns: [
          ...spec.columns,
          { name: 'late"col', type: 'text' as const, source: { kind: 'field' as const, field: 'late"col' } },
        ],
      };
      await dest().ensureTables([evolved]);
      const back = (await readTable(dest(), evolved)).get('k1');
      const { "it's": json, ...scalars } = fields;
      expect(back).toMatchObject({ ...scalars, 'late"col': null });
      expect(JSON.parse(String(back?.["it's"]))).toEqual(JSON.parse(String(json)));
      expect(await dest().tableCounts([spec.name])).toEqual([
        { table: spec.name, account: expect.any(String), live: 1, deleted: 0 },
      ]);
    });

    it('refuses a name longer than the identifier limit instead of truncating it', async () => {
      const tooLong = nameOfBytes(dest().capabilities.maxIdentifierLength + 1);
      const spec = makeSpec(tableName('long'), [[tooLong, 'text']]);
      const err = await dest()
        .ensureTables([spec])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EltError);
      expect((err as EltError).retryable).toBe(false);
      expect((err as Error).message).toMatch(/bytes/);
    });
  });
}
