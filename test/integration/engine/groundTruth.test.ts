/**
 * Issue #3 acceptance, "Ground truth": after (a) a full backfill of the `medium` seed with
 * STRIPE_ACCOUNTS=all, (b) a random mix of creates/updates/deletes then a sync, and (c) a clock jump of
 * 31 days with more changes then a sync, every table in Postgres and in DuckDB equals the emulator's
 * ground truth: the same rows (deleted ones flagged), the same value in every column, JSON columns equal
 * to the objects' nested values.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/** A fixed start for the emulator's clock: the seeded history is then the same on every run. */
const FIXED_NOW = 1_788_220_800; // 2026-09-01T00:00:00Z

import { ConfigSchema } from '../../../src/config/config.js';
import { DEFAULT_TEST_KEY, type RunningEmulator, startEmulator } from '../../../src/emulator/index.js';
import { runSync, type SyncReport } from '../../../src/engine/runSync.js';
import { SyncProgress } from '../../../src/engine/syncProgress.js';
import { createLogger } from '../../../src/observability/logger.js';
import {
  compareWithGroundTruth,
  fetchGroundTruth,
  lazyGroundTruth,
  type WarehouseReader,
} from '../../support/groundTruth.js';
import { randomMutations } from '../../support/mutations.js';
import { duckdbReader, postgresReader } from '../../support/warehouseReaders.js';

const SIZE = (process.env.GROUND_TRUTH_SEED ?? 'medium') as 'medium';

interface Target {
  name: string;
  url: () => string;
  reader: () => Promise<WarehouseReader & { close(): unknown }>;
  cleanup: () => Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'stripe-elt-gt-'));
const schema = `gt_${process.pid}_${Date.now()}`;
const targets: Target[] = [
  {
    name: 'postgres',
    url: () => inject('databaseUrl'),
    reader: async () => postgresReader(inject('databaseUrl'), schema),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: inject('databaseUrl') });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    },
  },
  {
    name: 'duckdb',
    url: () => `duckdb:${join(dir, 'gt.duckdb')}`,
    reader: () => duckdbReader(join(dir, 'gt.duckdb')),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  },
];

describe.each(targets)('ground truth in $name', (target) => {
  let emu: RunningEmulator;
  let firstSync = 0;
  const log = createLogger({ level: 'error', pretty: false });

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, size: SIZE, seed: 3, now: FIXED_NOW });
    firstSync = emu.emulator.clock.now();
  }, 600_000);
  afterAll(async () => {
    await emu?.close();
    await target.cleanup();
  });

  const sync = async (progress?: SyncProgress): Promise<SyncReport> => {
    const config = ConfigSchema.parse({
      stripe: {
        apiKey: DEFAULT_TEST_KEY,
        apiBase: emu.url,
        accounts: 'all',
        maxRequestsPerSecond: 5000,
        endpointRequestsPerSecond: 5000,
        concurrency: 16,
      },
      destination: { url: target.url(), schema },
      sync: {},
      serve: {},
    });
    const report = await runSync({ config, logger: log, progress });
    expect(report.streams.filter((s) => s.status !== 'succeeded')).toEqual([]);
    return report;
  };

  const expectGroundTruth = async () => {
    const reader = await target.reader();
    try {
      const diffs = await compareWithGroundTruth(lazyGroundTruth(emu.url), reader, {
        eventsSince: firstSync - 30 * 86400 + 600,
      });
      expect(diffs).toEqual([]);
    } finally {
      await reader.close();
    }
  };

  it('(a) a full backfill of every account equals the ground truth', async () => {
    // The progress bar's fraction, sampled while it runs: it moves through (0, 1) and ends at 1.
    const progress = new SyncProgress();
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(progress.fraction() ?? -1), 25);
    const report = await sync(progress).finally(() => clearInterval(sampler));
    expect(samples.some((f) => f > 0 && f < 1)).toBe(true);
    expect(progress.fraction()).toBe(1);
    expect(report.accounts.length).toBeGreaterThanOrEqual(3);
    await expectGroundTruth();
  }, 900_000);

  it('(b) after random creates, updates and deletes, an incremental sync equals it again', async () => {
    const gt = await fetchGroundTruth(emu.url, ['customers']);
    const [platform, connected] = [
      gt.platform_account,
      Object.keys(gt.accounts).find((a) => a !== gt.platform_account)!,
    ];
    const a = await randomMutations(emu.emulator, 11, 300, platform);
    const b = await randomMutations(emu.emulator, 12, 100, connected);
    expect(Object.values(a.counts).reduce((x, y) => x + y, 0)).toBeGreaterThan(200);
    expect(b.counts['customer.delete'] ?? 0).toBeGreaterThan(0);
    const report = await sync();
    expect(report.warnings).toEqual([]);
    await expectGroundTruth();
  }, 900_000);

  it('(c) after a 31-day clock jump and more changes, the gap is detected and healed', async () => {
    emu.emulator.clock.advance(31 * 86400);
    emu.emulator.tickAll();
    await randomMutations(emu.emulator, 13, 200);
    const report = await sync();
    expect(report.warnings.join(' ')).toMatch(/30-day retention/);
    await expectGroundTruth();
  }, 900_000);
});
