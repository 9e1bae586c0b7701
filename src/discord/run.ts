/**
 * Runs one bot process (the whole bot, or one shard under the ShardingManager) until SIGINT or
 * SIGTERM, then shuts down gracefully and exits 0.
 */
import type { BotConfig } from '../config.js';
import { log } from '../log.js';
import { openEngine } from '../rag/engine.js';
import { warmUpAnswering } from '../rag/warmup.js';
import { createBot } from './bot.js';
import { safeError } from './errors.js';

/** Starts the bot and wires process signals to a graceful shutdown. */
export async function runBotProcess(config: BotConfig): Promise<void> {
  const logger = log();
  const secrets = [config.DISCORD_TOKEN, config.OPENAI_API_KEY].filter((s): s is string =>
    Boolean(s),
  );
  // A stray rejection is a bug to log, not a reason to drop every conversation in flight.
  process.on('unhandledRejection', (reason) =>
    logger.error(
      { event: 'unhandled-rejection', error: safeError(reason, secrets) },
      'unhandled rejection',
    ),
  );

  const bot = await createBot({ config, openEngine });
  // The first questions should not pay for loading the date reader and the word tables.
  const started = performance.now();
  warmUpAnswering(config.CACHE_DIR);
  logger.info(
    { event: 'warmed-up', ms: Math.round(performance.now() - started) },
    'answering data loaded',
  );
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals | 'disconnect') => {
    if (stopping) {
      // A second Ctrl-C means "now"; a SIGTERM from a supervisor during shutdown changes nothing.
      if (signal === 'SIGINT') {
        logger.warn({ event: 'shutdown-forced', signal }, 'second interrupt: exiting now');
        process.exit(1);
      }
      return;
    }
    stopping = true;
    void bot.shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(
          { event: 'shutdown-failed', error: safeError(error, secrets) },
          'shutdown failed',
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A shard whose ShardingManager went away stops too, instead of living on as an orphan.
  if (process.send) process.once('disconnect', () => onSignal('disconnect'));
  await bot.start();
}
