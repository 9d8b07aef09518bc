/** `stripe-elt status`: how fresh is my data? Per account and stream: rows, last success, lag, last error. */
import { Command, Option } from 'commander';
import { openDestination } from '../destinations/index.js';
import { StateStore, TABLE_ACCOUNT } from '../engine/stateStore.js';
import { formatDuration } from '../observability/progress.js';
import type { StreamState } from '../state/syncState.js';
import { configFrom, configOption } from './options.js';

export interface StatusRow {
  account: string;
  stream: string;
  rows: number;
  deleted: number;
  last_success: string | null;
  lag_seconds: number | null;
  backfill: 'done' | 'in progress' | 'not started';
  last_error: string | null;
}

export function statusCommand(): Command {
  return new Command('status')
    .description(
      'Show, per account and stream, how many rows are loaded, when the last successful sync was, and errors.',
    )
    .addOption(configOption())
    .addOption(new Option('--json', 'print as JSON'))
    .action(async (opts: { config?: string; json?: boolean }) => {
      const config = configFrom(opts);
      const dest = await openDestination(config.destination.url, { schema: config.destination.schema });
      try {
        await dest.init();
        const state = new StateStore(await dest.readState());
        const records = state.all().filter((r) => r.account !== TABLE_ACCOUNT && !r.stream.startsWith('_'));
        const counts = await dest.tableCounts([...new Set(records.map((r) => r.stream))]);
        const now = Date.now() / 1000;
        const rows: StatusRow[] = records
          .map((r) => {
            const st = r.state as StreamState;
            const c = counts.find((x) => x.account === r.account && x.table === r.stream);
            return {
              account: r.account,
              stream: r.stream,
              rows: c?.live ?? 0,
              deleted: c?.deleted ?? 0,
              last_success: st.lastSuccessAt ? new Date(st.lastSuccessAt * 1000).toISOString() : null,
              lag_seconds: st.lastSuccessAt ? Math.round(now - st.lastSuccessAt) : null,
              backfill: st.backfill?.done
                ? ('done' as const)
                : st.backfill
                  ? ('in progress' as const)
                  : ('not started' as const),
              last_error: st.lastError,
            };
          })
          .sort((a, b) => a.account.localeCompare(b.account) || a.stream.localeCompare(b.stream));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          process.stdout.write('Nothing synced yet. Run `stripe-elt sync`.\n');
          return;
        }
        const head = ['ACCOUNT', 'STREAM', 'ROWS', 'DELETED', 'LAST SUCCESS', 'LAG', 'BACKFILL', 'ERROR'];
        const table = rows.map((r) => [
          r.account,
          r.stream,
          r.rows.toLocaleString('en-US'),
          r.deleted.toLocaleString('en-US'),
          r.last_success ?? 'never',
          r.lag_seconds === null ? '-' : formatDuration(r.lag_seconds),
          r.backfill,
          r.last_error ?? '',
        ]);
        const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
        const fmt = (t: string[]) =>
          t
            .map((c, i) => c.padEnd(widths[i]!))
            .join('  ')
            .trimEnd();
        process.stdout.write(`${[fmt(head), ...table.map(fmt)].join('\n')}\n`);
      } finally {
        await dest.close();
      }
    });
}
