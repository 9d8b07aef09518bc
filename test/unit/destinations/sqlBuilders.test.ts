import { describe, expect, it } from 'vitest';
import { duckdbDialect } from '../../../src/destinations/duckdb/duckdbDialect.js';
import { postgresDialect } from '../../../src/destinations/postgres/postgresDialect.js';
import {
  addColumnSql,
  createTableSql,
  missingColumns,
  stagingColumnsSql,
} from '../../../src/destinations/sql/ddl.js';
import { checkTableSpec, qualifiedName } from '../../../src/destinations/sql/identifiers.js';
import {
  byExistingKeySql,
  changeGuardSql,
  distinctKeyCount,
  insertSql,
  replaceChildrenSql,
  sourceSql,
  sweepSql,
  syncedAtBumpSql,
  updateFromSql,
  upsertCountingSql,
  upsertSql,
} from '../../../src/destinations/sql/merge.js';
import { EltError } from '../../../src/errors.js';
import { SYSTEM_COLUMNS, type TableSpec } from '../../../src/schema/tableSpec.js';

const spec: TableSpec = {
  name: 'charges',
  stream: 'charges',
  primaryKey: ['_account', 'id'],
  columns: [
    { name: 'id', type: 'text', source: { kind: 'field', field: 'id' } },
    { name: 'amount', type: 'bigint', source: { kind: 'field', field: 'amount' } },
    { name: 'created', type: 'timestamp', source: { kind: 'field', field: 'created' } },
    { name: 'meta"data', type: 'json', source: { kind: 'field', field: 'meta"data' } },
    ...SYSTEM_COLUMNS,
  ],
};
const pg = { dialect: postgresDialect, schema: 'stripe', spec };
const duck = { dialect: duckdbDialect, schema: 'main', spec };

describe('identifier quoting', () => {
  it('double-quotes and doubles embedded quotes', () => {
    expect(postgresDialect.quoteIdentifier('a"b')).toBe('"a""b"');
    expect(postgresDialect.quoteIdentifier('x"; DROP TABLE y; --')).toBe('"x""; DROP TABLE y; --"');
    expect(duckdbDialect.quoteIdentifier('"')).toBe('""""');
    expect(qualifiedName(postgresDialect, 'my schema', 't"1')).toBe('"my schema"."t""1"');
  });

  it('accepts exactly 63 bytes and refuses 64, counting UTF-8 bytes', () => {
    expect(() => postgresDialect.quoteIdentifier('é'.repeat(31) + 'x')).not.toThrow(); // 63 bytes
    expect(() => postgresDialect.quoteIdentifier('é'.repeat(32))).toThrow(/64 bytes/); // 64 bytes
  });

  it('refuses empty names and U+0000', () => {
    expect(() => postgresDialect.quoteIdentifier('')).toThrow(EltError);
    expect(() => duckdbDialect.quoteIdentifier('a\u0000b')).toThrow(/U\+0000/);
  });

  it('checks specs: reserved prefix, case-folded duplicates (DuckDB), key columns, system columns', () => {
    const withCol = (name: string): TableSpec => ({
      ...spec,
      columns: [...spec.columns, { name, type: 'text', source: { kind: 'field', field: name } }],
    });
    expect(() => checkTableSpec(postgresDialect, spec)).not.toThrow();
    expect(() => checkTableSpec(postgresDialect, withCol('_stripe_elt_seq'))).toThrow(/reserved prefix/);
    expect(() => checkTableSpec(postgresDialect, withCol('ID'))).not.toThrow();
    expect(() => checkTableSpec(duckdbDialect, withCol('ID'))).toThrow(/same name in duckdb/);
    expect(() => checkTableSpec(postgresDialect, { ...spec, primaryKey: ['_account', 'nope'] })).toThrow(
      /not a column/,
    );
    expect(() =>
      checkTableSpec(postgresDialect, {
        ...spec,
        columns: spec.columns.filter((c) => c.name !== '_version'),
      }),
    ).toThrow(/_version/);
  });
});

