/**
 * `npm run bench`: end-to-end performance of stripe-elt against the emulator in a separate process.
 *
 *   npm run bench -- [--seed large] [--dest duckdb,postgres] [--streams a,b] [--mutations 2000] [--load-only]
 *
 * Full mode: the emulator runs with the `live` rate profile (100 req/s global, 25 req/s per endpoint)
 * and realistic latency; a full backfill runs into each destination, then an incremental after many
 * mutations. Printed per run: objects/s, API requests/s achieved against the ceiling the limits allow
 * for the pages actually needed (global and per-endpoint), 429s, rows/s, and the extractor's peak RSS.
 * `--load-only` runs the destination load benchmark (scripts/bench-load.ts) instead.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]!;
  if (a.startsWith('--')) {
    const next = process.argv[i + 1];
    if (next && !next.startsWith('--')) {
      args.set(a.slice(2), next);
      i++;
    } else args.set(a.slice(2), 'true');
  }
}
const root = new URL('..', import.meta.url).pathname;
const LIVE_KEY = 'sk_live_emulator_0000000000000000';
const GLOBAL = 100;
const PER_ENDPOINT = 25;

function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

async function startEmulator(seed: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=6144',
      join(root, 'bin/stripe-elt.js'),
      'emulator',
      '--seed',
      seed,
      '--port',
      '0',
      '--rate-profile',
      'live',
      '--latency',
      'realistic',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info' } },
  );
  const lines = createInterface({ input: child.stderr! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (c) => reject(new Error(`emulator exited (${c})`)));
    lines.on('line', (l) => {
      try {
        const rec = JSON.parse(l) as { url?: string; msg?: string; seconds?: number; objects?: number };
        if (rec.msg === 'seeded')
          console.log(
            `  seeded ${rec.objects?.toLocaleString('en-US')} objects in ${rec.seconds?.toFixed(1)} s`,
          );
        if (rec.url) resolve(rec.url);
      } catch {
        /* not JSON */
      }
    });
  });
  return { url, child };
}

async function control(url: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(
    `${url}/_emulator/${path}`,
    body === undefined
      ? {}
      : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
  );
  return (await res.json()) as Record<string, unknown>;
}

interface RunResult {
  seconds: number;
  peakRssMb: number;
  /** CPU the extractor used: near `seconds` means it was CPU-bound, not rate-bound. */
  cpuSeconds: number;
  report: {
    streams: {
      inserted: number;
      updated: number;
      deleted: number;
      apiRequests: number;
      rateLimited: number;
    }[];
  };
}

/**
 * The extractor runs with the container image's NODE_OPTIONS (Dockerfile: a 4 MB semi-space), unless
 * NODE_OPTIONS is set for the bench.
 */
const EXTRACTOR_NODE_OPTIONS = process.env.NODE_OPTIONS ?? '--max-semi-space-size=4';

async function runSync(env: Record<string, string>): Promise<RunResult> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'bin/stripe-elt.js'), 'sync', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_OPTIONS: EXTRACTOR_NODE_OPTIONS, ...env },
  });
  let peak = 0;
  let cpuSeconds = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      cpuSeconds = processCpuSeconds(child.pid!);
    } catch {
      /* exited */
    }
  }, 200);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise<number>((r) => child.once('exit', (c) => r(c ?? 1)));
  clearInterval(poll);
  if (code !== 0) throw new Error(`sync exited ${code}: ${err.slice(-2000)}`);
  return {
    seconds: (performance.now() - started) / 1000,
    peakRssMb: peak,
    cpuSeconds,
    report: JSON.parse(out),
  };
}

/** User + system CPU seconds of a process so far (/proc/<pid>/stat fields 14 and 15, in clock ticks). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

type Counts = Record<string, Record<string, number>>;

/**
 * The fastest the limits allow for the successful requests each account needed. Stripe's limits are
 * per account, so accounts are served in parallel: per account max(total/global, busiest/per-endpoint),
 * and the run cannot beat its slowest account.
 */
function ceiling(accounts: Record<string, Counts>): {
  requests: number;
  minSeconds: number;
  bound: string;
} {
  let requests = 0;
  let minSeconds = 0;
  let bound = '';
  for (const [account, endpoints] of Object.entries(accounts)) {
    let total = 0;
    let busiest = '';
    let busiestN = 0;
    for (const [name, byStatus] of Object.entries(endpoints)) {
      const ok = byStatus['200'] ?? 0;
      total += ok;
      if (ok > busiestN) {
        busiestN = ok;
        busiest = name;
      }
    }
    requests += total;
    const byGlobal = total / GLOBAL;
    const byEndpoint = busiestN / PER_ENDPOINT;
    const seconds = Math.max(byGlobal, byEndpoint);
    if (seconds > minSeconds) {
      minSeconds = seconds;
      bound =
        byEndpoint >= byGlobal
          ? `${account}: ${busiestN.toLocaleString('en-US')} × ${busiest} at ${PER_ENDPOINT}/s`
          : `${account}: ${total.toLocaleString('en-US')} requests at ${GLOBAL}/s`;
    }
  }
  return { requests, minSeconds, bound };
}

