/** `stripe-elt reset`: forget streams (state and table) so the next sync backfills them again. */
import { Command, Option } from 'commander';
import { catalog } from '../catalog/registry.js';
import { openDestination } from '../destinations/index.js';
import { ConfigError } from '../errors.js';
import { configFrom, configOption } from './options.js';

export function resetCommand(): Command {
  return new Command('reset')
    .description('Drop the tables and sync state of streams, so the next sync re-reads them from Stripe.')
    .argument('[streams...]', 'stream names (see `stripe-elt streams`)')
    .addOption(configOption())
    .addOption(new Option('--all', 'reset every stream, and the events cursor'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ stripe-elt reset invoices invoice_line_items\n  $ stripe-elt reset --all',
    )
    .action(async (streams: string[], opts: { config?: string; all?: boolean }) => {
      if (!opts.all && streams.length === 0)
        throw new ConfigError('name the streams to reset, or pass --all');
      const unknown = streams.filter((s) => !catalog.has(s));
      if (unknown.length > 0)
        throw new ConfigError(`unknown stream(s): ${unknown.join(', ')} (run \`stripe-elt streams\`)`);
      const names = opts.all ? catalog.names() : streams;
      const config = configFrom(opts);
      const dest = await openDestination(config.destination.url, { schema: config.destination.schema });
      try {
        await dest.init();
        const state = await dest.readState();
        const keys = state
          .filter((r) => names.includes(r.stream) || (opts.all && r.stream.startsWith('_')))
          .map((r) => ({ account: r.account, stream: r.stream }));
        await dest.clearState(keys);
        for (const n of names) await dest.dropTable(n);
        process.stdout.write(`reset ${names.length} stream(s); the next sync backfills them\n`);
      } finally {
        await dest.close();
      }
    });
}
