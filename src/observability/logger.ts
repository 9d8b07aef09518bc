/**
 * Structured logging with pino: JSON lines when stdout is not a terminal (containers, CI, log shippers),
 * short human lines on a terminal. Secrets are redacted by key name and by value pattern, in every line.
 */
import pino, { type Logger } from 'pino';
import { redactSecrets } from '../config/redact.js';

export type { Logger } from 'pino';

const REDACT_PATHS = [
  'apiKey',
  'key',
  'password',
  'authorization',
  'headers.authorization',
  '*.apiKey',
  '*.password',
  '*.authorization',
  'config.stripe.apiKey',
  'config.destination.url',
];

export function createLogger(
  opts: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {},
): Logger {
  const pretty = opts.pretty ?? Boolean(process.stderr.isTTY);
  const dest = opts.destination ?? process.stderr;
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pretty ? false : pino.stdTimeFunctions.isoTime,
      hooks: {
        // Values can carry secrets too (an error message quoting a connection string): scrub every string.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>,
          );
        },
      },
      formatters: pretty ? { level: (label) => ({ level: label }) } : undefined,
    },
    pretty ? prettyStream(dest) : (dest as pino.DestinationStream),
  );
}

/** A minimal human format for terminals: `level message key=value …`. */
function prettyStream(dest: NodeJS.WritableStream): pino.DestinationStream {
  return {
    write(line: string) {
      try {
        const { level, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
        const extras = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        const tag = level === 'info' ? '' : `${String(level).toUpperCase()} `;
        dest.write(`${tag}${String(msg ?? '')}${extras ? ` ${extras}` : ''}\n`);
      } catch {
        dest.write(line);
      }
    },
  };
}
