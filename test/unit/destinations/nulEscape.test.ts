import { describe, expect, it } from 'vitest';
import {
  decodeNulJson,
  decodeNulText,
  encodeNulJson,
  encodeNulText,
  NUL_ESCAPE,
} from '../../../src/destinations/sql/nulEscape.js';

/** Deterministic strings over an alphabet rich in the characters the codec cares about. */
function* samples(count: number): Generator<string> {
  const alphabet = ['\u0000', NUL_ESCAPE, '0', 'a', '\\', 'u', '"', 'é', '💳', '\n'];
  let seed = 7;
  for (let n = 0; n < count; n++) {
    let s = '';
    const len = n % 12;
    for (let i = 0; i < len; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      s += alphabet[seed % alphabet.length];
    }
    yield s;
  }
}

describe('NUL escape for text', () => {
  it('leaves strings without U+0000 or ␀ untouched (same string)', () => {
    for (const s of ['', 'plain', 'Größe 💳', 'back\\slash \\u0000 as text'])
      expect(encodeNulText(s)).toBe(s);
  });

  it('encodes U+0000 as ␀0 and ␀ as ␀␀, and never produces U+0000', () => {
    expect(encodeNulText('a\u0000b')).toBe('a␀0b');
    expect(encodeNulText('␀')).toBe('␀␀');
    expect(encodeNulText('\u0000␀0')).toBe('␀0␀␀0');
    for (const s of samples(500)) expect(encodeNulText(s)).not.toContain('\u0000');
  });

  it('round-trips every sample exactly', () => {
    for (const s of samples(2000)) expect(decodeNulText(encodeNulText(s))).toBe(s);
  });

  it('keeps unknown ␀ sequences (data not written by us) as they are', () => {
    expect(decodeNulText('x␀y')).toBe('x␀y');
    expect(decodeNulText('trailing ␀')).toBe('trailing ␀');
  });
});

describe('NUL escape for JSON text', () => {
  it('leaves JSON without \\u escapes or ␀ untouched', () => {
    const json = JSON.stringify({ a: [1, 'two', { b: 'c\\d' }] });
    expect(encodeNulJson(json)).toBe(json);
  });

  it('replaces the \\u0000 escape, but not an escaped backslash followed by u0000', () => {
    expect(encodeNulJson(JSON.stringify('a\u0000b'))).toBe('"a␀0b"');
    expect(encodeNulJson(JSON.stringify('a\\u0000b'))).toBe('"a\\\\u0000b"');
    expect(encodeNulJson('"\\u2400 and ␀"')).toBe('"␀␀ and ␀␀"');
    expect(encodeNulJson('"\\u0001\\n"')).toBe('"\\u0001\\n"');
  });

  it('round-trips values through encode → (normalising store) → decode', () => {
    for (const s of samples(2000)) {
      const value = { [`k${s}`]: s, list: [s, 1] };
      const stored = encodeNulJson(JSON.stringify(value));
      expect(stored).not.toContain('\\u0000');
      // jsonb re-serialises; JSON.parse + stringify stands in for that here.
      const normalised = JSON.stringify(JSON.parse(stored));
      expect(JSON.parse(decodeNulJson(normalised))).toEqual(value);
    }
  });
});
