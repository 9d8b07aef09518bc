/**
 * `stripe-elt demo`: the whole product with no Stripe account — start the bundled emulator with a
 * seeded account, sync it into a DuckDB file with progress, change some objects through the API, sync
 * again incrementally, then run three analyst queries on the result.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ConfigSchema } from '../config/config.js';
import { DEFAULT_TEST_KEY, type SeedSize, startEmulator } from '../emulator/index.js';
import { runSync } from '../engine/runSync.js';
import { SyncProgress } from '../engine/syncProgress.js';
import { createLogger } from '../observability/logger.js';
import { ProgressDisplay } from '../observability/progress.js';
import { mutateDemoAccount } from './demoMutations.js';
import { DEMO_QUERIES, runDemoQueries } from './demoQueries.js';
import { printReport } from './sync.js';

export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'Run the emulator with a seeded account, sync it into a DuckDB file, change data, sync again, and query it.',
    )
    .addOption(
      new Option('-o, --out <file>', 'DuckDB file to create (replaced if it exists)').default(
        './stripe-demo.duckdb',
      ),
    )
    .addOption(
      new Option('--seed <size>', 'size of the seeded account')
        .choices(['small', 'medium', 'large'])
        .default('medium'),
    )
    .addHelpText(
      'after',
      `
The file stays afterwards: open it with the duckdb CLI or any DuckDB client, e.g.
  $ duckdb stripe-demo.duckdb "select status, count(*) from subscriptions group by 1"`,
    )
    .action(async (opts: { out: string; seed: string }) => {
      const log = createLogger();
      const out = resolve(opts.out);
      await rm(out, { force: true });
      await rm(`${out}.wal`, { force: true });
      const say = (text: string) => process.stdout.write(`${text}\n`);
      say(`Seeding a ${opts.seed} Stripe account in the local emulator…`);
      const t0 = Date.now();
      const emu = await startEmulator({ port: 0, size: opts.seed as SeedSize, seed: 1, rateProfile: 'off' });
      say(
        `  ${emu.seedSummary?.objects.toLocaleString('en-US')} objects in ${emu.seedSummary?.accounts.length} accounts (${((Date.now() - t0) / 1000).toFixed(1)} s), emulator at ${emu.url}`,
      );
      try {
        const config = ConfigSchema.parse({
          stripe: {
            apiKey: DEFAULT_TEST_KEY,
            apiBase: emu.url,
            accounts: 'all',
            maxRequestsPerSecond: 1000,
            endpointRequestsPerSecond: 1000,
            concurrency: 24,
          },
          destination: { url: `duckdb:${out}` },
          sync: {},
          serve: {},
        });
        const sync = async (label: string) => {
          say(`\n${label}`);
          const progress = new ProgressDisplay();
          const backfill = new SyncProgress();
          progress.fraction = () => backfill.fraction();
          progress.start();
          try {
            const report = await runSync({
              config,
              logger: log,
              progress: backfill,
              onRows: (t, n) => progress.rows(t, n),
            });
            progress.stop();
            printReport(report, false);
            return report;
          } finally {
            progress.stop();
          }
        };
        await sync('1. Full sync (backfill of every stream, every account)…');
        say(
          '\n2. Changing data through the Stripe API: updates, a new customer and charge, a refund, a cancellation, a deletion…',
        );
        for (const line of await mutateDemoAccount(emu.emulator)) say(`  ${line}`);
        await sync('3. Incremental sync (from /v1/events)…');
        say(`\n4. The warehouse: ${out}`);
        for (const { title, sql, rows } of await runDemoQueries(out)) {
          say(`\n-- ${title}\n${sql}`);
          for (const r of rows) say(`  ${r}`);
        }
        say(
          `\nDone in ${((Date.now() - t0) / 1000).toFixed(0)} s. ${DEMO_QUERIES.length} queries above ran on ${out}.`,
        );
      } finally {
        await emu.close();
      }
    });
}
