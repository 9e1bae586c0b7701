/**
 * Structured logger. Logs go to stderr so that CLI results on stdout stay machine-readable.
 * Keys and tokens are redacted by path as a second line of defense; code never logs them on purpose.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'token',
  'apiKey',
  'OPENAI_API_KEY',
  'DISCORD_TOKEN',
  'authorization',
  '*.token',
  '*.apiKey',
  '*.OPENAI_API_KEY',
  '*.DISCORD_TOKEN',
  '*.authorization',
  'headers.authorization',
];

/** Creates the process logger writing JSON lines to stderr (fd 2). */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined },
    pino.destination(2),
  );
}

let shared: Logger | undefined;
/** The process-wide logger, created on first use. */
export function log(): Logger {
  shared ??= createLogger();
  return shared;
}

/** Replaces the process-wide logger (tests use a silent one). */
export function setLogger(logger: Logger): void {
  shared = logger;
}
