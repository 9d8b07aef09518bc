/**
 * Load benchmark for the destinations (issue #3: Postgres ≥ 20k rows/s, DuckDB ≥ 50k rows/s, load only).
 *
 *   npx tsx scripts/bench-load.ts [--rows 200000] [--batch 5000] [--dest postgres|duckdb|both]
 *
 * Rows are realistic charges: the real `charges` TableSpec (schemas/ + catalog) with eight promoted
 * metadata columns (~60 columns), built by the RowBuilder from generated objects shaped like Stripe's
 * (nested billing_details, outcome, payment_method_details, refunds list: ~1.4 kB of JSON in 12 JSON
 * columns per row, ~2.1 kB per row as CSV).
 * Objects go through JSON text and JSON.parse first, as the engine receives them from the API: strings
 * built by concatenation are V8 ropes that every driver must flatten before copying, a cost real rows
 * never carry (it was ~10% of the DuckDB load time here).
 * Only `Destination.write` is timed (rows and state in one transaction per batch, as the engine does);
 * building the objects and rows is not. Also printed: the whole loop, building included ("end to end"):
 * DuckDB commits a group in the background while the next rows are built (commitGroups.ts), so part of
 * its commit time is spent outside `write`, and only this figure shows what that overlap is worth. Postgres: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * in a throwaway schema. DuckDB: a temp file. Both are removed afterwards.
 *
 * Printed with each figure, because other work shares the machine: CPU seconds of this process while
 * writing; for a local Postgres, CPU seconds of our backends and of every postgres process (WAL writer,
 * checkpointer, autovacuum — and any other client's backend) over the run; the 1-minute load average
 * before and after.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { catalog } from '../src/catalog/registry.js';
import type { Destination } from '../src/destinations/destination.js';
import { openDestination } from '../src/destinations/index.js';
import { loadSchemas } from '../src/schema/jsonSchema.js';
import { assignMetadataColumns } from '../src/schema/metadataColumns.js';
import { RowBuilder } from '../src/schema/rowBuilder.js';
import { baseTableSpec, type TableSpec, withColumns } from '../src/schema/tableSpec.js';
import { emptyStreamState } from '../src/state/syncState.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '5000' },
    dest: { type: 'string', default: 'both' },
    /** DuckDB settings, e.g. --duckdb checkpoint_threshold=16MB (repeatable). */
    duckdb: { type: 'string', multiple: true, default: [] },
    /** DuckDB: on/off for the direct append path (default: the destination's default). */
    'duckdb-direct': { type: 'string' },
  },
});
const TOTAL = Number(args.rows);
const BATCH = Number(args.batch);
const DESTS = args.dest === 'both' ? ['duckdb', 'postgres'] : [String(args.dest)];
const DUCKDB_SETTINGS = Object.fromEntries(
  (args.duckdb ?? []).map((kv) => {
    const i = kv.indexOf('=');
    if (i < 1) throw new Error(`--duckdb expects key=value, got ${kv}`);
    return [kv.slice(0, i), kv.slice(i + 1)];
  }),
);
const ACCOUNT = 'acct_1BenchAccount000';
const T0 = 1_600_000_000;

const METADATA_KEYS = [
  'order_id',
  'customer_ref',
  'plan',
  'Plan Tier',
  'region',
  'campaign',
  'source',
  'internal_note',
];

