/**
 * `stripe-elt` command line. Each command lives in its own file and only parses arguments; the work is
 * done by the library. Exit codes: 0 ok, 1 the job failed, 2 usage/config/auth error.
 */
import { Command, CommanderError } from 'commander';
import { redactSecrets } from '../config/redact.js';
import { checkCommand } from './check.js';
import { demoCommand } from './demo.js';
import { emulatorCommand } from './emulator.js';
import { resetCommand } from './reset.js';
import { statusCommand } from './status.js';
import { streamsCommand } from './streams.js';
import { syncCommand } from './sync.js';
import { readVersion } from './version.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function buildProgram(): Command {
  const program = new Command()
    .name('stripe-elt')
    .description(
      'Stripe → data-warehouse extractor: a full historical pull of a Stripe account, then incremental ' +
        'replication from the list and Events APIs into typed warehouse tables.',
    )
    .version(readVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true })
    .addHelpText(
      'after',
      `
Examples:
  $ stripe-elt demo                           # emulator + sync into ./stripe-demo.duckdb, no Stripe account needed
  $ STRIPE_API_KEY=sk_live_… stripe-elt sync  # sync your account into ./stripe.duckdb
  $ stripe-elt status                         # how fresh is my data?
  $ stripe-elt <command> --help               # every option, with defaults

Environment:
  LOG_LEVEL   pino level (debug, info, warn, error); logs are JSON when stderr is not a terminal`,
    )
    .exitOverride();
  for (const command of [
    syncCommand(),
    statusCommand(),
    streamsCommand(),
    resetCommand(),
    checkCommand(),
    demoCommand(),
    emulatorCommand(),
  ]) {
    // addCommand() does not pass these settings down (only .command() does).
    command.exitOverride().showHelpAfterError('(run with --help for usage)');
    program.addCommand(command);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version "fail" with exit code 0 by design.
      process.exitCode = err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`stripe-elt: ${redactSecrets(message)}\n`);
    process.exitCode = (err as { exitCode?: number }).exitCode ?? EXIT_FAILED;
  }
}
