/** `stripe-elt sync` (alias `import-now`): one sync now — a backfill on first run, then incremental. */
import { Command, Option } from 'commander';
import { HeapGuard } from '../engine/heapGuard.js';
import { runSync, type SyncReport } from '../engine/runSync.js';
import { SyncProgress } from '../engine/syncProgress.js';
import { createLogger } from '../observability/logger.js';
import { ProgressDisplay } from '../observability/progress.js';
import { configFrom, configOption, ENV_HELP } from './options.js';

function csv(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function syncCommand(): Command {
  return new Command('sync')
    .alias('import-now')
    .description(
      'Sync Stripe into the destination now: a full backfill the first time, then incremental from events.',
    )
    .addOption(configOption())
    .addOption(new Option('-s, --streams <names>', 'only these streams (comma-separated)').argParser(csv))
    .addOption(
      new Option(
        '--full-refresh',
        're-read everything from Stripe and flag rows Stripe no longer lists as deleted',
      ),
    )
    .addOption(
      new Option(
        '-a, --account <ids>',
        'only these accounts: self, all, or acct_… ids (comma-separated)',
      ).argParser(csv),
    )
    .addOption(new Option('--json', 'print the run summary as JSON on stdout'))
    .addHelpText(
      'after',
      `
Examples:
  $ STRIPE_API_KEY=sk_live_… stripe-elt sync                       # into ./stripe.duckdb
  $ DESTINATION_URL=postgres://elt@db/warehouse stripe-elt sync --streams charges,refunds
  $ stripe-elt sync --full-refresh                                 # re-read everything
${ENV_HELP}

Exit codes: 0 ok, 1 a stream failed, 2 usage, configuration or authentication error.`,
    )
    .action(
      async (opts: {
        config?: string;
        streams?: string[];
        fullRefresh?: boolean;
        account?: string[];
        json?: boolean;
      }) => {
        const config = configFrom(opts);
        const logger = createLogger();
        const progress = new ProgressDisplay();
        const backfill = new SyncProgress();
        progress.fraction = () => backfill.fraction();
        const controller = new AbortController();
        const stop = () => controller.abort(new Error('interrupted'));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        let report: SyncReport;
        // This process is ours: keep its heap near the live set (a library caller manages its own).
        const heap = new HeapGuard(config.sync.heapTargetMb * 2 ** 20).start();
        try {
          progress.start();
          report = await runSync({
            config,
            logger,
            streams: opts.streams,
            fullRefresh: opts.fullRefresh,
            accounts: opts.account ? accountsArg(opts.account) : undefined,
            signal: controller.signal,
            progress: backfill,
            onRows: (table, rows) => progress.rows(table, rows),
          });
        } finally {
          heap.stop();
          progress.stop();
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
        printReport(report, opts.json ?? false);
        if (!report.ok) process.exitCode = 1;
      },
    );
}

function accountsArg(ids: string[]): 'self' | 'all' | string[] {
  if (ids.length === 1 && (ids[0] === 'self' || ids[0] === 'all')) return ids[0];
  return ids;
}

export function printReport(report: SyncReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const secs = (report.finishedAt.getTime() - report.startedAt.getTime()) / 1000;
  const rows = report.streams.reduce((n, s) => n + s.inserted + s.updated, 0);
  const reqs = report.streams.reduce((n, s) => n + s.apiRequests, 0);
  const failed = report.streams.filter((s) => s.status !== 'succeeded');
  process.stdout.write(
    `sync ${report.ok ? 'finished' : 'FAILED'} in ${secs.toFixed(1)} s: ${rows.toLocaleString('en-US')} rows written, ${reqs.toLocaleString('en-US')} API requests, ${report.accounts.length} account(s)\n`,
  );
  for (const s of failed)
    process.stdout.write(
      `  ${s.account} ${s.stream}: ${s.status}${s.error && s.status !== 'no_permission' ? ` — ${s.error}` : ''}\n`,
    );
  for (const w of report.warnings) process.stdout.write(`  warning: ${w}\n`);
}
