/**
 * Parses Stripe's form encoding (application/x-www-form-urlencoded with bracket notation) into nested
 * values: `metadata[plan]=pro`, `items[0][price]=price_1`, `expand[]=customer`, `created[gte]=1700000000`.
 * This is what stripe-node sends (its `utils.stringifyRequestData` uses qs with `arrayFormat: 'indices'`),
 * and what query strings on GET carry. All leaves stay strings, as on the wire; handlers coerce.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormParams = { [key: string]: FormValue };

const MAX_DEPTH = 8;
const MAX_PAIRS = 10_000;

export class FormParseError extends Error {}

export function parseForm(body: string): FormParams {
  const out: FormParams = {};
  if (!body) return out;
  const pairs = body.split('&');
  if (pairs.length > MAX_PAIRS) throw new FormParseError(`too many parameters (${pairs.length})`);
  for (const pair of pairs) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const key = decode(rawKey);
    const value = decode(rawValue);
    assign(out, splitKey(key), value);
  }
  return compactArrays(out) as FormParams;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new FormParseError(`invalid percent-encoding in ${JSON.stringify(s.slice(0, 40))}`);
  }
}

/** `a[b][0][]` → ['a', 'b', '0', ''] */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/g;
  re.lastIndex = open;
  let m: RegExpExecArray | null;
  let end = open;
  // biome-ignore lint/suspicious/noAssignInExpressions: idiomatic regex loop
  while ((m = re.exec(key)) !== null) {
    if (m.index !== end) break;
    parts.push(m[1] ?? '');
    end = re.lastIndex;
  }
  if (end !== key.length) throw new FormParseError(`malformed parameter name ${JSON.stringify(key)}`);
  if (parts.length > MAX_DEPTH) throw new FormParseError(`parameter nested too deeply: ${key}`);
  return parts;
}

type Node = { [key: string]: unknown };

function assign(target: Node, path: string[], value: string): void {
  let node: Node = target;
  for (let i = 0; i < path.length; i++) {
    let seg = path[i]!;
    const last = i === path.length - 1;
    if (seg === '') {
      // `[]` appends: use the next free numeric slot, marked as an array-ish object.
      seg = String(Object.keys(node).length);
    }
    if (seg === '__proto__' || seg === 'constructor' || seg === 'prototype') {
      throw new FormParseError(`forbidden parameter name ${JSON.stringify(seg)}`);
    }
    if (last) {
      node[seg] = value;
      return;
    }
    const nextSeg = path[i + 1]!;
    let child = node[seg];
    if (typeof child !== 'object' || child === null) {
      child = Object.create(null) as Node;
      Object.defineProperty(child, '__arrayish', {
        value: nextSeg === '' || /^\d+$/.test(nextSeg),
        enumerable: false,
        writable: true,
      });
      node[seg] = child;
    }
    node = child as Node;
  }
}

/** Objects whose keys were all numeric indices (or `[]`) become arrays, ordered by index. */
function compactArrays(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const node = v as Node & { __arrayish?: boolean };
  const keys = Object.keys(node);
  const arrayish = node.__arrayish === true && keys.every((k) => /^\d+$/.test(k));
  if (arrayish) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => compactArrays(node[String(k)]));
  }
  const out: Node = {};
  for (const k of keys) out[k] = compactArrays(node[k]);
  return out;
}

/** Inverse of parseForm, for tests and the seed's in-process calls. */
export function encodeForm(params: Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (prefix: string, v: unknown) => {
    if (v === undefined) return;
    if (v === null) {
      parts.push(`${encodeURIComponent(prefix)}=`);
    } else if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) walk(`${prefix}[${i}]`, item);
    } else if (typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) walk(prefix ? `${prefix}[${k}]` : k, item);
    } else {
      parts.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(v))}`);
    }
  };
  walk('', params);
  return parts.join('&');
}

/** A value that encodes to no pair at all (undefined, `{}`, `[]`, or only such values): the key is absent. */
const ABSENT = Symbol('absent');
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
/** Keys that parseForm turns into array indices (short enough to be array indices, written canonically). */
const INDEX_KEY = /^(0|[1-9]\d{0,8})$/;
const DIGITS = /^\d+$/;
const SURROGATE = /[\uD800-\uDFFF]/;

class Unusual extends Error {}

/**
 * `parseForm(encodeForm(params))` without the text in between, for in-process calls (the seed makes
 * hundreds of thousands). Returns undefined when the params hold something only the round trip through
 * the text decides (a key with brackets or a forbidden name, numeric keys written non-canonically, too
 * many pairs or levels, a lone surrogate): the caller then goes through the text, errors included.
 */
export function formParams(params: Record<string, unknown>): FormParams | undefined {
  const pairs = { n: 0 };
  try {
    const out: FormParams = {};
    for (const [k, v] of Object.entries(params)) {
      checkKey(k);
      const value = toFormValue(v, 1, pairs);
      if (value !== ABSENT) out[k] = value;
    }
    return out;
  } catch (err) {
    if (err instanceof Unusual) return undefined;
    throw err;
  }
}

function checkKey(k: string): void {
  if (k === '' || k.includes('[') || k.includes(']') || FORBIDDEN.has(k) || SURROGATE.test(k))
    throw new Unusual();
}

function toFormValue(v: unknown, depth: number, pairs: { n: number }): FormValue | typeof ABSENT {
  if (v === undefined) return ABSENT;
  if (v === null || typeof v !== 'object') {
    // A leaf: one pair, its path `depth` parts long.
    if (depth > MAX_DEPTH || ++pairs.n > MAX_PAIRS) throw new Unusual();
    if (v === null) return '';
    const s = String(v);
    if (SURROGATE.test(s)) throw new Unusual();
    return s;
  }
  const entries = Array.isArray(v)
    ? [...v.entries()].map(([i, x]) => [String(i), x] as const)
    : Object.entries(v);
  const kept: [string, FormValue][] = [];
  for (const [k, x] of entries) {
    checkKey(k);
    const value = toFormValue(x, depth + 1, pairs);
    if (value !== ABSENT) kept.push([k, value]);
  }
  if (kept.length === 0) return ABSENT;
  // parseForm makes a node whose keys are all numbers an array, in index order (JS orders such keys
  // ascending already); a number written some other way ('01') is left to the real parser.
  if (kept.every(([k]) => DIGITS.test(k))) {
    if (!kept.every(([k]) => INDEX_KEY.test(k))) throw new Unusual();
    return kept.map(([, value]) => value);
  }
  const out: { [key: string]: FormValue } = {};
  for (const [k, value] of kept) out[k] = value;
  return out;
}
