/**
 * The stand-in's world: users, guilds with their roles, members and channels, messages, hosted
 * attachments and registered commands, plus the JSON Discord sends for each. Every other module
 * reads and changes this one object.
 */
import { PermissionFlagsBits } from 'discord.js';
import {
  forumFields,
  isThread,
  memberJson,
  nowIso,
  overwriteJson,
  roleJson,
  textChannelJson,
  threadJson,
  userJson,
} from './json.ts';
import { ApiError, PRIVILEGED_INTENTS, snowflake, type Json } from './rules.ts';
import type { InteractionState, StandInGuildInit, StandInOptions, StandInUser } from './types.ts';

export const API_PREFIX = '/api/v10';
export const MESSAGE_FLAGS = {
  SuppressEmbeds: 1 << 2,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
} as const;
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;
/** The shape of a bot token (three dot-separated base64url parts). */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** What a regular member may do (the @everyone role of configured guilds). */
export const MEMBER_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.ChangeNickname;

/**
 * What the bot's managed role grants: exactly the README's invite link (permissions=309237730304):
 * View Channels, Send Messages, Send Messages in Threads, Create Public Threads, Embed Links and
 * Read Message History. Nothing more (no Manage Threads, no Manage Messages).
 */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory;

/** The shared state of one stand-in: users, guilds, channels, messages and the JSON Discord would send for them. */
export function createWorld(options: StandInOptions) {
  const settings = {
    heartbeatInterval: options.heartbeatIntervalMs ?? 41_250,
    enforceIntents: options.enforceIntents ?? true,
    allowedPrivileged: options.allowedPrivilegedIntents ?? PRIVILEGED_INTENTS,
    echoBotMessages: options.echoBotMessages ?? true,
    deadlineMs: options.interactionDeadlineMs ?? 3000,
    maxUploadBytes: options.maxUploadBytes ?? 10 * 1024 * 1024,
    recommendedShards: options.recommendedShards ?? 1,
  };
  /** Filled in once the server listens. */
  const urls = { base: '', gateway: '', resume: '' };
  /** Set by close(): waits made afterwards fail at once. */
  const state = { closed: false };

  // ---- world state -------------------------------------------------------------------------
  const botUser: StandInUser = {
    id: options.botUser?.id ?? snowflake(),
    username: 'storybot',
    global_name: null,
    discriminator: '0',
    avatar: null,
    ...options.botUser,
    bot: true,
  };
  const applicationId = options.applicationId ?? botUser.id;
  const testerUser: StandInUser = {
    id: snowflake(),
    username: 'tester',
    global_name: 'Tester',
    discriminator: '0',
    avatar: null,
    bot: false,
  };
  const users = new Map<string, StandInUser>([
    [botUser.id, botUser],
    [testerUser.id, testerUser],
  ]);
  const channels = new Map<string, Json>();
  const guilds = new Map<
    string,
    { api: Json; members: Map<string, Json>; channelIds: string[]; botRoleId: string }
  >();
  const messages = new Map<string, Json>();
  const channelHistory = new Map<string, string[]>();
  const hosted = new Map<string, { data: Buffer; contentType: string }>();
  const interactions = new Map<string, InteractionState>();
  const commands = { global: [] as Json[], guilds: new Map<string, Json[]>() };
  const timers = new Set<NodeJS.Timeout>();

  const knownUser = (partial: Partial<StandInUser> & { id?: string }): StandInUser => {
    const id = partial.id ?? testerUser.id;
    const base = users.get(id) ?? {
      id,
      username: `user${id.slice(-4)}`,
      global_name: null,
      discriminator: '0',
      avatar: null,
      bot: false,
    };
    const user = { ...base, ...partial, id };
    users.set(id, user);
    return user;
  };
  const guildInits: StandInGuildInit[] = options.guilds?.length
    ? options.guilds
    : [{ name: 'Stand-in Guild' }];
  const ids = [
    ...guildInits.map((g) => g.id),
    ...guildInits.flatMap((g) => [...(g.channels ?? []), ...(g.roles ?? [])].map((c) => c.id)),
    ...guildInits.flatMap((g) => (g.members ?? []).map((m) => m.user.id)),
  ];
  const badId = ids.find((id) => id !== undefined && !/^\d{1,20}$/.test(id));
  if (badId !== undefined)
    throw new Error(
      `discord-standin: ids must be snowflake strings (digits), got ${JSON.stringify(badId)}`,
    );
  for (const init of guildInits) {
    const guildId = init.id ?? snowflake();
    const botRoleId = snowflake();
    const roles: Json[] = [
      roleJson(guildId, '@everyone', MEMBER_PERMISSIONS, 0),
      {
        ...roleJson(botRoleId, botUser.username, BOT_PERMISSIONS, 1),
        managed: true,
        tags: { bot_id: botUser.id },
      },
      ...(init.roles ?? []).map((role, i) =>
        roleJson(
          role.id ?? snowflake(),
          role.name ?? `role-${i + 1}`,
          BigInt(role.permissions ?? 0n),
          i + 2,
        ),
      ),
    ];
    const members = new Map<string, Json>();
    members.set(botUser.id, memberJson(botUser, [botRoleId]));
    for (const member of init.members ?? []) {
      const user = knownUser(member.user);
      members.set(user.id, memberJson(user, member.roles ?? [], member.nick ?? null));
    }
    if (!members.has(testerUser.id)) members.set(testerUser.id, memberJson(testerUser));

    const channelInits = init.channels?.length ? init.channels : [{ name: 'general' }];
    const channelIds: string[] = [];
    let firstText: string | undefined;
    for (const [i, c] of channelInits.entries()) {
      const type = c.type ?? 0;
      if (type === 11 || type === 12) continue; // threads need their parent first
      const id = c.id ?? snowflake();
      const channel = textChannelJson(id, guildId, c.name ?? `channel-${i + 1}`, type, i);
      channel.permission_overwrites = (c.overwrites ?? []).map(overwriteJson);
      if (type === 15) Object.assign(channel, forumFields(c.tags ?? []));
      channels.set(id, channel);
      channelIds.push(id);
      if (type === 0 && !firstText) firstText = id;
    }
    for (const c of channelInits) {
      const type = c.type ?? 0;
      if (type !== 11 && type !== 12) continue;
      const parentId = c.parentId ?? firstText;
      if (!parentId) throw new Error('discord-standin: a thread needs a text channel in its guild');
      const id = c.id ?? snowflake();
      channels.set(
        id,
        threadJson(id, guildId, parentId, c.name ?? 'thread', type, c.ownerId ?? botUser.id),
      );
      channelIds.push(id);
    }
    guilds.set(guildId, {
      api: {
        id: guildId,
        name: init.name ?? 'Stand-in Guild',
        icon: null,
        splash: null,
        discovery_splash: null,
        owner_id: init.ownerId ?? testerUser.id,
        afk_channel_id: null,
        afk_timeout: 300,
        verification_level: 0,
        default_message_notifications: 1,
        explicit_content_filter: 0,
        roles,
        emojis: [],
        stickers: [],
        features: [],
        mfa_level: 0,
        application_id: null,
        system_channel_id: null,
        system_channel_flags: 0,
        rules_channel_id: null,
        max_members: 500_000,
        vanity_url_code: null,
        description: null,
        banner: null,
        premium_tier: 0,
        premium_subscription_count: 0,
        preferred_locale: 'en-US',
        public_updates_channel_id: null,
        safety_alerts_channel_id: null,
        nsfw_level: 0,
        premium_progress_bar_enabled: false,
      },
      members,
      channelIds,
      botRoleId,
    });
  }
  const firstGuild = [...guilds.values()][0]!;
  const defaultChannelId =
    firstGuild.channelIds.find((id) => channels.get(id)?.type === 0) ?? firstGuild.channelIds[0]!;

  function guildCreatePayload(guildId: string): Json {
    const guild = guilds.get(guildId)!;
    const all = guild.channelIds.map((id) => channels.get(id)!);
    return {
      ...guild.api,
      joined_at: nowIso(),
      large: false,
      unavailable: false,
      member_count: guild.members.size,
      voice_states: [],
      members: [...guild.members.values()],
      channels: all.filter((c) => !isThread(c)),
      threads: all.filter((c) => isThread(c)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  function storeMessage(message: Json): Json {
    messages.set(message.id, message);
    const channel = channels.get(message.channel_id);
    if ((Number(message.flags) & MESSAGE_FLAGS.Ephemeral) === 0) {
      const history = channelHistory.get(message.channel_id) ?? [];
      history.push(message.id);
      channelHistory.set(message.channel_id, history);
      if (channel) {
        channel.last_message_id = message.id;
        if (isThread(channel)) {
          channel.message_count = (channel.message_count ?? 0) + 1;
          channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
        }
      }
    }
    return message;
  }

  function findChannel(channelId: string): Json {
    const channel = channels.get(channelId);
    if (!channel) throw new ApiError(404, 10003, 'Unknown Channel');
    return channel;
  }

  function findMessageIn(channelId: string, messageId: string): Json {
    findChannel(channelId);
    const message = messages.get(messageId);
    if (
      !message ||
      message.channel_id !== channelId ||
      (Number(message.flags) & MESSAGE_FLAGS.Ephemeral) !== 0
    ) {
      throw new ApiError(404, 10008, 'Unknown Message');
    }
    return message;
  }

  function checkApp(appId: string): void {
    if (appId !== applicationId) throw new ApiError(403, 50001, 'Missing Access');
  }

  function checkGuild(guildId: string): {
    api: Json;
    members: Map<string, Json>;
    channelIds: string[];
  } {
    const guild = guilds.get(guildId);
    if (!guild) throw new ApiError(403, 50001, 'Missing Access');
    return guild;
  }
  return {
    settings,
    botUser,
    applicationId,
    testerUser,
    users,
    channels,
    guilds,
    messages,
    channelHistory,
    hosted,
    interactions,
    commands,
    timers,
    urls,
    state,
    firstGuild,
    defaultChannelId,
    nowIso,
    userJson,
    knownUser,
    memberJson,
    roleJson,
    textChannelJson,
    threadJson,
    overwriteJson,
    isThread,
    guildCreatePayload,
    storeMessage,
    findChannel,
    findMessageIn,
    checkApp,
    checkGuild,
  };
}

export type World = ReturnType<typeof createWorld>;
