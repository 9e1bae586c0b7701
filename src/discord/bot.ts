/**
 * Assembles the bot: a discord.js client with only the intents it needs, the context shared by
 * handlers, the command and event modules (each checked by a predicate), lifecycle logging, and
 * a graceful shutdown that lets in-flight answers finish.
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client, Events, GatewayIntentBits, RESTEvents, type ClientOptions } from 'discord.js';
import type { Logger } from 'pino';
import type { BotConfig, CoreConfig } from '../config.js';
import { IndexError } from '../errors.js';
import { log } from '../log.js';
import type { Engine } from '../rag/engine.js';
import { AnswerStore } from './answers.js';
import { loadCommands } from './command.js';
import type { BotContext } from './context.js';
import { ConversationStore } from './conversation.js';
import { EngineHolder } from './engineHolder.js';
import { redactSecrets, safeError } from './errors.js';
import { isBotEvent, type BotEvent } from './event.js';
import { AutoReplyGate } from './autoReply.js';
import { openBotState, startRetentionSweep } from './botState.js';
import { LRUCache } from 'lru-cache';
import { InFlight } from './inflight.js';
import { QuestionLimits } from './limits.js';
import { Reindexer } from './reindex/reindexer.js';
import type { FetchPolicy } from '../ingest/fetch.js';
import { InteractionAwareREST } from './rest.js';
import type { IndexerRun, RunIndexerOptions } from './reindex/runIndexer.js';
import { NO_MENTIONS } from './send.js';
import { SettingsService } from './settings.js';

/**
 * Guilds: guild, channel and thread caches (threads the bot started). GuildMessages: mentions,
 * replies and thread messages. MessageContent (privileged): the text of replies and thread
 * messages that do not mention the bot, which Discord otherwise blanks. Nothing else.
 */
export const BOT_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
];

/**
 * Name of the client property through which another shard asks this one to reload the index:
 * a function run by `broadcastEval` sees nothing of the shard but its client.
 */
export const RELOAD_HOOK = 'storybotReloadIndex';

/** Client property through which another shard says a server's settings changed. */
export const SETTINGS_HOOK = 'storybotSettingsChanged';

/** What the reload hook does: load the index on disk unless `builtAt` already serves; true when it does. */
export type ReloadHook = (builtAt: string) => Promise<boolean>;