/** Deterministic pseudo-random stream, so every run loads the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function stripeId(prefix: string, rand: () => number): string {
  let s = `${prefix}_`;
  for (let i = 0; i < 24; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return s;
}

function charge(i: number, rand: () => number): Record<string, unknown> {
  const id = stripeId('ch', rand);
  const amount = 100 + Math.floor(rand() * 100_000);
  const refunded = rand() < 0.05;
  const failed = rand() < 0.08;
  const created = T0 + i * 13;
  const brand = ['visa', 'mastercard', 'amex'][i % 3];
  const customer = stripeId('cus', rand);
  return {
    id,
    object: 'charge',
    amount,
    amount_captured: failed ? 0 : amount,
    amount_refunded: refunded ? amount : 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: failed ? null : stripeId('txn', rand),
    billing_details: {
      address: {
        city: 'Berlin',
        country: 'DE',
        line1: `Hauptstraße ${i % 200}`,
        line2: null,
        postal_code: '10115',
        state: null,
      },
      email: `customer${i}@example.com`,
      name: 'Jenny Rosen',
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: 'EXAMPLE.COM',
    captured: !failed,
    created,
    currency: ['usd', 'eur', 'gbp', 'jpy'][i % 4],
    customer,
    description: i % 3 === 0 ? `Invoice ${i} — subscription renewal` : null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: failed ? 'card_declined' : null,
    failure_message: failed ? 'Your card was declined.' : null,
    fraud_details: {},
    livemode: false,
    metadata: {
      order_id: `ord_${i}`,
      customer_ref: customer.slice(4, 16),
      plan: ['basic', 'pro', 'enterprise'][i % 3],
      'Plan Tier': String(1 + (i % 4)),
      region: ['eu-west', 'us-east', 'ap-south'][i % 3],
      campaign: i % 5 === 0 ? 'black-friday' : 'organic',
      source: 'checkout',
      internal_note: i % 7 === 0 ? 'manual review passed' : 'auto',
    },
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: failed ? 'declined_by_network' : 'approved_by_network',
      reason: failed ? 'generic_decline' : null,
      risk_level: 'normal',
      risk_score: Math.floor(rand() * 100),
      seller_message: failed
        ? 'The bank did not return any further details with this decline.'
        : 'Payment complete.',
      type: failed ? 'issuer_declined' : 'authorized',
    },
    paid: !failed,
    payment_intent: stripeId('pi', rand),
    payment_method: stripeId('pm', rand),
    payment_method_details: {
      card: {
        amount_authorized: amount,
        authorization_code: String(100000 + (i % 899999)),
        brand,
        checks: { address_line1_check: 'pass', address_postal_code_check: 'pass', cvc_check: 'pass' },
        country: 'DE',
        exp_month: 1 + (i % 12),
        exp_year: 2030,
        extended_authorization: { status: 'disabled' },
        fingerprint: stripeId('fp', rand).slice(3, 19),
        funding: 'credit',
        incremental_authorization: { status: 'unavailable' },
        installments: null,
        last4: String(1000 + (i % 9000)),
        mandate: null,
        multicapture: { status: 'unavailable' },
        network: brand,
        network_token: { used: false },
        network_transaction_id: String(Math.floor(rand() * 1e15)),
        overcapture: { maximum_amount_capturable: amount, status: 'unavailable' },
        regulated_status: 'unregulated',
        three_d_secure: null,
        wallet: null,
      },
      type: 'card',
    },
    presentment_details: null,
    radar_options: {},
    receipt_email: `customer${i}@example.com`,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/payment/${stripeId('CAcaFwoVYWNj', rand)}${stripeId('KI_ei7UGMgZv', rand)}`,
    refunded,
    refunds: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: failed ? 'failed' : 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
}

async function chargesSpec(maxIdentifierLength: number): Promise<TableSpec> {
  const { schemas } = await loadSchemas();
  const base = baseTableSpec(catalog.get('charges'), schemas);
  const md = assignMetadataColumns(new Map(), METADATA_KEYS, {
    maxIdentifierLength,
    cap: 200,
    reserved: new Set(base.columns.map((c) => c.name)),
  });
  return withColumns(
    base,
    md.added.map(({ key, column }) => ({
      name: column,
      type: 'text' as const,
      source: { kind: 'metadata' as const, key },
    })),
  );
}

interface Target {
  url: string;
  schema?: string;
  cleanup: () => Promise<void>;
  size: () => Promise<string>;
  /** CPU seconds used so far by the server processes serving us, when they run on this machine. */
  serverCpu: () => Promise<number | null>;
  /** CPU seconds used so far by every process of the server (null when none runs on this machine). */
  allServerCpu: () => Promise<number | null>;
}

/** utime + stime of a local process in seconds (Linux /proc), or null when it is not readable. */
async function processCpuSeconds(pid: number): Promise<number | null> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** Summed CPU seconds of the local processes named `comm` (e.g. every postgres process), or null if none. */
async function commCpuSeconds(comm: string): Promise<number | null> {
  let total = 0;
  let found = false;
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const name = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
    if (name.trim() !== comm) continue;
    const cpu = await processCpuSeconds(Number(entry));
    if (cpu === null) continue;
    total += cpu;
    found = true;
  }
  return found ? total : null;
}

async function target(kind: string): Promise<Target> {
  if (kind === 'duckdb') {
    const dir = await mkdtemp(join(tmpdir(), 'stripe-elt-bench-'));
    const file = join(dir, 'bench.duckdb');
    return {
      url: `duckdb:${file}`,
      cleanup: () => rm(dir, { recursive: true, force: true }),
      size: async () => `${((await stat(file)).size / 2 ** 20).toFixed(0)} MB file`,
      serverCpu: async () => null, // in-process: counted in this process's CPU
      allServerCpu: async () => null,
    };
  }
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = async <T>(sql: string): Promise<T> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(sql)).rows[0] as T;
    } finally {
      await c.end();
    }
  };
  return {
    url,
    schema,
    cleanup: () => admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
    size: async () => {
      const r = await admin<{ s: string }>(
        `SELECT pg_size_pretty(pg_total_relation_size('"${schema}".charges')) AS s`,
      );
      return `${r.s} table+indexes`;
    },
    serverCpu: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const res = await c.query(
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'stripe-elt' AND datname = current_database()",
        );
        let total = 0;
        for (const { pid } of res.rows as { pid: number }[]) {
          const cpu = await processCpuSeconds(pid);
          if (cpu === null) return null;
          total += cpu;
        }
        return total;
      } finally {
        await c.end();
      }
    },
    allServerCpu: () => commCpuSeconds('postgres'),
  };
}

