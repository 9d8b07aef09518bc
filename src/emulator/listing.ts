/**
 * List endpoints with Stripe's semantics (docs.stripe.com/api/pagination): newest first, `limit` 1–100
 * (default 10), `starting_after` / `ending_before` (exclusive, mutually exclusive, unknown id → 400
 * resource_missing), `created` as an integer or a gt/gte/lt/lte range, `expand[]` with `data.` prefixes,
 * and each endpoint's own filters and default filters.
 */
import { ApiError, invalidRequest, missingReference, parameterUnknown } from './apiError.js';
import type { FieldValue, PageQuery, Rec } from './collection.js';
import type { FormParams, FormValue } from './formBody.js';
import { checkExpandDepth, type Renderer } from './render.js';
import type { ResourceDef, StripeObject } from './resource.js';
import type { AccountData } from './store.js';

const COMMON = new Set(['limit', 'starting_after', 'ending_before', 'expand']);

export interface ListRequest {
  account: AccountData;
  def: ResourceDef;
  params: FormParams;
  /** Path the list was requested at (goes into `url`). */
  url: string;
  /** For child endpoints: the parent id the list is scoped to. */
  parentId?: string;
  now: number;
}

export interface ListResult {
  body: string;
  count: number;
}

export function parseExpand(params: FormParams): string[] {
  const e = params.expand;
  if (e === undefined) return [];
  const list = Array.isArray(e) ? e : [e];
  return list.map((v) => {
    if (typeof v !== 'string') throw invalidRequest('Invalid array', 'expand');
    return v;
  });
}

export function parseInteger(value: FormValue | undefined, param: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value))
    throw invalidRequest(`Invalid integer: ${String(value)}`, param);
  return Number(value);
}

function parseLimit(value: FormValue | undefined): number {
  const n = parseInteger(value, 'limit');
  if (n === undefined) return 10;
  if (n < 1)
    throw new ApiError(
      400,
      'invalid_request_error',
      'This value must be greater than or equal to 1.',
      'parameter_invalid_integer',
      'limit',
    );
  if (n > 100)
    throw new ApiError(
      400,
      'invalid_request_error',
      'This value must be less than or equal to 100.',
      'parameter_invalid_integer',
      'limit',
    );
  return n;
}

export function parseCreated(value: FormValue | undefined, param = 'created'): PageQuery['created'] {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const n = parseInteger(value, param)!;
    return { gte: n, lte: n };
  }
  if (Array.isArray(value)) throw invalidRequest(`Invalid ${param}`, param);
  const out: NonNullable<PageQuery['created']> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k !== 'gt' && k !== 'gte' && k !== 'lt' && k !== 'lte') throw parameterUnknown(`${param}[${k}]`);
    out[k] = parseInteger(v, `${param}[${k}]`);
  }
  return out;
}

function coerce(
  value: FormValue,
  type: 'string' | 'boolean' | 'integer' | undefined,
  param: string,
): FieldValue {
  if (typeof value !== 'string') throw invalidRequest(`Invalid ${param}`, param);
  if (type === 'boolean') {
    if (value !== 'true' && value !== 'false') throw invalidRequest(`Invalid boolean: ${value}`, param);
    return value === 'true';
  }
  if (type === 'integer') return parseInteger(value, param)!;
  return value;
}

export function listPage(req: ListRequest, renderer: Renderer): ListResult {
  const { def, params, account } = req;
  const coll = account.collection(def.name);
  const listParams = def.listParams ?? {};
  for (const key of Object.keys(params)) {
    if (COMMON.has(key) || Object.hasOwn(listParams, key) || (key === 'created' && def.createdFilter))
      continue;
    throw parameterUnknown(key);
  }
  def.validateList?.(params);
  const limit = parseLimit(params.limit);
  if (params.starting_after !== undefined && params.ending_before !== undefined) {
    throw invalidRequest(
      'You may only specify one of these parameters: ending_before, starting_after.',
      'ending_before',
    );
  }
  const cursor = (param: 'starting_after' | 'ending_before'): Rec | undefined => {
    const id = params[param];
    if (id === undefined) return undefined;
    if (typeof id !== 'string') throw invalidRequest(`Invalid ${param}`, param);
    const rec = coll.get(id);
    // An object past its retention (events older than 30 days) no longer exists as a cursor either.
    const expired = rec && def.retentionSeconds !== undefined && rec.created < req.now - def.retentionSeconds;
    if (!rec || expired) throw missingReference(def.object, id, param);
    return rec;
  };
  const query: PageQuery = {
    limit,
    startingAfter: cursor('starting_after'),
    endingBefore: cursor('ending_before'),
  };
  query.created = def.createdFilter ? parseCreated(params.created) : undefined;
  if (def.retentionSeconds !== undefined) {
    const oldest = req.now - def.retentionSeconds;
    query.created = { ...query.created, gte: Math.max(query.created?.gte ?? oldest, oldest) };
  }

  const tests: ((f: Record<string, FieldValue>) => boolean)[] = [];
  if (req.parentId !== undefined && def.parent)
    query.indexed = { field: def.parent.field, value: req.parentId };
  for (const [name, p] of Object.entries(listParams)) {
    const raw = params[name];
    if (raw === undefined) {
      if (p.required)
        throw new ApiError(
          400,
          'invalid_request_error',
          `Missing required param: ${name}.`,
          'parameter_missing',
          name,
        );
      continue;
    }
    // The allowed values hold for custom tests too (`status` with a test for `all` still rejects `bogus`).
    if (p.enum && !(typeof raw === 'string' && p.enum.includes(raw))) {
      throw invalidRequest(`Invalid ${name}: must be one of ${p.enum.join(', ')}`, name);
    }
    if (p.test) {
      const t = p.test(raw);
      if (t) tests.push(t);
      continue;
    }
    const value = coerce(raw, p.type, name);
    const field = p.field ?? name;
    if (!query.indexed && coll.isIndexed(field)) query.indexed = { field, value };
    else tests.push((f) => f[field] === value);
  }
  for (const dflt of [def.defaultListFilter ?? []].flat()) {
    if (!dflt.overriddenBy.some((p) => params[p] !== undefined)) tests.push(dflt.test);
  }
  if (tests.length === 1) query.predicate = tests[0];
  else if (tests.length > 1) query.predicate = (f) => tests.every((t) => t(f));

  const expand = parseExpand(params).map((path) => {
    if (!path.startsWith('data.')) {
      throw new ApiError(
        400,
        'invalid_request_error',
        `This property cannot be expanded (${path}).`,
        undefined,
        'expand',
      );
    }
    // `data` is one of the four levels: "when listing charges, data.payment_intent.customer.default_source
    // is the deepest allowed" (docs.stripe.com/expand).
    checkExpandDepth(path);
    return path.slice(5);
  });
  const page = coll.page(query);
  const verbatim = renderer.isVerbatim(def, expand);
  const items = page.recs.map((r) =>
    verbatim
      ? r.json
      : JSON.stringify(renderer.render(account, def, JSON.parse(r.json) as StripeObject, expand)),
  );
  const body = `{"object":"list","data":[${items.join(',')}],"has_more":${page.hasMore},"url":${JSON.stringify(req.url)}}`;
  return { body, count: items.length };
}
