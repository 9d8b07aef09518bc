/** Configuration: env and file merge, defaults, field-level one-line errors without secrets. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, requireApiKey } from '../../../src/config/config.js';
import { ConfigError } from '../../../src/errors.js';

describe('loadConfig', () => {
  it('applies defaults', () => {
    const c = loadConfig({ env: { STRIPE_API_KEY: 'sk_test_abc123' } });
    expect(c.destination.url).toBe('duckdb:./stripe.duckdb');
    expect(c.stripe.accounts).toBe('self');
    expect(c.serve.schedule).toBe('0 * * * *');
    expect(c.serve.host).toBe('127.0.0.1');
  });

  it('reads lists and numbers from the environment', () => {
    const c = loadConfig({
      env: {
        STRIPE_API_KEY: 'rk_live_x1',
        STRIPE_ACCOUNTS: 'acct_1, acct_2',
        STREAMS: 'charges,refunds',
        STRIPE_MAX_RPS: '50',
      },
    });
    expect(c.stripe.accounts).toEqual(['acct_1', 'acct_2']);
    expect(c.sync.streams).toEqual(['charges', 'refunds']);
    expect(c.stripe.maxRequestsPerSecond).toBe(50);
  });

  it('takes a DuckDB memory limit as a size and names the field when it is not one', () => {
    const c = loadConfig({ env: { DUCKDB_MEMORY_LIMIT: '300MB' } });
    expect(c.destination.duckdbMemoryLimit).toBe('300MB');
    expect(() => loadConfig({ env: { DUCKDB_MEMORY_LIMIT: 'lots' } })).toThrow(
      /destination\.duckdbMemoryLimit.*300MB/,
    );
  });

  it('lets the environment override the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ destination: { url: 'postgres://a/b' }, sync: { batchRows: 100 } }));
    const c = loadConfig({ file, env: { STRIPE_API_KEY: 'sk_test_1', BATCH_ROWS: '7' } });
    expect(c.destination.url).toBe('postgres://a/b');
    expect(c.sync.batchRows).toBe(7);
  });

  it('names the field and never echoes the key', () => {
    const bad = 'pk_live_supersecret123';
    const err = (() => {
      try {
        loadConfig({ env: { STRIPE_API_KEY: bad, STRIPE_MAX_RPS: 'fast' } });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.exitCode).toBe(2);
    expect(err!.message).toContain('stripe.apiKey');
    expect(err!.message).toContain('stripe.maxRequestsPerSecond');
    expect(err!.message).not.toContain('supersecret');
    expect(err!.message).not.toContain('\n');
  });

  it('requires a key only where needed', () => {
    const c = loadConfig({ env: {} });
    expect(() => requireApiKey(c)).toThrow(/STRIPE_API_KEY/);
  });
});
