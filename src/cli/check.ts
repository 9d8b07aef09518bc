/**
 * `stripe-elt check`: is everything in place before a first sync? Configuration, the key (valid, which
 * mode, which streams it may read), and the destination (reachable, writable).
 */
import { Command } from 'commander';
import { catalog } from '../catalog/registry.js';
import { requireApiKey } from '../config/config.js';
import { redactSecrets } from '../config/redact.js';
import { openDestination } from '../destinations/index.js';
import { listedStreams, selectStreams } from '../engine/streamSelection.js';
import { StripeClient } from '../stripe/client.js';
import { StripeAuthError, StripePermissionError } from '../stripe/errors.js';
import { configFrom, configOption, ENV_HELP } from './options.js';

export function checkCommand(): Command {
  return new Command('check')
    .description('Check configuration, the Stripe key (mode and permissions) and the destination connection.')
    .addOption(configOption())
    .addHelpText('after', ENV_HELP)
    .action(async (opts: { config?: string }) => {
      const say = (ok: boolean, text: string) => process.stdout.write(`${ok ? '✓' : '✗'} ${text}\n`);
      const config = requireApiKey(configFrom(opts));
      say(true, 'configuration is valid');
      const client = new StripeClient({
        apiKey: config.stripe.apiKey,
        apiBase: config.stripe.apiBase,
        retry: { retries: 1, maxRetryTimeMs: 10_000 },
      });
      let failed = false;
      try {
        const account = await client.get<{ id: string }>('/v1/account');
        say(true, `Stripe key accepted: ${client.mode} mode, account ${account.id}`);
      } catch (err) {
        if (err instanceof StripeAuthError) throw err;
        say(false, `cannot reach Stripe: ${redactSecrets((err as Error).message)}`);
        failed = true;
      }
      if (!failed) {
        const enabled = selectStreams(catalog, config.sync.streams, config.sync.excludeStreams);
        const denied: string[] = [];
        for (const name of listedStreams(catalog, enabled)) {
          const s = catalog.get(name);
          try {
            await client.list(s.list!.path, { limit: 1, ...s.list!.params });
          } catch (err) {
            if (err instanceof StripePermissionError) denied.push(name);
            else throw err;
          }
        }
        say(
          denied.length === 0,
          denied.length === 0
            ? 'the key can read every selected stream'
            : `no permission for: ${denied.join(', ')} (they will be reported and skipped)`,
        );
      }
      try {
        const dest = await openDestination(config.destination.url, { schema: config.destination.schema });
        await dest.init();
        await dest.close();
        say(true, `destination ${redactSecrets(config.destination.url)} is reachable and writable`);
      } catch (err) {
        say(false, `destination: ${redactSecrets((err as Error).message)}`);
        failed = true;
      }
      if (failed) process.exitCode = 1;
    });
}