/** The package version shown by /status. */
function readVersion(): string {
  try {
    const file = fileURLToPath(new URL('../../package.json', import.meta.url));
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const EVENTS_DIR = fileURLToPath(new URL('./events/', import.meta.url));

/** Imports every module in `events/`, checking each default export. */
export async function loadEvents(dir: string = EVENTS_DIR): Promise<BotEvent[]> {
  const files = (await readdir(dir))
    .filter((name) => /\.(ts|js|mjs)$/.test(name) && !name.endsWith('.d.ts'))
    .sort();
  const events: BotEvent[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default?: unknown };
    if (!isBotEvent(mod.default))
      throw new Error(`${file} does not export an event handler (expected { name, execute })`);
    events.push(mod.default);
  }
  return events;
}

export interface BotOptions {
  config: BotConfig;
  /** Opens the index in `config.INDEX_DIR` (src/rag/engine.ts `openEngine`). */
  openEngine: (config: CoreConfig) => Promise<Engine>;
  /** An engine already open; otherwise one is opened, and the bot starts without if none is built. */
  engine?: Engine;
  logger?: Logger;
  /** Merged over the defaults (tests point `rest.api` at a stand-in). */
  clientOptions?: Partial<ClientOptions>;
  /** Minimum time between two re-index progress edits. */
  progressIntervalMs?: number;
  /** Substitute for the indexer child process (tests of failure modes only). */
  runIndexer?: (options: RunIndexerOptions) => IndexerRun;
  /** Limits for `/reindex url:` fetches (tests: the loopback allowance, set in code). */
  fetchPolicy?: FetchPolicy;
}

export interface Bot {
  client: Client;
  ctx: BotContext;
  /** Logs in; resolves once the gateway session is ready. */
  start(): Promise<void>;
  /** Declines new work, waits for in-flight work (up to `timeoutMs`), then destroys the client. */
  shutdown(reason?: string, timeoutMs?: number): Promise<void>;
}

/**
 * Reads the most recent articles' sentences in the background once an index is open, so the
 * first questions after start or a re-index do not pay for analysing them (one log line when done).
 */
export function prereadInBackground(
  engine: Engine,
  logger: Logger,
  secrets: readonly string[],
): void {
  if (!engine.preread) return;
  const started = performance.now();
  engine.preread().then(
    (sentences) =>
      logger.info(
        { event: 'preread', sentences, ms: Math.round(performance.now() - started) },
        'recent sentences read ahead',
      ),
    (error: unknown) =>
      logger.warn(
        { event: 'preread-failed', error: safeError(error, secrets) },
        'reading ahead failed; questions read their sentences as they come',
      ),
  );
}

async function openInitialEngine(options: BotOptions, logger: Logger): Promise<Engine | undefined> {
  if (options.engine) return options.engine;
  try {
    return await options.openEngine(options.config);
  } catch (error) {
    if (!(error instanceof IndexError)) throw error;
    logger.warn(
      { event: 'no-index', reason: error.message },
      'starting without an index: an admin can run /reindex',
    );
    return undefined;
  }
}

/** Creates the bot (not yet connected). */
export async function createBot(options: BotOptions): Promise<Bot> {
  const { config } = options;
  const logger = options.logger ?? log();
  const secrets = [config.DISCORD_TOKEN, config.OPENAI_API_KEY].filter((s): s is string =>
    Boolean(s),
  );
  // Every index the bot opens (at start, after a re-index) is read ahead in the background.
  const openEngine = async (c: CoreConfig): Promise<Engine> => {
    const engine = await options.openEngine(c);
    prereadInBackground(engine, logger, secrets);
    return engine;
  };
  const engines = new EngineHolder(await openInitialEngine({ ...options, openEngine }, logger));
  const [commands, events, state] = await Promise.all([
    loadCommands(),
    loadEvents(),
    openBotState(config, logger),
  ]);
  const settings = new SettingsService(state, config);

  const client = new Client({
    intents: BOT_INTENTS,
    allowedMentions: NO_MENTIONS,
    ...options.clientOptions,
    rest: {
      ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}),
      ...options.clientOptions?.rest,
    },
  });
  // Swap in the REST client that lets interaction replies skip the bot-wide queue (see rest.ts).
  client.rest.clearHashSweeper();
  client.rest.clearHandlerSweeper();
  client.rest = new InteractionAwareREST(client.options.rest);

  const reindexer = new Reindexer({
    config,
    engines,
    openEngine,
    logger,
    progressIntervalMs: options.progressIntervalMs,
    runIndexer: options.runIndexer,
    fetchPolicy: options.fetchPolicy,
    broadcastReload: async () => {
      if (!client.shard) return;
      const builtAt = engines.peek()?.manifest.builtAt ?? '';
      // The function runs inside every shard and may only use its arguments (hence the literal name).
      const serving = await client.shard.broadcastEval(
        (c, context) =>
          (c as unknown as Record<string, ReloadHook | undefined>)['storybotReloadIndex']?.(
            context.builtAt,
          ) ?? false,
        { context: { builtAt } },
      );
      logger.info(
        {
          event: 'reload-broadcast',
          shards: serving.length,
          serving: serving.filter(Boolean).length,
        },
        'shards told to reload',
      );
    },
  });

  const ctx: BotContext = {
    config,
    commands,
    logger,
    engines,
    limits: new QuestionLimits({
      cooldownMs: config.USER_COOLDOWN_SECONDS * 1000,
      maxConcurrentPerGuild: config.GUILD_MAX_CONCURRENT,
    }),
    conversations: new ConversationStore(),
    answers: new AnswerStore(),
    state,
    settings,
    autoReplies: new AutoReplyGate(config.AUTO_REPLY_PER_MINUTE, config.GUILD_MAX_CONCURRENT),
    handledMessages: new LRUCache<string, true>({ max: 20_000 }),
    reindexer,
    inFlight: new InFlight(),
    secrets,
    startedAt: Date.now(),
    version: readVersion(),
    closing: false,
  };

  for (const event of events) {
    const run = (...args: unknown[]) => {
      const task = Promise.resolve().then(() =>
        (event.execute as (c: BotContext, ...a: unknown[]) => unknown)(ctx, ...args),
      );
      ctx.inFlight.track(task).catch((error: unknown) => {
        logger.error(
          { event: event.name, error: safeError(error, secrets) },
          'event handler failed',
        );
      });
    };
    if (event.once) client.once(event.name, run);
    else client.on(event.name, run);
  }

  const reloadHook: ReloadHook = async (builtAt) => {
    if (engines.peek()?.manifest.builtAt !== builtAt)
      await ctx.inFlight.track(reindexer.reloadFromDisk('another shard re-indexed'));
    return engines.peek()?.manifest.builtAt === builtAt;
  };
  Object.defineProperty(client, RELOAD_HOOK, { value: reloadHook, enumerable: false });
  Object.defineProperty(client, SETTINGS_HOOK, {
    value: (guildId: string) => settings.invalidate(guildId),
    enumerable: false,
  });
  settings.broadcast = async (guildId) => {
    if (!client.shard) return;
    // Runs inside every shard (hence the literal hook name); each drops its cached copy.
    await client.shard.broadcastEval(
      (c, context) =>
        void (c as unknown as Record<string, ((id: string) => void) | undefined>)[
          'storybotSettingsChanged'
        ]?.(context.guildId),
      { context: { guildId } },
    );
  };

  // Reconnects are discord.js's job; we only make them visible.
  client.on(Events.Error, (error) =>
    logger.error({ event: 'client-error', error: safeError(error, secrets) }, 'client error'),
  );
  client.on(Events.Warn, (message) =>
    logger.warn(
      { event: 'client-warn', message: redactSecrets(message, secrets) },
      'client warning',
    ),
  );
  client.on(Events.ShardDisconnect, (closeEvent, shardId) =>
    logger.warn(
      { event: 'shard-disconnect', shard: shardId, code: closeEvent.code },
      'gateway disconnected',
    ),
  );
  client.on(Events.ShardReconnecting, (shardId) =>
    logger.info({ event: 'shard-reconnecting', shard: shardId }, 'gateway reconnecting'),
  );
  client.on(Events.ShardResume, (shardId, replayed) =>
    logger.info({ event: 'shard-resume', shard: shardId, replayed }, 'gateway resumed'),
  );
  client.on(Events.ShardError, (error, shardId) =>
    logger.error(
      { event: 'shard-error', shard: shardId, error: safeError(error, secrets) },
      'gateway error',
    ),
  );
  client.rest.on(RESTEvents.RateLimited, (info) =>
    logger.warn(
      {
        event: 'rate-limited',
        method: info.method,
        route: redactSecrets(info.route, secrets),
        global: info.global,
        retryAfterMs: info.retryAfter,
        scope: info.scope,
      },
      'REST rate limit hit',
    ),
  );

  const stopSweep = startRetentionSweep(state, settings, logger);

  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown', timeoutMs = 25_000): Promise<void> => {
    shuttingDown ??= (async () => {
      ctx.closing = true;
      logger.info({ event: 'shutdown', reason, inFlight: ctx.inFlight.size }, 'shutting down');
      reindexer.cancel();
      const finished = await ctx.inFlight.drain(timeoutMs);
      stopSweep();
      await client.destroy();
      await state.close().catch(() => undefined);
      logger.info({ event: 'shutdown-complete', finished }, 'shut down');
    })();
    return shuttingDown;
  };

  const start = async (): Promise<void> => {
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(config.DISCORD_TOKEN);
    await ready;
  };

  return { client, ctx, start, shutdown };
}
