/**
 * A lossless escape for U+0000 in warehouses that cannot store it.
 *
 * PostgreSQL `text` cannot hold a NUL byte at all (error 22021), and `jsonb` rejects the JSON escape
 * `\u0000` (error 22P05, "unsupported Unicode escape sequence": postgresql.org/docs/current/datatype-json.html).
 * Stripe strings are arbitrary user input (descriptions, metadata values, even metadata keys), so a NUL
 * must survive the round trip without failing the batch or silently changing the value.
 *
 * The design, chosen so ordinary data is stored untouched:
 *
 * - The escape character is `␀` (U+2400 SYMBOL FOR NULL): it is a valid character everywhere, and an
 *   analyst reading `abc␀0def` can tell what was there.
 * - Encoding replaces U+0000 with `␀0` and a literal `␀` with `␀␀`. Every `␀` in stored text therefore
 *   starts a two-character code, so decoding is unambiguous (`␀0` → U+0000, `␀␀` → `␀`).
 * - Strings containing neither character (all but the rarest) are stored byte for byte as given.
 * - JSON text gets the same treatment at the character level of its string values (and keys): the JSON
 *   escape `\u0000` becomes `␀0`, and a `␀` (raw or written as `\u2400`) becomes `␀␀`; every other escape
 *   is left alone. `␀` can only occur inside JSON strings, so decoding jsonb output is a plain scan.
 *
 * Reading back through the destination (`readRows`, state, run records) decodes; SQL written by hand sees
 * the escaped form. Destinations that store NUL natively (DuckDB) do not use this.
 */
export const NUL_ESCAPE = '\u2400';
const NUL = '\u0000';

/** Text value → storable text. Identity for strings without U+0000 or `␀`. */
export function encodeNulText(s: string): string {
  if (s.indexOf(NUL) === -1 && s.indexOf(NUL_ESCAPE) === -1) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === NUL) out += `${NUL_ESCAPE}0`;
    else if (ch === NUL_ESCAPE) out += NUL_ESCAPE + NUL_ESCAPE;
    else out += ch;
  }
  return out;
}

/** Stored text → original text. Unknown `␀` sequences (data not written by us) are kept as they are. */
export function decodeNulText(s: string): string {
  if (s.indexOf(NUL_ESCAPE) === -1) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === NUL_ESCAPE) {
      const next = s[i + 1];
      if (next === '0') {
        out += NUL;
        i++;
        continue;
      }
      if (next === NUL_ESCAPE) {
        out += NUL_ESCAPE;
        i++;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

/**
 * JSON text → JSON text jsonb accepts. Walks escapes so `\\u0000` (an escaped backslash followed by
 * "u0000") is not mistaken for a NUL.
 */
export function encodeNulJson(json: string): string {
  if (json.indexOf('\\u') === -1 && json.indexOf(NUL_ESCAPE) === -1) return json;
  let out = '';
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]!;
    if (ch === '\\') {
      const next = json[i + 1];
      if (next === 'u') {
        const hex = json.slice(i + 2, i + 6);
        if (hex === '0000') {
          out += `${NUL_ESCAPE}0`;
          i += 5;
          continue;
        }
        if (hex === '2400') {
          out += NUL_ESCAPE + NUL_ESCAPE;
          i += 5;
          continue;
        }
      }
      // Any other escape: copy the backslash and the escaped character together.
      out += ch + (next ?? '');
      i++;
      continue;
    }
    out += ch === NUL_ESCAPE ? NUL_ESCAPE + NUL_ESCAPE : ch;
  }
  return out;
}

/** Stored JSON text → JSON text with `\u0000` escapes restored. */
export function decodeNulJson(json: string): string {
  if (json.indexOf(NUL_ESCAPE) === -1) return json;
  let out = '';
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]!;
    if (ch === NUL_ESCAPE) {
      const next = json[i + 1];
      if (next === '0') {
        out += '\\u0000';
        i++;
        continue;
      }
      if (next === NUL_ESCAPE) {
        out += NUL_ESCAPE;
        i++;
        continue;
      }
    }
    out += ch;
  }
  return out;
}
