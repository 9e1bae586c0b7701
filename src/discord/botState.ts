/**
 * The bot's state at start and while it runs: open (and migrate) the database, import the old
 * feedback file once, and forget question text past each server's retention.
 */
import type { Logger } from 'pino';
import type { BotConfig } from '../config.js';
import { importLegacyFeedback, readLegacySalt } from '../db/import.js';
import { openDatabase } from '../db/open.js';
import { StateStore } from '../db/state.js';
import { safeError } from './errors.js';
import type { SettingsService } from './settings.js';

/** Opens the state database named by `DATABASE_URL` and imports `FEEDBACK_FILE` once. */
export async function openBotState(config: BotConfig, logger: Logger): Promise<StateStore> {
  const database = await openDatabase(config.DATABASE_URL);
  const state = await StateStore.open(database, await readLegacySalt(config.FEEDBACK_FILE));
  logger.info(
    { event: 'database', kind: database.kind, where: database.where },
    'state database open',
  );
  try {
    const result = await importLegacyFeedback(state, config.FEEDBACK_FILE);
    if (result.imported > 0 || result.skippedLines > 0)
      logger.info(
        { event: 'feedback-imported', votes: result.imported, skippedLines: result.skippedLines },
        'imported the old feedback file into the database',
      );
  } catch (error) {
    logger.warn(
      { event: 'feedback-import-failed', error: safeError(error, []) },
      'could not import the old feedback file; it is left as it is',
    );
  }
  return state;
}

/** How often question text past its retention is forgotten. */
export const RETENTION_SWEEP_MS = 60 * 60_000;

/**
 * Forgets question text older than each server's retention (counts, refusals and latencies stay).
 * Returns the number of answers changed.
 */
export async function sweepRetention(
  state: StateStore,
  settings: SettingsService,
  now = new Date(),
): Promise<number> {
  let changed = 0;
  for (const guildId of await state.guildsWithAnswers()) {
    const { retentionDays } = await settings.forChannel(guildId, null);
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
    changed += await state.forgetQuestionsBefore(guildId, cutoff);
  }
  return changed;
}

/** Runs the sweep now and every hour; returns a function that stops it. */
export function startRetentionSweep(
  state: StateStore,
  settings: SettingsService,
  logger: Logger,
): () => void {
  const run = () =>
    sweepRetention(state, settings).then(
      (changed) => {
        if (changed > 0)
          logger.info({ event: 'retention', answers: changed }, 'forgot old question text');
      },
      (error: unknown) =>
        logger.warn(
          { event: 'retention-failed', error: safeError(error, []) },
          'retention sweep failed',
        ),
    );
  void run();
  const timer = setInterval(() => void run(), RETENTION_SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