async function bench(kind: string): Promise<void> {
  const t = await target(kind);
  const dest: Destination = await openDestination(t.url, {
    schema: t.schema,
    duckdbSettings: DUCKDB_SETTINGS,
    duckdbDirectAppend: args['duckdb-direct'] === undefined ? undefined : args['duckdb-direct'] === 'on',
  });
  try {
    await dest.init();
    const spec = await chargesSpec(dest.capabilities.maxIdentifierLength);
    await dest.ensureTables([spec]);
    const builder = new RowBuilder(spec);
    const rand = rng(42);
    let written = 0;
    let loadMs = 0;
    let loadCpuMs = 0;
    let jsonBytes = 0;
    const jsonCols = spec.columns.flatMap((c, i) => (c.type === 'json' ? [i] : []));
    const state = emptyStreamState();
    const load0 = loadavg()[0]!;
    const allServer0 = await t.allServerCpu();
    const loop0 = performance.now();
    for (let start = 0; start < TOTAL; start += BATCH) {
      const n = Math.min(BATCH, TOTAL - start);
      const syncedAt = Date.now() / 1000;
      const rows = Array.from({ length: n }, (_, k) => {
        const obj = JSON.parse(JSON.stringify(charge(start + k, rand))) as Record<string, unknown>;
        return builder.build(obj, {
          account: ACCOUNT,
          syncedAt,
          version: obj.created as number,
          deleted: false,
        });
      });
      if (start === 0) for (const r of rows) for (const i of jsonCols) jsonBytes += String(r[i] ?? '').length;
      state.createdCursor = T0 + (start + n) * 13;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const stats = await dest.write(
        [{ table: spec, rows }],
        [{ account: ACCOUNT, stream: 'charges', state }],
      );
      // A destination that groups commits (DuckDB) makes the last writes durable here: part of the load.
      if (start + n >= TOTAL) await dest.flush();
      loadMs += performance.now() - t0;
      const c1 = process.cpuUsage(c0);
      loadCpuMs += (c1.user + c1.system) / 1000;
      written += stats.inserted + stats.updated;
    }
    const loopMs = performance.now() - loop0;
    const rate = written / (loadMs / 1000);
    const serverCpu = await t.serverCpu();
    const allServer1 = await t.allServerCpu();
    const allServerCpu = allServer0 === null || allServer1 === null ? null : allServer1 - allServer0;
    const load1 = loadavg()[0]!;
    // DuckDB checkpoints the WAL into the file on close: real work, reported separately from the load.
    const c0 = performance.now();
    const closeCpu0 = process.cpuUsage();
    await dest.close();
    const closeMs = performance.now() - c0;
    const closeCpu = process.cpuUsage(closeCpu0);
    const rssMb = process.resourceUsage().maxRSS / 1024;
    console.log(
      `${kind.padEnd(8)} ${written} rows × ${spec.columns.length} columns (≈${Math.round(jsonBytes / Math.min(BATCH, TOTAL))} B JSON/row) ` +
        `in ${(loadMs / 1000).toFixed(2)} s: ${Math.round(rate).toLocaleString('en-US')} rows/s ` +
        `(CPU-s while writing: this process ${(loadCpuMs / 1000).toFixed(2)}` +
        (serverCpu === null ? '' : `, server ${serverCpu.toFixed(2)}`) +
        (allServerCpu === null ? '' : `, all postgres processes ${allServerCpu.toFixed(2)}`) +
        `; close ${(closeMs / 1000).toFixed(2)} s, ${((closeCpu.user + closeCpu.system) / 1e6).toFixed(2)} CPU-s); ` +
        `load average ${load0.toFixed(2)} → ${load1.toFixed(2)}; peak RSS ${rssMb.toFixed(0)} MB; ${await t.size()}; ` +
        `end to end with building the rows ${(loopMs / 1000).toFixed(2)} s`,
    );
  } finally {
    await dest.close();
    await t.cleanup();
  }
}

console.log(
  `stripe-elt load bench: ${TOTAL} rows, batches of ${BATCH}; ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}`,
);
for (const kind of DESTS) {
  if (kind !== 'duckdb' && kind !== 'postgres')
    throw new Error(`--dest must be postgres, duckdb or both (got ${kind})`);
  await bench(kind);
}