function summarize(label: string, r: RunResult, stats: Record<string, unknown>): void {
  const accounts = stats.accounts as Record<string, Counts>;
  const c = ceiling(accounts);
  const rows = r.report.streams.reduce((n, s) => n + s.inserted + s.updated + s.deleted, 0);
  const requests = r.report.streams.reduce((n, s) => n + s.apiRequests, 0);
  const r429 = Object.values(accounts)
    .flatMap((e) => Object.values(e))
    .reduce((n, s) => n + (s['429'] ?? 0), 0);
  const achieved = c.requests / r.seconds;
  const ceil = c.requests / c.minSeconds;
  console.log(
    [
      `${label}: ${r.seconds.toFixed(1)} s, ${rows.toLocaleString('en-US')} rows (${(rows / r.seconds).toFixed(0)} rows/s)`,
      `  API: ${c.requests.toLocaleString('en-US')} successful requests over ${Object.keys(accounts).length} accounts (${requests.toLocaleString('en-US')} by the extractor's count), ${achieved.toFixed(1)} req/s vs ceiling ${ceil.toFixed(1)} req/s = ${((c.minSeconds / r.seconds) * 100).toFixed(1)}% (limits allow ${c.minSeconds.toFixed(0)} s; bound by ${c.bound})`,
      `  429s: ${r429}; extractor peak RSS: ${r.peakRssMb.toFixed(0)} MB, CPU ${r.cpuSeconds.toFixed(0)} s (${((r.cpuSeconds / r.seconds) * 100).toFixed(0)}% of one core); machine load ${loadavg()[0]!.toFixed(1)}`,
    ].join('\n'),
  );
}

async function mutate(url: string, n: number): Promise<void> {
  // Mutations go in with limits off (they are the workload, not the measurement).
  await control(url, 'rate', { profile: 'off' });
  const latency = await fetch(`${url}/_emulator/latency`).then((r) => r.json());
  await control(url, 'latency', { baseMs: 0, perObjectMs: 0, jitterMs: 0 });
  const headers = {
    authorization: `Bearer ${LIVE_KEY}`,
    'content-type': 'application/x-www-form-urlencoded',
  };
  const list = (await (await fetch(`${url}/v1/customers?limit=100`, { headers })).json()) as {
    data: { id: string }[];
  };
  for (let i = 0; i < n; i++) {
    const c = list.data[i % list.data.length]!;
    const body =
      i % 3 === 0
        ? `metadata[bench_round]=${i}`
        : i % 3 === 1
          ? `description=bench%20${i}`
          : `email=bench${i}%40example.com`;
    await fetch(`${url}/v1/customers/${c.id}`, { method: 'POST', headers, body });
  }
  await control(url, 'latency', latency);
  await control(url, 'rate', { profile: 'live' });
}

async function main(): Promise<void> {
  console.log(`stripe-elt bench on ${machine()}; extractor NODE_OPTIONS=${EXTRACTOR_NODE_OPTIONS}`);
  if (args.has('load-only')) {
    execFileSync(
      'npx',
      [
        'tsx',
        join(root, 'scripts/bench-load.ts'),
        ...process.argv.slice(2).filter((a) => a !== '--load-only'),
      ],
      { stdio: 'inherit' },
    );
    return;
  }
  if (!existsSync(join(root, 'dist/cli/main.js')))
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  const seed = args.get('seed') ?? 'large';
  const dests = (args.get('dest') ?? 'duckdb,postgres').split(',');
  const pgUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  console.log(`seeding ${seed} in the emulator (separate process, live rate profile, realistic latency)…`);
  const emu = await startEmulator(seed);
  try {
    const common: Record<string, string> = {
      STRIPE_API_KEY: LIVE_KEY,
      STRIPE_API_BASE: emu.url,
      STRIPE_ACCOUNTS: 'all',
    };
    if (args.has('streams')) common.STREAMS = args.get('streams')!;
    for (const dest of dests) {
      const schema = `bench_${Date.now()}`;
      const duckFile = join(tmpdir(), `stripe-elt-bench-${Date.now()}.duckdb`);
      const env = {
        ...common,
        DESTINATION_URL: dest === 'duckdb' ? `duckdb:${duckFile}` : pgUrl,
        DESTINATION_SCHEMA: schema,
      };
      await control(emu.url, 'stats/reset', {});
      const full = await runSync(env);
      summarize(`full backfill → ${dest}`, full, await control(emu.url, 'stats'));
      await mutate(emu.url, Number(args.get('mutations') ?? 2000));
      await control(emu.url, 'stats/reset', {});
      const inc = await runSync(env);
      summarize(`incremental → ${dest}`, inc, await control(emu.url, 'stats'));
      rmSync(duckFile, { force: true });
      rmSync(`${duckFile}.wal`, { force: true });
    }
  } finally {
    emu.child.kill('SIGTERM');
  }
}

await main();
