/**
 * Seed benchmark: for each size, seeds a fresh emulator in its own process (so peak memory is that size's
 * alone) and prints seconds, CPU seconds, peak RSS, peak heap, objects, events and requests, with the
 * machine's load average around the run (wall time on a shared 2-core machine means little without it).
 *
 *   npx tsx scripts/seed-bench.ts [small|medium|large ...] [--seed N] [--json]
 *
 * The budget for `large`: under 2 minutes and under 4 GB on a 2-core machine.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createEmulator } from '../src/emulator/index.js';
import type { SeedSize, SeedSummary } from '../src/emulator/seed/index.js';
import { seedEmulator } from '../src/emulator/seed/index.js';

const SIZES: SeedSize[] = ['small', 'medium', 'large'];
/** A fixed "now" so repeated runs build the same history. */
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z

interface Result {
  size: SeedSize;
  seconds: number;
  /** CPU seconds (user + system) of the seeding process: wall time inflates when the machine is shared. */
  cpuSeconds: number;
  peakRssMb: number;
  peakHeapMb: number;
  objects: number;
  events: number;
  requests: number;
  accounts: number;
  skipped: Record<string, string>;
  summary: SeedSummary;
  /** 1-minute load average before and after the run (filled in by the parent). */
  load?: { before: number; after: number };
}

async function child(size: SeedSize, seed: number): Promise<void> {
  const emulator = createEmulator({ seed, now: NOW });
  let peakHeap = 0;
  const sample = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const summary = await seedEmulator(emulator, { size, seed, onProgress: sample });
  sample();
  const result: Result = {
    size,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (() => {
      const c = process.cpuUsage(cpu0);
      return (c.user + c.system) / 1e6;
    })(),
    // ru_maxrss is in kilobytes on Linux: the kernel's record of this process's peak resident set.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb: peakHeap / 1024 / 1024,
    objects: summary.objects,
    events: summary.events,
    requests: summary.requests,
    accounts: summary.accounts.length,
    skipped: summary.skipped,
    summary,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function parent(sizes: SeedSize[], seed: number, json: boolean): void {
  const self = fileURLToPath(import.meta.url);
  const results: Result[] = [];
  for (const size of sizes) {
    const loadBefore = loadavg()[0]!;
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, self, '--child', size, '--seed', String(seed)],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = out.trim().split('\n').pop()!;
    const r = JSON.parse(line) as Result;
    r.load = { before: loadBefore, after: loadavg()[0]! };
    results.push(r);
    if (!json) {
      console.log(
        `${size.padEnd(7)} ${r.seconds.toFixed(1).padStart(7)} s (cpu ${r.cpuSeconds.toFixed(1)} s)  peak RSS ${r.peakRssMb.toFixed(0).padStart(5)} MB  ` +
          `peak heap ${r.peakHeapMb.toFixed(0).padStart(5)} MB  objects ${String(r.objects).padStart(8)}  ` +
          `events ${String(r.events).padStart(7)}  requests ${String(r.requests).padStart(8)}  accounts ${r.accounts}  ` +
          `load ${r.load.before.toFixed(1)}→${r.load.after.toFixed(1)}`,
      );
      for (const [account, perResource] of Object.entries(r.summary.byAccount)) {
        const total = Object.values(perResource).reduce((a, b) => a + b, 0);
        console.log(`          ${account}: ${total} objects`);
      }
      if (Object.keys(r.skipped).length > 0) console.log('          skipped:', r.skipped);
    }
  }
  if (json)
    console.log(
      JSON.stringify(
        results.map(({ summary, ...rest }) => ({ ...rest, byResource: summary.byResource })),
        null,
        2,
      ),
    );
}

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const seed = Number(flag('--seed') ?? 1);
const childSize = flag('--child') as SeedSize | undefined;
if (childSize) {
  await child(childSize, seed);
} else {
  const sizes = argv.filter((a): a is SeedSize => (SIZES as string[]).includes(a));
  parent(sizes.length > 0 ? sizes : SIZES, seed, argv.includes('--json'));
}
