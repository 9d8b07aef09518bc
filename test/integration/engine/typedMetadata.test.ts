/**
 * Typed metadata columns end to end (`sync.metadataTypes`): customers created through the emulator's
 * API with numeric, boolean and date metadata land in Postgres and DuckDB in typed columns; values that
 * do not read as the type become NULL there (the sync does not fail) while the `metadata` JSON keeps
 * the original strings; untyped keys stay text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/config.js';
import { DEFAULT_TEST_KEY, type RunningEmulator, startEmulator } from '../../../src/emulator/index.js';
import { runSync } from '../../../src/engine/runSync.js';
import { createLogger } from '../../../src/observability/logger.js';
import { duckdbReader, postgresReader } from '../../support/warehouseReaders.js';

const dir = mkdtempSync(join(tmpdir(), 'stripe-elt-typed-'));
const schema = `typed_md_${process.pid}_${Date.now()}`;
const duckFile = join(dir, 'typed.duckdb');

const CUSTOMERS: Record<string, Record<string, string>> = {
  good: { seats: '12', ratio: '0.25', vip: 'yes', renews_on: '2026-01-05', plan: 'pro' },
  unix: { seats: '-3', ratio: '1e3', vip: 'FALSE', renews_on: '1767225600', plan: '42' },
  junk: { seats: 'n/a', ratio: 'half', vip: 'maybe', renews_on: 'next week', plan: 'n/a' },
  huge: { seats: '99999999999999999999', ratio: ' 7 ', vip: '1', renews_on: '2026-01-05T10:30:00+02:00' },
};

let emu: RunningEmulator;
const ids = new Map<string, string>();

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  for (const [name, metadata] of Object.entries(CUSTOMERS)) {
    const res = await emu.emulator.call('POST', '/v1/customers', { name, metadata });
    expect(res.status).toBe(200);
    ids.set(name, res.json.id as string);
  }
}, 60_000);

afterAll(async () => {
  await emu?.close();
  const c = new pg.Client({ connectionString: inject('databaseUrl') });
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.end();
  rmSync(dir, { recursive: true, force: true });
});

const sync = (url: string) =>
  runSync({
    config: ConfigSchema.parse({
      stripe: { apiKey: DEFAULT_TEST_KEY, apiBase: emu.url, maxRequestsPerSecond: 1000 },
      destination: { url, schema },
      sync: {
        streams: ['customers'],
        metadataTypes: {
          customers: { seats: 'bigint', ratio: 'double', vip: 'boolean', renews_on: 'timestamp' },
        },
      },
      serve: {},
    }),
    logger: createLogger({ level: 'error', pretty: false }),
  });

const EXPECTED = {
  good: { seats: 12, ratio: 0.25, vip: true, renews_on: Date.parse('2026-01-05T00:00:00Z'), plan: 'pro' },
  unix: { seats: -3, ratio: 1000, vip: false, renews_on: 1_767_225_600_000, plan: '42' },
  junk: { seats: null, ratio: null, vip: null, renews_on: null, plan: 'n/a' },
  huge: { seats: null, ratio: 7, vip: true, renews_on: Date.parse('2026-01-05T08:30:00Z'), plan: null },
};

type Row = Record<string, unknown>;
const ms = (v: unknown) => (v === null ? null : new Date(v as string | Date).getTime());

function check(rows: Row[], num: (v: unknown) => unknown) {
  for (const [name, want] of Object.entries(EXPECTED)) {
    const row = rows.find((r) => r.id === ids.get(name))!;
    expect(row, name).toBeDefined();
    expect(
      {
        seats: num(row.metadata_seats),
        ratio: num(row.metadata_ratio),
        vip: row.metadata_vip,
        renews_on: ms(row.metadata_renews_on),
        plan: row.metadata_plan,
      },
      name,
    ).toEqual(want);
    // The JSON column keeps every original string, the strays included.
    const md = typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata;
    expect(md, name).toEqual(CUSTOMERS[name]);
  }
}

describe('typed metadata columns', () => {
  it('Postgres: typed columns, strays NULL, JSON lossless', async () => {
    const report = await sync(inject('databaseUrl'));
    expect(report.ok).toBe(true);
    const c = new pg.Client({ connectionString: inject('databaseUrl') });
    await c.connect();
    try {
      const types = await c.query(
        `select column_name, data_type from information_schema.columns
          where table_schema = $1 and table_name = 'customers' and column_name like 'metadata_%' order by 1`,
        [schema],
      );
      expect(Object.fromEntries(types.rows.map((r) => [r.column_name, r.data_type]))).toEqual({
        metadata_plan: 'text',
        metadata_ratio: 'double precision',
        metadata_renews_on: 'timestamp with time zone',
        metadata_seats: 'bigint',
        metadata_vip: 'boolean',
      });
    } finally {
      await c.end();
    }
    const reader = postgresReader(inject('databaseUrl'), schema);
    try {
      check(await reader.rows('customers'), (v) => (v === null ? null : Number(v)));
    } finally {
      await reader.close();
    }
  }, 120_000);

  it('DuckDB: typed columns, strays NULL, JSON lossless', async () => {
    const report = await sync(`duckdb:${duckFile}`);
    expect(report.ok).toBe(true);
    const reader = await duckdbReader(duckFile);
    try {
      check(await reader.rows('customers'), (v) => (v === null ? null : Number(v)));
    } finally {
      reader.close();
    }
  }, 120_000);
});