describe('DDL', () => {
  it('creates the table with warehouse types and the primary key', () => {
    expect(createTableSql(postgresDialect, 'stripe', spec)).toBe(
      'CREATE TABLE IF NOT EXISTS "stripe"."charges" ("id" text, "amount" bigint, "created" timestamptz, "meta""data" jsonb, ' +
        '"_account" text, "_synced_at" timestamptz, "_deleted" boolean, "_version" bigint, PRIMARY KEY ("_account", "id"))',
    );
    expect(createTableSql(duckdbDialect, 'main', spec)).toContain('"created" TIMESTAMPTZ, "meta""data" JSON');
  });

  it('leaves the key constraint out when asked (DuckDB keeps keys unique itself)', () => {
    expect(createTableSql(duckdbDialect, 'main', spec, { keyed: false })).toBe(
      'CREATE TABLE IF NOT EXISTS "main"."charges" ("id" VARCHAR, "amount" BIGINT, "created" TIMESTAMPTZ, "meta""data" JSON, ' +
        '"_account" VARCHAR, "_synced_at" TIMESTAMPTZ, "_deleted" BOOLEAN, "_version" BIGINT)',
    );
  });

  it('maps decimals to numeric (Postgres) and DECIMAL(38,12) (DuckDB)', () => {
    expect(postgresDialect.columnType('decimal')).toBe('numeric');
    expect(duckdbDialect.columnType('decimal')).toBe('DECIMAL(38,12)');
    expect(postgresDialect.columnType('double')).toBe('double precision');
  });

  it('adds columns additively and finds the missing ones as the warehouse compares names', () => {
    const col = { name: 'new col', type: 'text' as const, source: { kind: 'field' as const, field: 'x' } };
    expect(addColumnSql(postgresDialect, 'stripe', 'charges', col)).toBe(
      'ALTER TABLE "stripe"."charges" ADD COLUMN IF NOT EXISTS "new col" text',
    );
    const have = ['id', 'AMOUNT', 'created', 'meta"data', '_account', '_synced_at', '_deleted', '_version'];
    expect(missingColumns(postgresDialect, spec, have).map((c) => c.name)).toEqual(['amount']);
    expect(missingColumns(duckdbDialect, spec, have)).toEqual([]);
  });

  it("stages in the bulk paths' types and appends the load sequence", () => {
    // Postgres' binary COPY sends timestamps as timestamptz; DuckDB's appender sends epoch seconds.
    expect(stagingColumnsSql(postgresDialect, spec)).toContain('"created" timestamptz');
    expect(stagingColumnsSql(duckdbDialect, spec)).toContain('"created" DOUBLE');
    expect(stagingColumnsSql(postgresDialect, spec)).toMatch(/"_stripe_elt_seq" BIGINT$/);
    expect(stagingColumnsSql(duckdbDialect, spec)).toContain('"amount" DOUBLE');
  });
});

