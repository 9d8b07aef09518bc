/** `stripe-elt emulator`: run the local Stripe API emulator until interrupted. */
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_LIVE_KEY,
  DEFAULT_RESTRICTED_KEY,
  DEFAULT_TEST_KEY,
  type SeedSize,
  startEmulator,
} from '../emulator/index.js';
import { REALISTIC_LATENCY } from '../emulator/latency.js';
import type { RateProfile } from '../emulator/rateLimiter.js';
import { createLogger } from '../observability/logger.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number 0-65535 (0 = any free port)');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

export function emulatorCommand(): Command {
  return new Command('emulator')
    .description(
      "Run a local Stripe API emulator: Stripe's wire format, list semantics, events, rate limits and " +
        'fault injection, with a deterministic seeded account. Point stripe-elt (or the stripe SDK) at it ' +
        'with STRIPE_API_BASE=http://127.0.0.1:<port>.',
    )
    .addOption(
      new Option('-p, --port <port>', 'port to listen on (0 = any free port)').argParser(port).default(12111),
    )
    .addOption(
      new Option(
        '--host <host>',
        'address to bind; the emulator has no real security, keep it on loopback',
      ).default('127.0.0.1'),
    )
    .addOption(
      new Option(
        '-s, --seed <size>',
        'seed a believable SaaS account: small ≈5k, medium ≈100k, large ≥1M objects',
      )
        .choices(['none', 'small', 'medium', 'large'])
        .default('small'),
    )
    .addOption(
      new Option('--seed-number <n>', 'seed for the generator: same number, same account')
        .argParser(integer)
        .default(1),
    )
    .addOption(
      new Option(
        '--rate-profile <profile>',
        'Stripe rate limits to enforce: live (100/s global, 25/s per endpoint), test (25/s), off',
      )
        .choices(['live', 'test', 'off'])
        .default('test'),
    )
    .addOption(
      new Option('--latency <kind>', 'simulated server latency')
        .choices(['none', 'realistic'])
        .default('none'),
    )
    .addHelpText(
      'after',
      `
API keys accepted:
  ${DEFAULT_TEST_KEY}     secret key, test mode
  ${DEFAULT_LIVE_KEY}     secret key, live mode
  ${DEFAULT_RESTRICTED_KEY}     restricted key: read customers, products, prices only

Control plane (not Stripe's API): /_emulator/{info,reset,seed,clock,rate,latency,faults,keys,stats,ground-truth}

Examples:
  $ stripe-elt emulator --seed medium --port 12111
  $ curl -s -u ${DEFAULT_TEST_KEY}: 'http://127.0.0.1:12111/v1/charges?limit=3'
  $ curl -s -X POST http://127.0.0.1:12111/_emulator/clock -d advance=2678400    # jump 31 days`,
    )
    .action(
      async (opts: {
        port: number;
        host: string;
        seed: string;
        seedNumber: number;
        rateProfile: string;
        latency: string;
      }) => {
        const log = createLogger();
        const size = opts.seed === 'none' ? undefined : (opts.seed as SeedSize);
        if (size) log.info({ size, seed: opts.seedNumber }, `seeding a ${size} account…`);
        const started = Date.now();
        const running = await startEmulator({
          port: opts.port,
          host: opts.host,
          size,
          seed: opts.seedNumber,
          rateProfile: opts.rateProfile as RateProfile,
          latency: opts.latency === 'realistic' ? REALISTIC_LATENCY : undefined,
        });
        if (running.seedSummary) {
          log.info(
            {
              objects: running.seedSummary.objects,
              accounts: running.seedSummary.accounts.length,
              seconds: (Date.now() - started) / 1000,
            },
            'seeded',
          );
        }
        log.info(
          {
            url: running.url,
            platform_account: running.emulator.platformAccount,
            rate_profile: opts.rateProfile,
          },
          `Stripe API emulator listening on ${running.url} (test key ${DEFAULT_TEST_KEY}); Ctrl-C to stop`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await running.close();
        log.info('emulator stopped');
      },
    );
}
