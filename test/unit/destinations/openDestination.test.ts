import { describe, expect, it } from 'vitest';
import { openDestination } from '../../../src/destinations/index.js';
import { ConfigError } from '../../../src/errors.js';

describe('openDestination', () => {
  it('refuses unknown schemes with a one-line message naming the supported ones, password redacted', async () => {
    const err = await openDestination('mysql://root:hunter2@db/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/duckdb:\.\/stripe\.duckdb.*postgres:\/\//);
    expect(msg).not.toContain('hunter2');
    expect(msg).not.toContain('\n');
  });

  it('refuses a duckdb URL without a path, and the duckdb:// form', async () => {
    await expect(openDestination('duckdb:')).rejects.toThrow(/needs a file path/);
    await expect(openDestination('duckdb://tmp/x.duckdb')).rejects.toThrow(/no \/\//);
    await expect(openDestination('./stripe.duckdb')).rejects.toBeInstanceOf(ConfigError);
  });

  it('opens a private in-memory DuckDB', async () => {
    const dest = await openDestination('duckdb::memory:');
    try {
      expect(dest.capabilities).toEqual({ name: 'duckdb', transactional: true, maxIdentifierLength: 63 });
      await dest.init();
      expect(await dest.readState()).toEqual([]);
    } finally {
      await dest.close();
    }
  });

  it('creates a Postgres destination lazily (no connection until used)', async () => {
    const dest = await openDestination('postgresql://user:secret@127.0.0.1:1/none', { schema: 'analytics' });
    expect(dest.capabilities.name).toBe('postgres');
    await dest.close();
  });
});