describe('merge SQL', () => {
  it('converts staged values to target types, and dedupes only when asked', () => {
    const plain = sourceSql(pg, 'stg', false);
    expect(plain).toContain('d."created" AS "created"');
    expect(sourceSql(duck, 'stg', false)).toContain('to_timestamp(d."created") AS "created"');
    expect(plain).not.toContain('row_number');
    const deduped = sourceSql(pg, 'stg', true);
    expect(deduped).toContain(
      'row_number() OVER (PARTITION BY "_account", "id" ORDER BY "_version" DESC, "_stripe_elt_seq" DESC)',
    );
    expect(deduped).toMatch(/WHERE d\."_stripe_elt_rank" = 1$/);
    expect(sourceSql(duck, 'stg', false)).toContain('CAST(d."amount" AS BIGINT)');
  });

  it('guards on _version and real change, ignoring _synced_at', () => {
    const guard = changeGuardSql(pg, 't', 'EXCLUDED');
    expect(guard.startsWith('t."_version" <= EXCLUDED."_version" AND (')).toBe(true);
    expect(guard).toContain('IS DISTINCT FROM');
    expect(guard).not.toContain('_synced_at');
    expect(guard).not.toContain('"id"');
  });

  it('upserts every non-key column, raising _synced_at with GREATEST', () => {
    const sql = upsertSql(pg, 'SELECT 1');
    expect(sql).toMatch(/^INSERT INTO "stripe"\."charges" AS t \("id", "amount", "created", "meta""data", /);
    expect(sql).toContain('ON CONFLICT ("_account", "id") DO UPDATE SET "amount" = EXCLUDED."amount"');
    expect(sql).toContain('"_synced_at" = GREATEST(t."_synced_at", EXCLUDED."_synced_at")');
    expect(sql).not.toContain('"id" = EXCLUDED');
    expect(sql).toContain('WHERE t."_version" <= EXCLUDED."_version"');
  });

  it('updates stored rows from a source without ON CONFLICT: same SET and guard as the upsert', () => {
    const sql = updateFromSql(duck, 'SELECT 1');
    expect(sql).toMatch(/^UPDATE "main"\."charges" AS t SET "amount" = s\."amount", /);
    expect(sql).toContain('"_synced_at" = GREATEST(t."_synced_at", s."_synced_at")');
    expect(sql).not.toContain('"id" = s."id",');
    expect(sql).toContain(
      'FROM (SELECT 1) AS s WHERE t."_account" = s."_account" AND t."id" = s."id" AND t."_version" <= s."_version" AND (',
    );
  });

  it('counts inserted, updated and deleted rows from RETURNING', () => {
    const sql = upsertCountingSql(pg, 'SELECT 1', '(t.xmax = 0)');
    expect(sql).toMatch(
      /^WITH m AS \(INSERT .* RETURNING \(t\.xmax = 0\) AS ins, t\."_deleted" AS del\) SELECT count\(\*\) FILTER \(WHERE ins AND NOT del\)/,
    );
  });

  it('inserts only new keys, bumps _synced_at, replaces children and sweeps with parameters only', () => {
    expect(insertSql(duck, 'SELECT 1')).toBe(
      'INSERT INTO "main"."charges" ("id", "amount", "created", "meta""data", "_account", "_synced_at", "_deleted", "_version") SELECT 1',
    );
    expect(byExistingKeySql(duck, 'SELECT 1', false)).toBe(
      'SELECT * FROM (SELECT 1) AS s WHERE NOT EXISTS (SELECT 1 FROM "main"."charges" AS t WHERE t."_account" = s."_account" AND t."id" = s."id")',
    );
    expect(syncedAtBumpSql(pg, 'SELECT 1')).toContain(
      'SET "_synced_at" = s."_synced_at" FROM (SELECT 1) AS s WHERE t."_account" = s."_account" AND t."id" = s."id" AND t."_synced_at" < s."_synced_at"',
    );
    const rc = replaceChildrenSql(pg, 'charge');
    expect(rc).toContain('t."charge" IN (SELECT unnest(CAST($2 AS text[])))');
    expect(rc).toContain('t."_synced_at" < to_timestamp(CAST($4 AS double precision))');
    expect(rc).toContain('t."_version" <= CAST($3 AS BIGINT)');
    expect(sweepSql(duck)).toContain('t."_synced_at" < to_timestamp(CAST($2 AS DOUBLE))');
  });
});

describe('distinctKeyCount', () => {
  it('counts composite keys without ambiguity', () => {
    const key = (a: string, id: string) => [id, 1, 0, null, a, 0, false, 1];
    expect(distinctKeyCount(spec, [key('a', 'x'), key('a', 'y'), key('b', 'x')])).toBe(3);
    expect(distinctKeyCount(spec, [key('a', 'x'), key('a', 'x')])).toBe(1);
    // "a" + "bc" and "ab" + "c" must not collide.
    expect(distinctKeyCount(spec, [key('a', 'bc'), key('ab', 'c')])).toBe(2);
  });
});
