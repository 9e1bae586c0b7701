/**
 * Two shards under discord.js's ShardingManager, each a real child process running the bot
 * against the loopback stand-in: both answer their own guilds from the same index, and a
 * re-index started in one shard is served by the other.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBotConfig } from '../../src/config.js';
import { runShardingManager, type RunningShards } from '../../src/discord/sharding.js';
import { buildIndex } from '../../src/rag/build.js';
import {
  fakeBotToken,
  MEMBER_PERMISSIONS,
  snowflake,
  startDiscordStandIn,
  type DiscordStandIn,
  type RecordedRequest,
} from '../../testkit/discord/standin.js';

/** Guild ids whose shard (id >> 22 mod 2) is 0 and 1. */
const GUILD_ON_SHARD_0 = (1_000_000_000n << 22n).toString();
const GUILD_ON_SHARD_1 = (1_000_000_001n << 22n).toString();
const CHANNEL_0 = '100000000000000010';
const CHANNEL_1 = '100000000000000011';

describe('the bot under the ShardingManager', () => {
  let discord: DiscordStandIn;
  let shards: RunningShards | undefined;
  let dir: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'storybot-shards-'));
    await cp(path.resolve('tests/fixtures/discord/corpus'), path.join(dir, 'corpus'), {
      recursive: true,
    });
    discord = await startDiscordStandIn({
      recommendedShards: 2,
      guilds: [
        {
          id: GUILD_ON_SHARD_0,
          name: 'Harbor City',
          channels: [{ id: CHANNEL_0, name: 'general' }],
        },
        {
          id: GUILD_ON_SHARD_1,
          name: 'Valley Town',
          channels: [{ id: CHANNEL_1, name: 'general' }],
        },
      ],
    });
    // Shard processes read their configuration from the environment, like `npm start` would.
    const env = {
      DISCORD_TOKEN: fakeBotToken(discord.botUser.id),
      DISCORD_CLIENT_ID: discord.applicationId,
      DISCORD_API_URL: discord.restUrl,
      SHARD_COUNT: '2',
      CORPUS_DIR: path.join(dir, 'corpus'),
      INDEX_DIR: path.join(dir, 'index'),
      CACHE_DIR: path.join(dir, 'cache'),
      WORD_VECTORS_DIR: path.resolve('data/cache/wordvectors'),
      FEEDBACK_FILE: path.join(dir, 'feedback.jsonl'),
      DATABASE_URL: path.join(dir, 'storybot.db'),
      LOG_LEVEL: 'error',
    };
    Object.assign(process.env, env);
    const config = loadBotConfig(process.env);
    await buildIndex({ config });
    shards = await runShardingManager(config, { spawnDelayMs: 0, handleSignals: false });
  }, 120_000);

  afterAll(async () => {
    await shards?.stop();
    await discord?.close();
    process.env = savedEnv;
    await rm(dir, { recursive: true, force: true });
  });

  const edits = (token: string) => (r: RecordedRequest) =>
    r.method === 'PATCH' &&
    r.path === `/webhooks/${discord.applicationId}/${token}/messages/@original` &&
    r.status < 300;

  function ask(guildId: string, channelId: string, question: string) {
    return discord.sendInteraction({
      commandName: 'ask',
      options: { question },
      guildId,
      channelId,
      user: { id: snowflake() },
    });
  }

  it('runs one gateway session per shard', () => {
    const identified = discord.gatewayLog.filter((g) => g.type === 'identify').map((g) => g.shard);
    expect(identified).toEqual(
      expect.arrayContaining([
        [0, 2],
        [1, 2],
      ]),
    );
    expect(shards!.manager.shards.size).toBe(2);
  });

  it('answers in guilds of both shards from the same index', async () => {
    const first = ask(GUILD_ON_SHARD_0, CHANNEL_0, 'Who is the mayor?');
    const second = ask(GUILD_ON_SHARD_1, CHANNEL_1, 'Which councillor voted against the plan?');
    expect((await discord.waitForRequest(edits(first.token), 15_000)).body.content).toContain(
      'Lena Ortiz',
    );
    expect((await discord.waitForRequest(edits(second.token), 15_000)).body.content).toContain(
      'Amir Haddad',
    );
  });

  it('serves a re-index started in one shard from the other shard too', async () => {
    const content = await readFile(path.resolve('tests/fixtures/discord/uploads/night-ferry.md'));
    const reindex = discord.sendInteraction({
      commandName: 'reindex',
      guildId: GUILD_ON_SHARD_0,
      channelId: CHANNEL_0,
      attachments: { file: { filename: 'night-ferry.md', content, contentType: 'text/markdown' } },
      permissions: MEMBER_PERMISSIONS | PermissionFlagsBits.ManageGuild,
      user: { id: snowflake() },
    });
    const done = await discord.waitForRequest(
      (r) => edits(reindex.token)(r) && /^[✅❌]/.test(String(r.body.content)),
      60_000,
    );
    expect(done.body.content).toContain('Re-indexed 4 articles');

    const elsewhere = ask(GUILD_ON_SHARD_1, CHANNEL_1, 'Who operates the night ferry?');
    expect((await discord.waitForRequest(edits(elsewhere.token), 15_000)).body.content).toContain(
      'Bluewater Lines',
    );
  });
});
