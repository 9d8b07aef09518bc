/**
 * Issue #3 acceptance, "Crash safety": `stripe-elt sync` is killed with SIGKILL at distinct points —
 * inside backfill windows, child paging, window splits, event application, around commits — then run
 * again, and the warehouse equals the emulator's ground truth with no duplicate rows.
 * Crash points are the engine's failpoints (src/engine/failpoints.ts), armed by STRIPE_ELT_FAILPOINT.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A fixed start for the emulator's clock: the seeded history is then the same on every run. */
const FIXED_NOW = 1_788_220_800; // 2026-09-01T00:00:00Z

import { DEFAULT_TEST_KEY, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { compareWithGroundTruth, lazyGroundTruth } from '../support/groundTruth.js';
import { randomMutations } from '../support/mutations.js';
import { duckdbReader } from '../support/warehouseReaders.js';

const dir = mkdtempSync(join(tmpdir(), 'stripe-elt-crash-'));
let emu: RunningEmulator;
let firstSync = 0;
let lastSyncStart = 0;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, size: 'small', seed: 5, now: FIXED_NOW });
  firstSync = emu.emulator.clock.now();
}, 120_000);
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

function sync(
  file: string,
  failpoint?: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  lastSyncStart = emu.emulator.clock.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/stripe-elt.js', 'sync'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        STRIPE_API_KEY: DEFAULT_TEST_KEY,
        STRIPE_API_BASE: emu.url,
        STRIPE_ACCOUNTS: 'all',
        STRIPE_MAX_RPS: '2000',
        STRIPE_ENDPOINT_RPS: '2000',
        DESTINATION_URL: `duckdb:${file}`,
        BATCH_ROWS: '500',
        LOG_LEVEL: 'error',
        // One account at a time: a failpoint's hit count (`writer.afterWrite:9`) names the same instant of
        // the run only when the accounts' work does not interleave.
        STRIPE_ACCOUNT_CONCURRENCY: '1',
        ...(failpoint ? { STRIPE_ELT_FAILPOINT: failpoint } : {}),
      },
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.once('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

async function expectGroundTruth(file: string): Promise<void> {
  const reader = await duckdbReader(file);
  try {
    expect(
      await compareWithGroundTruth(lazyGroundTruth(emu.url), reader, {
        eventsSince: firstSync - 30 * 86400 + 600,
        eventsUntil: lastSyncStart,
      }),
    ).toEqual([]);
  } finally {
    reader.close();
  }
}

/** Crash points during a first sync (backfill). */
const BACKFILL_POINTS = [
  'anchor.afterList:1',
  'backfill.afterPage:7',
  'backfill.afterEmit:15',
  'backfill.child:25',
  'backfill.split:1',
  'writer.beforeWrite:2',
  'writer.afterWrite:3',
  'writer.afterWrite:9',
];

/** Crash points during an incremental sync, after changes. */
const INCREMENTAL_POINTS = [
  'events.afterList:1',
  'events.afterApply:1',
  'writer.afterWrite:1',
  'created.afterPage:1',
];

describe('crash safety (SIGKILL, then run again)', () => {
  it.each(BACKFILL_POINTS)(
    'backfill killed at %s recovers to ground truth',
    async (point) => {
      const file = join(dir, `${point.replace(/[:.]/g, '_')}.duckdb`);
      const crashed = await sync(file, point);
      expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
      const again = await sync(file);
      expect(again.code, again.stderr).toBe(0);
      await expectGroundTruth(file);
    },
    300_000,
  );

  it.each(INCREMENTAL_POINTS)(
    'incremental killed at %s recovers to ground truth',
    async (point) => {
      const file = join(dir, `inc_${point.replace(/[:.]/g, '_')}.duckdb`);
      expect((await sync(file)).code).toBe(0);
      await randomMutations(emu.emulator, point.length * 7, 60);
      const crashed = await sync(file, point);
      expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
      const again = await sync(file);
      expect(again.code, again.stderr).toBe(0);
      await expectGroundTruth(file);
    },
    300_000,
  );
});
