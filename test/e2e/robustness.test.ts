/**
 * Issue #3 acceptance, "Faults", "Secrets": exact results under injected 429s, 5xx, resets and
 * timeouts; a wrong key stops within 2 s with exit code 2 and a one-line message; a restricted key syncs
 * what it may read and reports the rest as "no permission" (report, `_stripe_elt_runs`, `status`); no
 * key and no database password in any output of failing and succeeding runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/** A fixed start for the emulator's clock: the seeded history is then the same on every run. */
const FIXED_NOW = 1_788_220_800; // 2026-09-01T00:00:00Z

import { ConfigSchema } from '../../src/config/config.js';
import { DEFAULT_TEST_KEY, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { runSync } from '../../src/engine/runSync.js';
import { createLogger } from '../../src/observability/logger.js';
import { compareWithGroundTruth, lazyGroundTruth } from '../support/groundTruth.js';
import { duckdbReader } from '../support/warehouseReaders.js';

const dir = mkdtempSync(join(tmpdir(), 'stripe-elt-robust-'));
let emu: RunningEmulator;
let firstSync = 0;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, size: 'small', seed: 9, now: FIXED_NOW });
  firstSync = emu.emulator.clock.now();
}, 120_000);
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; stdout: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/stripe-elt.js', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        STRIPE_API_BASE: emu.url,
        STRIPE_MAX_RPS: '2000',
        STRIPE_ENDPOINT_RPS: '2000',
        ...env,
      },
    });
    let out = '';
    let stdout = '';
    child.stdout!.on('data', (d) => {
      out += d;
      stdout += d;
    });
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => resolve({ code, out, stdout, ms: Date.now() - started }));
  });
}

describe('faults', () => {
  it('20% 429s, 5% 5xx, resets and timeouts: the warehouse still equals the ground truth', async () => {
    emu.emulator.faults.set([
      { path: '^/v1/', probability: 0.2, action: 'status', status: 429, code: 'rate_limit' },
      { path: '^/v1/', probability: 0.05, action: 'server_error', status: 502 },
      { path: '^/v1/', probability: 0.02, action: 'reset' },
      { path: '^/v1/', probability: 0.01, action: 'hang', hangMs: 2500 },
      { path: '^/v1/', probability: 0.01, action: 'truncate' },
    ]);
    const file = join(dir, 'faults.duckdb');
    const config = ConfigSchema.parse({
      stripe: {
        apiKey: DEFAULT_TEST_KEY,
        apiBase: emu.url,
        accounts: 'all',
        maxRequestsPerSecond: 2000,
        endpointRequestsPerSecond: 2000,
        // Below the injected 2.5 s hangs, so they time out; not so low that a loaded CI machine's
        // ordinary slow responses (GC pauses of the in-process emulator) time out nine times in a row.
        timeoutMs: 2000,
      },
      destination: { url: `duckdb:${file}` },
      sync: {},
      serve: {},
    });
    const syncStart = emu.emulator.clock.now();
    try {
      const report = await runSync({ config, logger: createLogger({ level: 'error', pretty: false }) });
      expect(report.streams.filter((s) => s.status !== 'succeeded')).toEqual([]);
      const fired = emu.emulator.faults.list().map((r) => r.fired);
      expect(fired.every((n) => n > 0)).toBe(true);
    } finally {
      emu.emulator.faults.clear();
    }
    const reader = await duckdbReader(file);
    try {
      expect(
        await compareWithGroundTruth(lazyGroundTruth(emu.url), reader, {
          eventsSince: firstSync - 30 * 86400 + 600,
          eventsUntil: syncStart,
        }),
      ).toEqual([]);
    } finally {
      reader.close();
    }
  }, 600_000);
});

describe('bad keys', () => {
  it('a wrong key stops within 2 s with exit code 2 and one line, without the key', async () => {
    const key = 'sk_test_ThisKeyIsWrong1234567890';
    const r = await cli(['sync'], {
      STRIPE_API_KEY: key,
      DESTINATION_URL: `duckdb:${join(dir, 'bad.duckdb')}`,
    });
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(2000 + 1500); // + Node start-up on a loaded machine
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/API key/);
    expect(r.out).not.toContain('ThisKeyIsWrong');
  });

  it('a restricted key syncs what it may read and reports the rest as no permission', async () => {
    const rk = 'rk_test_limited_permissions_0001';
    emu.emulator.keys.add({
      key: rk,
      permissions: ['customers:read', 'charges:read', 'events:read', 'products:read'],
    });
    const file = join(dir, 'restricted.duckdb');
    const env = { STRIPE_API_KEY: rk, DESTINATION_URL: `duckdb:${file}`, LOG_LEVEL: 'error' };
    const r = await cli(['sync', '--json'], env);
    expect(r.code, r.out).toBe(0);
    const report = JSON.parse(r.stdout) as { streams: { stream: string; status: string }[] };
    const status = (name: string) => report.streams.find((s) => s.stream === name)?.status;
    expect(status('customers')).toBe('succeeded');
    expect(status('charges')).toBe('succeeded');
    expect(status('invoices')).toBe('no_permission');
    expect(status('payouts')).toBe('no_permission');
    const st = await cli(['status', '--json'], env);
    const rows = JSON.parse(st.stdout) as { stream: string; last_error: string | null; rows: number }[];
    expect(rows.find((x) => x.stream === 'invoices')?.last_error).toBe('no permission');
    expect(rows.find((x) => x.stream === 'customers')?.rows).toBeGreaterThan(0);
    const reader = await duckdbReader(file);
    try {
      const runs = await reader.rows('_stripe_elt_runs');
      expect(runs.some((x) => x.stream === 'invoices' && x.status === 'no_permission')).toBe(true);
      expect(runs.some((x) => x.stream === 'customers' && x.status === 'succeeded')).toBe(true);
    } finally {
      reader.close();
    }
  }, 300_000);
});

describe('secrets', () => {
  it('no API key and no database password appear in any output', async () => {
    const password = 'Sup3rS3cretPassw0rd';
    const url = new URL(inject('databaseUrl'));
    url.password = password; // trust auth on the test server accepts any password
    const good = url.toString();
    url.port = '1'; // nothing listens there: the run fails to connect
    const unreachable = url.toString();
    const runs = [
      await cli(['sync'], {
        STRIPE_API_KEY: DEFAULT_TEST_KEY,
        DESTINATION_URL: good,
        DESTINATION_SCHEMA: `secrets_${process.pid}`,
        STREAMS: 'customers,products',
        LOG_LEVEL: 'debug',
      }),
      await cli(['sync'], {
        STRIPE_API_KEY: DEFAULT_TEST_KEY,
        DESTINATION_URL: unreachable,
        LOG_LEVEL: 'debug',
      }),
      await cli(['sync'], {
        STRIPE_API_KEY: 'sk_live_AnotherSecretKey987654321',
        DESTINATION_URL: good,
        LOG_LEVEL: 'debug',
      }),
      await cli(['check'], { STRIPE_API_KEY: DEFAULT_TEST_KEY, DESTINATION_URL: unreachable }),
    ];
    expect(runs[0]!.code, runs[0]!.out).toBe(0);
    expect(runs[1]!.code).not.toBe(0);
    expect(runs[2]!.code).toBe(2);
    for (const r of runs) {
      expect(r.out).not.toContain(password);
      expect(r.out).not.toContain(DEFAULT_TEST_KEY);
      expect(r.out).not.toContain('AnotherSecretKey');
    }
  }, 300_000);
});
