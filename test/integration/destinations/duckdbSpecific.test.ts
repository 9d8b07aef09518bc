/** DuckDB-only behaviour: one instance per file, durability across reopen, native U+0000, file locks. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbDestination } from '../../../src/destinations/duckdb/duckdbDestination.js';
import { openInstanceCount } from '../../../src/destinations/duckdb/instanceCache.js';
import { EltError } from '../../../src/errors.js';
import { makeRow, makeSpec, readTable } from './conformanceHelpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stripe-elt-duckdb-specific-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('duckdb destination', () => {
  it('shares one instance per file and closes it with the last user; data survives reopening', async () => {
    const file = join(dir, 'shared.duckdb');
    const before = openInstanceCount();
    const a = await DuckDbDestination.open(file);
    const b = await DuckDbDestination.open(file);
    expect(openInstanceCount()).toBe(before + 1);
    await a.init();
    const spec = makeSpec('kept', [['v', 'text']]);
    await a.ensureTables([spec]);
    await a.write([{ table: spec, rows: [makeRow(spec, { id: 'x', v: 'durable' }, { version: 1 })] }], []);
    await a.close();
    expect((await readTable(b, spec)).get('x')?.v).toBe('durable');
    await b.close();
    expect(openInstanceCount()).toBe(before);
    const c = await DuckDbDestination.open(file);
    try {
      expect((await readTable(c, spec)).get('x')?.v).toBe('durable');
    } finally {
      await c.close();
    }
  });

  it('stores U+0000 natively and decimals as DECIMAL(38,12)', async () => {
    const file = join(dir, 'native.duckdb');
    const d = await DuckDbDestination.open(file);
    const spec = makeSpec('native', [
      ['v', 'text'],
      ['p', 'decimal'],
    ]);
    try {
      await d.init();
      await d.ensureTables([spec]);
      await d.write(
        [
          {
            table: spec,
            rows: [makeRow(spec, { id: 'a', v: 'x\u0000y', p: '0.000000000001' }, { version: 1 })],
          },
        ],
        [],
      );
    } finally {
      await d.close();
    }
    const inst = await DuckDBInstance.create(file);
    try {
      const conn = await inst.connect();
      const rows = (
        await conn.runAndReadAll('SELECT v, length(v), typeof(p), CAST(p AS VARCHAR) FROM native')
      ).getRows();
      expect(rows).toEqual([['x\u0000y', 3n, 'DECIMAL(38,12)', '0.000000000001']]);
      conn.closeSync();
    } finally {
      inst.closeSync();
    }
  });

  it('explains a database file held by another process', async () => {
    const file = join(dir, 'locked.duckdb');
    // The child opens the file, says "ready", and holds it until its stdin closes.
    const script = `const { DuckDBInstance } = require('@duckdb/node-api');
      DuckDBInstance.create(${JSON.stringify(file)}).then(async (i) => { await i.connect(); process.stdout.write('ready\\n'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0)); });`;
    const child = spawn(process.execPath, ['-e', script], {
      cwd: process.cwd(),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => b.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
      });
      const err = await DuckDbDestination.open(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EltError);
      expect((err as Error).message).toMatch(/open in another process/);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    }
  });
});
