/**
 * The emulator as a user runs it: `stripe-elt emulator --seed small --port 0` from the built CLI, then
 * the acceptance requests of issue #2 over plain HTTP (a Stripe-shaped list with has_more, limit=101 →
 * 400 in Stripe's error shape, bad key → 401, unknown cursor → 400 resource_missing).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'sk_test_emulator_0000000000000000';
let child: ChildProcess;
let base: string;

beforeAll(async () => {
  child = spawn(process.execPath, ['bin/stripe-elt.js', 'emulator', '--seed', 'small', '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  const lines = createInterface({ input: child.stderr! });
  base = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`emulator exited early with ${code}`)));
    lines.on('line', (line) => {
      try {
        const rec = JSON.parse(line) as { url?: string };
        if (rec.url) resolve(rec.url);
      } catch {
        // not a JSON log line
      }
    });
  });
}, 120_000);

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

const get = (path: string, key = KEY) =>
  fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });

describe('stripe-elt emulator (CLI)', () => {
  it('serves a seeded, Stripe-shaped charges list', async () => {
    const res = await get('/v1/charges?limit=3');
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    const body = (await res.json()) as {
      object: string;
      data: { id: string; object: string }[];
      has_more: boolean;
      url: string;
    };
    expect(body.object).toBe('list');
    expect(body.url).toBe('/v1/charges');
    expect(body.has_more).toBe(true);
    expect(body.data).toHaveLength(3);
    for (const c of body.data) {
      expect(c.object).toBe('charge');
      expect(c.id).toMatch(/^ch_/);
    }
  });

  it('rejects limit=101 with a Stripe error', async () => {
    const res = await get('/v1/charges?limit=101');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; param: string; message: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'limit' });
    expect(body.error.message).toMatch(/100/);
  });

  it('answers 401 to a bad key', async () => {
    const res = await get('/v1/charges?limit=3', 'sk_test_wrong_key_123456');
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).not.toContain('sk_test_wrong_key_123456');
  });

  it('answers 400 resource_missing to an unknown starting_after', async () => {
    const res = await get('/v1/charges?starting_after=ch_nonexistent');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; param: string } };
    expect(body.error).toMatchObject({ code: 'resource_missing', param: 'starting_after' });
  });
});
