/**
 * What the community benchmarks share: a temp dir with the fixture corpus indexed, a bot config
 * pointing at it and at the stand-in, and settings written to the bot's database before it starts.
 */
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { loadBotConfig, type BotConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/open.js';
import { writeGuildSetting } from '../../src/db/settings.js';
import { buildIndex } from '../../src/rag/build.js';
import { fakeBotToken, type DiscordStandIn } from '../../testkit/discord/standin.js';

/** Indexes the fixture corpus in `dir` and returns a bot config for the stand-in. */
export async function benchConfig(
  discord: DiscordStandIn,
  dir: string,
  env: Record<string, string>,
): Promise<BotConfig> {
  await cp(path.resolve('tests/fixtures/discord/corpus'), path.join(dir, 'corpus'), {
    recursive: true,
  });
  const config = loadBotConfig({
    DISCORD_TOKEN: fakeBotToken(discord.botUser.id),
    DISCORD_CLIENT_ID: discord.applicationId,
    CORPUS_DIR: path.join(dir, 'corpus'),
    INDEX_DIR: path.join(dir, 'index'),
    CACHE_DIR: path.join(dir, 'cache'),
    WORD_VECTORS_DIR: path.resolve('data/cache/wordvectors'),
    FEEDBACK_FILE: path.join(dir, 'feedback.jsonl'),
    DATABASE_URL: path.join(dir, 'storybot.db'),
    LOG_LEVEL: 'warn',
    ...env,
  });
  await buildIndex({ config });
  return config;
}

/** Writes settings (guild, channel or '' for the server, key, value) before the bot starts. */
export async function presetSettings(
  databaseUrl: string,
  settings: ReadonlyArray<[string, string, string, unknown]>,
): Promise<void> {
  const database = await openDatabase(databaseUrl);
  try {
    for (const [guild, scope, key, value] of settings)
      await writeGuildSetting(database.db, guild, scope, key, value);
  } finally {
    await database.close();
  }
}
