/**
 * Structured logger. Logs go to stderr so that CLI results on stdout stay machine-readable.
 * Keys and tokens are redacted by path as a second line of defense; code never logs them on purpose.
 */
import { createRequire } from 'node:module';
import type { Logger } from 'pino';

export type { Logger };

/** pino, loaded on first use: a CLI run that logs nothing skips its ~40 ms of start-up. */
export function loadPino(): typeof import('pino') {
  return createRequire(import.meta.url)('pino') as typeof import('pino');
}

/**
 * A logger that creates the real one (`create`) the first time it is used. The CLI hands one to
 * the engine; a plain `ask` then never loads pino at all.
 */
export function lazyLogger(create: () => Logger): Logger {
  let real: Logger | undefined;
  const target = (): Logger => (real ??= create());
  return new Proxy({} as Logger, {
    get(_, key) {
      const value = Reflect.get(target(), key) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target()) : value;
    },
    set: (_, key, value) => Reflect.set(target(), key, value),
  });
}

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
  const { pino } = loadPino();
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
