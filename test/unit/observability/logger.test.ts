/** Log lines are JSON when not on a terminal, and never carry a key or a password, however passed. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes JSON lines with a time and level when not pretty', () => {
    const { lines, stream } = capture();
    const log = createLogger({ pretty: false, destination: stream });
    log.info({ stream: 'charges', rows: 10 }, 'loaded');
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(rec).toMatchObject({ msg: 'loaded', stream: 'charges', rows: 10, level: 30 });
    expect(rec.time).toEqual(expect.any(String));
  });

  it('redacts secrets in fields, nested fields and messages', () => {
    const { lines, stream } = capture();
    const log = createLogger({ pretty: false, destination: stream });
    const key = 'sk_live_51Hsupersecretvalue9999';
    log.info({ apiKey: key, config: { destination: { url: 'postgres://u:pw123@h/db' } } }, `using ${key}`);
    log.error(`connect postgres://u:pw123@h/db failed`);
    const all = lines.join('\n');
    expect(all).not.toContain('supersecret');
    expect(all).not.toContain('pw123');
  });
});
