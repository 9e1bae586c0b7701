/**
 * Per-server and per-channel settings changed with /config: what each one is, its default (from
 * the environment), how a channel's value is resolved (channel, else server, else default), and a
 * short cache so answering a question does not cost a database round trip. A change clears the
 * cache here at once and, through `broadcast`, on every other shard.
 */
import { z } from 'zod';
import type { BotConfig } from '../config.js';
import { readGuildSettings, writeGuildSetting, type SettingRow } from '../db/settings.js';
import type { StateStore } from '../db/state.js';

/** Every setting, with how it is checked and whether a channel may override it. */
export const SETTING_DEFINITIONS = {
  autoReply: { schema: z.boolean(), perChannel: true, help: 'answer every question posted here' },
  replyMode: {
    schema: z.enum(['thread', 'inline']),
    perChannel: true,
    help: 'answer in a new thread or as a reply',
  },
  cooldownSeconds: {
    schema: z.number().int().min(0).max(3_600),
    perChannel: true,
    help: 'seconds between two questions of one person',
  },
  answerer: {
    schema: z.enum(['extractive', 'openai']),
    perChannel: true,
    help: 'offline extractive answers, or the configured model',
  },
  unanswered: {
    schema: z.enum(['note', 'silent']),
    perChannel: true,
    help: 'auto-reply when the story does not say: a short note, or nothing',
  },
  keepQuestions: {
    schema: z.boolean(),
    perChannel: false,
    help: 'keep question text for /insights',
  },
  retentionDays: {
    schema: z.number().int().min(1).max(3_650),
    perChannel: false,
    help: 'days question text is kept; then only counts remain',
  },
} as const;

export type SettingKey = keyof typeof SETTING_DEFINITIONS;
export type ChannelSettings = {
  [K in SettingKey]: z.infer<(typeof SETTING_DEFINITIONS)[K]['schema']>;
};

/** The defaults, from the environment. */
export function defaultSettings(config: BotConfig): ChannelSettings {
  return {
    autoReply: false,
    replyMode: config.THREAD_PER_MENTION ? 'thread' : 'inline',
    cooldownSeconds: config.USER_COOLDOWN_SECONDS,
    answerer: config.ANSWERER,
    unanswered: 'note',
    keepQuestions: true,
    retentionDays: config.INSIGHTS_RETENTION_DAYS,
  };
}

/** A server's settings as stored, resolved per channel (pure). */
export class GuildSettings {
  constructor(
    private readonly defaults: ChannelSettings,
    readonly rows: readonly SettingRow[],
  ) {}

  /** The effective settings in a channel (a thread uses its parent's). */
  forChannel(channelId: string | null): ChannelSettings {
    const resolved: Record<string, unknown> = { ...this.defaults };
    for (const scope of ['', channelId ?? '']) {
      for (const row of this.rows) {
        if (row.scopeId !== scope || !(row.key in SETTING_DEFINITIONS)) continue;
        const definition = SETTING_DEFINITIONS[row.key as SettingKey];
        if (scope !== '' && !definition.perChannel) continue;
        const parsed = definition.schema.safeParse(row.value);
        if (parsed.success) resolved[row.key] = parsed.data;
      }
    }
    return resolved as ChannelSettings;
  }

  /** Channels where auto-reply is on (explicitly, or through the server-wide setting). */
  autoReplyChannels(): string[] {
    return this.rows
      .filter((r) => r.key === 'autoReply' && r.scopeId !== '' && r.value === true)
      .map((r) => r.scopeId);
  }
}

/** How long a shard trusts its cached copy when no change was broadcast (another process's /config). */
export const SETTINGS_CACHE_MS = 5_000;

/** Settings read through the database with a short cache per server. */
export class SettingsService {
  private readonly cache = new Map<string, { at: number; value: Promise<GuildSettings> }>();

  constructor(
    private readonly store: StateStore,
    private readonly config: BotConfig,
    /** Tells the other shards that a server's settings changed (set by the bot when sharded). */
    public broadcast: (guildId: string) => Promise<void> = async () => undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A server's settings (defaults only outside servers). */
  async guild(guildId: string | null): Promise<GuildSettings> {
    if (!guildId) return new GuildSettings(defaultSettings(this.config), []);
    const cached = this.cache.get(guildId);
    if (cached && this.clock() - cached.at < SETTINGS_CACHE_MS) return cached.value;
    const value = readGuildSettings(this.store.db, guildId).then(
      (rows) => new GuildSettings(defaultSettings(this.config), rows),
    );
    this.cache.set(guildId, { at: this.clock(), value });
    value.catch(() => this.cache.delete(guildId));
    return value;
  }

  /** The effective settings for a channel of a server. */
  async forChannel(guildId: string | null, channelId: string | null): Promise<ChannelSettings> {
    return (await this.guild(guildId)).forChannel(channelId);
  }

  /** Changes (or with `undefined`, resets) one setting, then makes every shard see it. */
  async set(guildId: string, scopeId: string, key: SettingKey, value: unknown): Promise<void> {
    await writeGuildSetting(this.store.db, guildId, scopeId, key, value);
    this.invalidate(guildId);
    await this.broadcast(guildId);
  }

  /** Forgets the cached copy of a server's settings. */
  invalidate(guildId: string): void {
    this.cache.delete(guildId);
  }
}
