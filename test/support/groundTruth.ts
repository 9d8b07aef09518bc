/**
 * Compares a warehouse with the emulator's ground truth (`GET /_emulator/ground-truth`), table by table,
 * row by row, field by field: the acceptance test of the engine issue. Differences come back as readable
 * lines (the first few per table), so a failing test says exactly what is wrong.
 */
import { catalog } from '../../src/catalog/registry.js';
import type { StreamDefinition } from '../../src/catalog/streamDefinition.js';
import type { ColumnType } from '../../src/schema/columnTypes.js';
import { loadSchemas } from '../../src/schema/jsonSchema.js';
import { baseTableSpec } from '../../src/schema/tableSpec.js';

type Obj = Record<string, unknown>;

export interface GroundTruth {
  now: number;
  platform_account: string;
  accounts: Record<string, Record<string, { live: Obj[]; deleted: Obj[] }>>;
}

/** Reads a warehouse table as plain objects keyed by column name. */
export interface WarehouseReader {
  rows(table: string): Promise<Obj[]>;
}

export async function fetchGroundTruth(baseUrl: string, resources?: string[]): Promise<GroundTruth> {
  // `resource[]=` (bracket form): a repeated plain key would keep only the last value.
  const q = resources ? `?${resources.map((r) => `resource[]=${encodeURIComponent(r)}`).join('&')}` : '';
  const res = await fetch(`${baseUrl}/_emulator/ground-truth${q}`);
  if (!res.ok) throw new Error(`ground truth: HTTP ${res.status}`);
  return (await res.json()) as GroundTruth;
}

/**
 * Ground truth fetched one stream (and its parent) at a time: a medium account dumped whole is one huge
 * JSON document that blocks the event loop of the process serving and parsing it.
 */
export function lazyGroundTruth(baseUrl: string): (resources: string[]) => Promise<GroundTruth> {
  return (resources) => fetchGroundTruth(baseUrl, resources);
}

/** Canonical form of a value of a column type, so driver differences (Date vs number, 1.50 vs 1.5) vanish. */
export function normalize(type: ColumnType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'timestamp':
      if (v instanceof Date) return Math.round(v.getTime() / 1000);
      if (typeof v === 'string') return Math.round(Date.parse(v) / 1000);
      if (typeof v === 'bigint') return Number(v);
      return Math.round(Number(v));
    case 'bigint':
    case 'double':
      return Number(v);
    case 'decimal': {
      const s = String(v);
      return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
    }
    case 'json':
      return typeof v === 'string' ? JSON.parse(v) : v;
    case 'boolean':
      return v === true || v === 'true' || v === 1;
    default:
      return typeof v === 'string' ? v : JSON.stringify(v);
  }
}

/** Expected value of a field column from an API object (expanded references are ids). */
function expectedValue(type: ColumnType, v: unknown): unknown {
  if (v === undefined) return null;
  if (type === 'text' && v && typeof v === 'object' && typeof (v as Obj).id === 'string')
    return (v as Obj).id;
  return normalize(type, type === 'json' ? v : v);
}

/** Ground-truth objects of one stream in one account, keyed by primary key. */
function expectedRows(
  stream: StreamDefinition,
  gt: Record<string, { live: Obj[]; deleted: Obj[] }>,
): { live: Map<string, { obj: Obj; parent?: string; index?: number }>; deleted: Set<string> } {
  const live = new Map<string, { obj: Obj; parent?: string; index?: number }>();
  const deleted = new Set<string>();
  if (stream.parent?.embeddedArray) {
    for (const bt of gt[stream.parent.stream]?.live ?? []) {
      const arr = (bt[stream.parent.embeddedArray] as Obj[] | undefined) ?? [];
      arr.forEach((o, index) => {
        live.set(`${bt.id}/${index}`, { obj: o, parent: bt.id as string, index });
      });
    }
    return { live, deleted };
  }
  const coll = gt[stream.name];
  for (const o of coll?.live ?? []) live.set(key(stream, o), { obj: o, parent: parentOf(stream, o) });
  for (const o of coll?.deleted ?? []) deleted.add(key(stream, o));
  return { live, deleted };
}

function parentOf(stream: StreamDefinition, o: Obj): string | undefined {
  const meta = o._gt as { parent?: string } | undefined;
  if (typeof meta?.parent === 'string') return meta.parent;
  const k = stream.parent?.key;
  return k && typeof o[k] === 'string' ? (o[k] as string) : undefined;
}

/**
 * Objects Stripe's list endpoints never return, so no extractor can know their current state unless an
 * event carried it: inline prices ("excluding inline prices"), closed reviews (only `open=true` are
 * listed), and children of a deleted parent (their list endpoint answers 404; the warehouse flags them).
 */
export function unlistable(
  stream: StreamDefinition,
  o: Obj,
  liveParents: ReadonlySet<string> | undefined,
): boolean {
  const meta = (o._gt ?? {}) as Record<string, unknown>;
  if (stream.name === 'prices') return meta._inline === true;
  if (stream.name === 'reviews') return o.open === false;
  if (stream.parent && liveParents) {
    const parent = parentOf(stream, o);
    return parent === undefined || !liveParents.has(parent);
  }
  return false;
}

function key(stream: StreamDefinition, o: Obj): string {
  return stream.primaryKey.includes('index') ? `${o.balance_transaction}/${o.index}` : String(o.id);
}

export interface CompareOptions {
  /** Streams to compare (default: every stream with a table). */
  streams?: string[];
  /** Max difference lines per table. */
  maxPerTable?: number;
  /** Events created before this (unix s) had expired before the first sync could list them. */
  eventsSince?: number;
  /** Events created after this (unix s) happened after the last sync's events pass. */
  eventsUntil?: number;
}

export async function compareWithGroundTruth(
  source: GroundTruth | ((resources: string[]) => Promise<GroundTruth>),
  reader: WarehouseReader,
  opts: CompareOptions = {},
): Promise<string[]> {
  const { schemas } = await loadSchemas();
  const diffs: string[] = [];
  const streams = catalog.streams.filter(
    (s) => !s.reference && (!opts.streams || opts.streams.includes(s.name)),
  );
  for (const stream of streams) {
    const spec = baseTableSpec(stream, schemas);
    const types = new Map(spec.columns.map((c) => [c.name, c.type]));
    const resources = [
      stream.name,
      ...(stream.parent ? [stream.parent.stream] : []),
      ...(stream.name === 'payment_methods' ? ['customers'] : []),
    ];
    const gt = typeof source === 'function' ? await source(resources) : source;
    const rows = await reader.rows(stream.name);
    const out: string[] = [];
    const note = (line: string) => {
      if (out.length < (opts.maxPerTable ?? 5)) out.push(`${stream.name}: ${line}`);
      else if (out.length === (opts.maxPerTable ?? 5)) out.push(`${stream.name}: … more differences`);
    };
    const byAccount = new Map<string, Obj[]>();
    for (const r of rows) {
      const list = byAccount.get(String(r._account)) ?? [];
      list.push(r);
      byAccount.set(String(r._account), list);
    }
    const seenKeys = new Set<string>();
    for (const [account, gtAccount] of Object.entries(gt.accounts)) {
      if (stream.platformOnly && account !== gt.platform_account) continue;
      const exp = expectedRows(stream, gtAccount);
      const parentColl =
        stream.parent && !stream.parent.embeddedArray ? gtAccount[stream.parent.stream] : undefined;
      const liveParents = parentColl ? new Set(parentColl.live.map((p) => String(p.id))) : undefined;
      const got = new Map<string, Obj>();
      for (const r of byAccount.get(account) ?? []) {
        const k = stream.primaryKey.includes('index')
          ? `${r.balance_transaction}/${Number(r.index)}`
          : String(r.id);
        if (got.has(k)) note(`${account} ${k}: duplicate row`);
        got.set(k, r);
        seenKeys.add(`${account}/${k}`);
      }
      for (const [k, { obj, parent, index }] of exp.live) {
        const r = got.get(k);
        if (unlistable(stream, obj, liveParents)) continue;
        if (!r) {
          if (
            !(
              opts.eventsSince !== undefined &&
              stream.name === 'events' &&
              Number(obj.created) < opts.eventsSince
            )
          ) {
            note(`${account} ${k}: missing`);
          }
          continue;
        }
        if (normalize('boolean', r._deleted))
          note(`${account} ${k}: flagged _deleted but Stripe still has it`);
        for (const col of spec.columns) {
          if (col.source.kind === 'system') continue;
          let want: unknown;
          if (col.source.kind === 'field') want = expectedValue(col.type, obj[col.source.field]);
          else if (col.source.kind === 'parent') want = parent ?? null;
          else if (col.name === 'index') want = index ?? null;
          else continue;
          const have = normalize(types.get(col.name)!, r[col.name]);
          // Deep equality, key order aside (jsonb stores object keys in its own order).
          if (canonical(have) !== canonical(want)) {
            note(
              `${account} ${k}.${col.name}: warehouse ${JSON.stringify(have)?.slice(0, 120)} ≠ Stripe ${JSON.stringify(want)?.slice(0, 120)}`,
            );
          }
        }
      }
      for (const [k, r] of got) {
        if (exp.live.has(k)) continue;
        if (!exp.deleted.has(k) && !stream.parent)
          note(`${account} ${k}: in the warehouse but unknown to Stripe`);
        else if (!normalize('boolean', r._deleted))
          note(`${account} ${k}: deleted in Stripe but not flagged _deleted`);
      }
    }
    for (const r of rows) {
      const k = stream.primaryKey.includes('index')
        ? `${r.balance_transaction}/${Number(r.index)}`
        : String(r.id);
      if (!seenKeys.has(`${r._account}/${k}`))
        note(`${r._account} ${k}: row for an account the emulator does not have`);
    }
    diffs.push(...out);
  }
  return diffs;
}

/** JSON with object keys sorted at every level. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}
