/**
 * Loopback stand-in for Discord (REST API + gateway) for the bot's integration tests.
 *
 * One HTTP server on 127.0.0.1 (random port) serves three things:
 * - the REST API under `/api/v10` (point discord.js at it with `rest: { api: restUrl }`),
 * - the gateway as a WebSocket at `/gateway` (announced by `GET /gateway/bot`) and `/gateway-resume`
 *   (announced as READY's `resume_gateway_url`, so a resume is visible as such),
 * - attachment downloads at `/attachments/...` (the URLs put in messages and interactions).
 *
 * It behaves like Discord where a bot could get it wrong: messages over Discord's limits are refused
 * (400 / 50035), empty messages too (50006), an interaction answered twice or after 3 s gets
 * 40060 / 10062, dispatches the client has no intent for are not sent and content is blanked
 * without the Message Content intent, and every message records who it would ping (`pings`).
 *
 * Compression: discord.js 14 asks for `compress=zlib-stream` only when the optional `zlib-sync`
 * package is installed (it is not here), so by default the gateway talks plain JSON text. The
 * stand-in also honours `compress=zlib-stream` (one deflate stream, flushed per payload) and
 * IDENTIFY `compress: true` (each dispatch deflated on its own), in case that changes.
 *
 * Usage:
 * ```ts
 * const discord = await startDiscordStandIn();          // one guild, #general, a `tester` user
 * const client = await createTestClient(discord, [GatewayIntentBits.Guilds]); // ready to use
 * const interaction = discord.sendInteraction({ commandName: 'ask', options: { question: 'Who?' } });
 * const edit = await discord.waitForRequest(
 *   `PATCH /webhooks/${discord.applicationId}/${interaction.token}/messages/@original`,
 * );
 * expect(edit.body.content).toContain('[1]');
 * expect(edit.pings).toEqual({ everyone: false, users: [], roles: [], repliedUser: false });
 * discord.faults.rest429Once('POST /channels/:id/messages', 0.2);  // next message post is rate limited once
 * await discord.closeGatewayConnections(4000);                     // client resumes by itself
 * await client.destroy();
 * await discord.close();
 * ```
 * A bot that builds its own Client merges `standInClientOptions(discord)` into its options and logs
 * in with `fakeBotToken(discord.botUser.id)`.
 *
 * Good to know:
 * - Destroy clients before closing the stand-in, or discord.js keeps trying to reconnect.
 * - `sendMessage` needs a channel discord.js has cached (configured, or a thread created through
 *   the API): like Discord, a MESSAGE_CREATE for an unknown channel is dropped by discord.js.
 * - The bot's own messages come back as MESSAGE_CREATE / MESSAGE_UPDATE (`echoBotMessages`), so a
 *   handler that does not ignore bots will see them, as in production.
 * - `pings` on a recorded request says who Discord would notify; assert it is empty for hostile text.
 * - Ids are snowflake strings; configured ids must be decimal strings too.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import zlib from 'node:zlib';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import {
  Client,
  Events,
  PermissionFlagsBits,
  type ClientOptions,
  type GatewayIntentBits,
} from 'discord.js';
import {
  ApiError,
  INTENT,
  PRIVILEGED_INTENTS,
  compileMatcher,
  computePings,
  describeMatcher,
  formBodyError,
  intentFor,
  snowflake,
  validateMessageBody,
  withoutContent,
  type Json,
} from './rules.ts';

export { snowflake, computePings, validateMessageBody, LIMITS } from './rules.ts';

/** A user as the stand-in knows it (Discord API shape). */
export interface StandInUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
}

/** A channel or thread in a configured guild. */
export interface StandInChannelInit {
  id?: string;
  name?: string;
  /** Discord channel type: 0 text (default), 11 public thread, 12 private thread, 2 voice, 4 category, 5 news. */
  type?: number;
  /** For threads: the text channel they live in (default: the guild's first text channel). */
  parentId?: string;
  /** For threads: who started it (defaults to the bot). */
  ownerId?: string;
}

/** A role in a configured guild. */
export interface StandInRoleInit {
  id?: string;
  name?: string;
  /** Permission bits, as bigint or decimal string. */
  permissions?: bigint | string;
}

/** A member in a configured guild. */
export interface StandInMemberInit {
  user: Partial<StandInUser> & { id: string };
  roles?: string[];
  nick?: string | null;
}

/** A guild to announce over the gateway (GUILD_CREATE) after READY. */
export interface StandInGuildInit {
  id?: string;
  name?: string;
  ownerId?: string;
  channels?: StandInChannelInit[];
  roles?: StandInRoleInit[];
  members?: StandInMemberInit[];
}

/** Options of {@link startDiscordStandIn}. */
export interface StandInOptions {
  /**
   * Guilds the bot is in. Default: one guild with a `general` text channel. Every guild also gets
   * an @everyone role, a managed role for the bot, the bot as member and the default `tester` user.
   */
  guilds?: StandInGuildInit[];
  /** The bot's user. Its id is also the application id unless `applicationId` is set. */
  botUser?: Partial<StandInUser>;
  applicationId?: string;
  /** Heartbeat interval announced in HELLO (ms). Default 41,250 like Discord. */
  heartbeatIntervalMs?: number;
  /** Shards recommended by `GET /gateway/bot`. Default 1. */
  recommendedShards?: number;
  /** Drop dispatches the client has no intent for and blank message content without Message Content, as Discord does. Default true. */
  enforceIntents?: boolean;
  /** Privileged intents "switched on in the developer portal"; asking for others closes with 4014. Default: all three. */
  allowedPrivilegedIntents?: number;
  /** Echo messages the bot creates or edits back as MESSAGE_CREATE / MESSAGE_UPDATE, as Discord does. Default true. */
  echoBotMessages?: boolean;
  /** Initial interaction response deadline in ms (Discord: 3,000); later callbacks get 404 Unknown interaction. 0 disables. */
  interactionDeadlineMs?: number;
  /** Largest total attachment size accepted per request (Discord: 10 MiB for bots in unboosted guilds). */
  maxUploadBytes?: number;
}

/** A file received in a multipart request. */
export interface RecordedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

/** Who would be pinged by a message, computed from its content and `allowed_mentions` as Discord does. */
export interface Pings {
  everyone: boolean;
  users: string[];
  roles: string[];
  repliedUser: boolean;
}

/** One HTTP request the stand-in answered. */
export interface RecordedRequest {
  method: string;
  /** Path below the API prefix (`/api/v10`), e.g. `/channels/1/messages`; attachment downloads keep their full path. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (for multipart: the parsed `payload_json`), or undefined. */
  body: any;
  files: RecordedFile[];
  /** Whether an `Authorization: Bot …` header came with it (the token itself is never recorded). */
  auth: 'bot' | 'none' | 'other';
  /** `X-Audit-Log-Reason`, when sent. */
  reason?: string;
  status: number;
  /** The JSON the stand-in answered with (undefined for 204). */
  response: any;
  /** Set when a fault injection answered this request instead of the normal handler. */
  fault?: '429' | '5xx' | 'interaction-callback' | 'delay';
  /** For message-creating or -editing requests: who Discord would ping. */
  pings?: Pings;
  /** ms since the epoch, when the request arrived. */
  time: number;
}

/** One thing that happened on the gateway. */
export interface GatewayRecord {
  type:
    | 'connect'
    | 'identify'
    | 'resume'
    | 'resumed'
    | 'invalid-session'
    | 'heartbeat'
    | 'presence'
    | 'request-members'
    | 'dispatch'
    | 'dropped'
    | 'close';
  /** Connection number (1, 2, …) in order of arrival. */
  connection: number;
  sessionId?: string;
  /** For dispatch / dropped: the event name. */
  event?: string;
  /** For close: the close code. */
  code?: number;
  seq?: number;
  intents?: number;
  shard?: [number, number];
  /** For connect: the URL path (`/gateway` or `/gateway-resume`) and query. */
  path?: string;
  query?: Record<string, string>;
  time: number;
}

/** Matches a request: `'POST /channels/:id/messages'` (`:x` = one segment, `*` = the rest; method optional), a RegExp tested on `"METHOD /path"`, or a function. */
export type RequestMatcher = string | RegExp | ((request: RecordedRequest) => boolean);

/** A slash-command or component interaction to dispatch; anything left out gets a realistic default. */
export interface InteractionInit {
  /** `command` (APPLICATION_COMMAND, default), `component` (MESSAGE_COMPONENT), `autocomplete`, or `modal` (MODAL_SUBMIT). */
  kind?: 'command' | 'component' | 'autocomplete' | 'modal';
  commandName?: string;
  /** Options by name (string → type 3, boolean → 5, integer → 4, other number → 10), or raw API options (for subcommands, explicit types). */
  options?: Record<string, string | number | boolean> | Array<Record<string, unknown>>;
  /** Attachment options by name: hosted by the stand-in and passed as type-11 options with `resolved.attachments`. `size` may lie, to test checks. */
  attachments?: Record<
    string,
    { filename: string; content: string | Buffer; contentType?: string; size?: number }
  >;
  /** Component / modal interactions: custom id, component type (2 = button, default), select values. */
  customId?: string;
  componentType?: number;
  values?: string[];
  /** Component interactions: id of the stored message holding the component; default a fresh bot message. */
  messageId?: string;
  /** Guild id, or null for a DM. Default: the default guild. */
  guildId?: string | null;
  channelId?: string;
  user?: Partial<StandInUser>;
  /** Member role ids (guild interactions). */
  roles?: string[];
  /** The member's permissions (bigint or decimal string); default a regular member's. */
  permissions?: bigint | string;
  locale?: string;
  /** Raw fields merged last into the payload. */
  raw?: Record<string, unknown>;
}

/** A user message to dispatch as MESSAGE_CREATE. */
export interface MessageInit {
  content?: string;
  channelId?: string;
  author?: Partial<StandInUser>;
  /** User ids mentioned; default: derived from `<@id>` in content plus the replied-to author. */
  mentions?: string[];
  /** Id of a stored message this one replies to (sets message_reference and referenced_message). */
  replyTo?: string;
  /** Member role ids of the author. */
  roles?: string[];
  id?: string;
  raw?: Record<string, unknown>;
}

/** Fault injection on the stand-in's REST API. Faults are consumed in the order they were added. */
export interface StandInFaults {
  /** The next request matching answers 429 with `Retry-After: retryAfterSec` (seconds, may be fractional). */
  rest429Once(matcher: RequestMatcher, retryAfterSec: number, options?: { global?: boolean }): void;
  /** The next `times` requests matching answer `status` (default 500). discord.js retries 5xx up to 3 times. */
  rest500(matcher: RequestMatcher, times: number, status?: number): void;
  /** The next `times` interaction callbacks fail (default 404 / code 10062 Unknown interaction). */
  failInteractionCallback(
    times: number,
    options?: { status?: number; code?: number; message?: string },
  ): void;
  /** The next `times` (default 1) requests matching are answered normally but only after `ms`. */
  delay(matcher: RequestMatcher, ms: number, times?: number): void;
  /** Removes every pending fault. */
  clear(): void;
}

/** A running stand-in. Close it (and every client) after each test. */
export interface DiscordStandIn {
  /** Pass as `rest: { api: restUrl }`; requests arrive at `${restUrl}/v10/...`. */
  restUrl: string;
  /** What `GET /gateway/bot` returns. */
  gatewayUrl: string;
  /** What READY announces as `resume_gateway_url`. */
  resumeGatewayUrl: string;
  applicationId: string;
  botUser: StandInUser;
  /** Default guild, channel and human user used when an init leaves them out. */
  defaults: { guildId: string; channelId: string; user: StandInUser };
  /** Guild ids with their channel ids (threads included) and role ids, as configured. */
  guilds: Array<{
    id: string;
    name: string;
    channelIds: string[];
    roleIds: string[];
    botRoleId: string;
  }>;
  /** Every answered request, in order. */
  requests: RecordedRequest[];
  /** Requests to routes the stand-in does not know (also in `requests`), answered 404 / 405. */
  unknownRoutes: RecordedRequest[];
  gatewayLog: GatewayRecord[];
  /** Messages known to the stand-in (sent by users or the bot, ephemeral ones included), by id. */
  messages: Map<string, any>;
  /** Registered application commands: `global` and per guild id. */
  commands: { global: any[]; guilds: Map<string, any[]> };
  /** Resolves with the first answered request (from index `from`, default 0) matching; rejects after `timeoutMs` (default 5,000) listing what arrived. */
  waitForRequest(
    matcher: RequestMatcher,
    timeoutMs?: number,
    options?: { from?: number },
  ): Promise<RecordedRequest>;
  /** Like waitForRequest, for gateway records. */
  waitForGateway(
    predicate: (record: GatewayRecord) => boolean,
    timeoutMs?: number,
    options?: { from?: number },
  ): Promise<GatewayRecord>;
  /**
   * Sends a dispatch to the identified sessions (those of the guild's shard for guild events), buffered
   * for replay while a session is disconnected. Returns how many sessions got it (0 when every session
   * lacks the intent). Throws when no client has identified yet.
   */
  dispatch(eventName: string, data: unknown): number;
  /** Dispatches INTERACTION_CREATE and returns the full payload (id, token …). */
  sendInteraction(init?: InteractionInit): any;
  /** Dispatches MESSAGE_CREATE, stores the message and returns it. */
  sendMessage(init?: MessageInit): any;
  /** Closes every live gateway connection with `code` (default 4000, which discord.js resumes from). */
  closeGatewayConnections(code?: number, options?: { invalidateSessions?: boolean }): Promise<void>;
  faults: StandInFaults;
  /** Stops everything: closes sockets and servers, rejects pending waits. Safe to call twice. */
  close(): Promise<void>;
}

const API_PREFIX = '/api/v10';
const MESSAGE_FLAGS = { SuppressEmbeds: 1 << 2, Ephemeral: 1 << 6, Loading: 1 << 7 } as const;
const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;

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

/** What the bot's role grants on top (what an invite link for this bot would ask for). */
export const BOT_PERMISSIONS = MEMBER_PERMISSIONS | PermissionFlagsBits.ManageThreads;

/** A bot token of the right shape (three dot-separated base64url parts) that is obviously fake. */
export function fakeBotToken(botUserId: string): string {
  return `${Buffer.from(botUserId).toString('base64url')}.STANDIN.not-a-real-token-only-for-the-loopback-stand-in`;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Client options that point discord.js at the stand-in (merge into your own ClientOptions).
 * Besides `rest.api`, they drop discord.js's identify spacing (up to 6.5 s between two IDENTIFYs
 * of a shard), which only exists to respect Discord's identify rate limit; the stand-in has none,
 * and tests that force a fresh session would otherwise wait for it.
 */
export function standInClientOptions(standIn: DiscordStandIn): Pick<ClientOptions, 'rest' | 'ws'> {
  return {
    rest: { api: standIn.restUrl },
    ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => undefined }) },
  };
}

/**
 * Creates a discord.js Client talking to the stand-in, logs it in with a fake token and resolves once
 * it is ready (READY and every GUILD_CREATE received). Destroy it in the test's cleanup.
 */
export async function createTestClient(
  standIn: DiscordStandIn,
  intents: GatewayIntentBits[] | number,
  options: Partial<ClientOptions> = {},
): Promise<Client<true>> {
  const pointed = standInClientOptions(standIn);
  const client = new Client({
    ...options,
    intents,
    rest: { ...options.rest, ...pointed.rest },
    ws: { ...pointed.ws, ...options.ws },
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      const seen = standIn.gatewayLog.map((r) => r.event ?? r.type).join(', ');
      reject(
        new Error(`discord.js client was not ready after 10 s; gateway log: ${seen || 'nothing'}`),
      );
    }, 10_000);
    client.once(Events.ClientReady, () => {
      clearTimeout(timer);
      resolve();
    });
  });
  try {
    await client.login(fakeBotToken(standIn.botUser.id));
    await ready;
  } catch (error) {
    await client.destroy();
    throw error;
  }
  return client as Client<true>;
}

interface Session {
  id: string;
  token: string;
  intents: number;
  shard: [number, number];
  seq: number;
  /** Every dispatch sent in this session, for replay on resume. */
  backlog: Json[];
  conn: Conn | null;
}

interface Conn {
  n: number;
  ws: WebSocket;
  session: Session | null;
  deflate: zlib.Deflate | null;
  identifyCompress: boolean;
  sendChain: Promise<void>;
}

interface InteractionState {
  id: string;
  token: string;
  payload: Json;
  createdAt: number;
  channelId: string;
  guildId: string | null;
  responded: boolean;
  callbackType?: number;
  originalMessageId?: string;
  /** For component interactions: the message holding the component. */
  sourceMessageId?: string;
  followups: Set<string>;
}

interface Fault {
  kind: '429' | '5xx' | 'interaction-callback' | 'delay';
  matches: (request: RecordedRequest) => boolean;
  remaining: number;
  status: number;
  code?: number;
  message?: string;
  retryAfterSec?: number;
  global?: boolean;
  ms?: number;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: Buffer;
}

interface Route {
  method: string;
  regex: RegExp;
  keys: string[];
  /** Whether Discord requires the bot token on this route (webhook/interaction routes authenticate by token in the URL). */
  auth: boolean;
  handle: (ctx: RequestContext, params: Record<string, string>) => Reply | Promise<Reply>;
}

interface RequestContext {
  record: RecordedRequest;
  body: Json;
}

/** Starts the stand-in on 127.0.0.1 (random port). */
export async function startDiscordStandIn(options: StandInOptions = {}): Promise<DiscordStandIn> {
  const heartbeatInterval = options.heartbeatIntervalMs ?? 41_250;
  const enforceIntents = options.enforceIntents ?? true;
  const allowedPrivileged = options.allowedPrivilegedIntents ?? PRIVILEGED_INTENTS;
  const echoBotMessages = options.echoBotMessages ?? true;
  const deadlineMs = options.interactionDeadlineMs ?? 3000;
  const maxUploadBytes = options.maxUploadBytes ?? 10 * 1024 * 1024;
  const recommendedShards = options.recommendedShards ?? 1;

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
  const requests: RecordedRequest[] = [];
  const unknownRoutes: RecordedRequest[] = [];
  const gatewayLog: GatewayRecord[] = [];
  const sessions = new Map<string, Session>();
  const connections = new Set<Conn>();
  const faults: Fault[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let connectionCount = 0;

  const nowIso = () => new Date().toISOString();
  const userJson = (user: StandInUser): Json => ({
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
    ...user,
  });
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
  const memberJson = (
    user: StandInUser,
    roles: string[] = [],
    nick: string | null = null,
  ): Json => ({
    user: userJson(user),
    nick,
    avatar: null,
    banner: null,
    roles,
    joined_at: nowIso(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  });

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
      channels.set(id, textChannelJson(id, guildId, c.name ?? `channel-${i + 1}`, type, i));
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

  function roleJson(id: string, name: string, permissions: bigint, position: number): Json {
    return {
      id,
      name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position,
      permissions: permissions.toString(),
      managed: false,
      mentionable: false,
      flags: 0,
    };
  }
  function textChannelJson(
    id: string,
    guildId: string,
    name: string,
    type: number,
    position: number,
  ): Json {
    return {
      id,
      type,
      guild_id: guildId,
      name,
      position,
      permission_overwrites: [],
      parent_id: null,
      topic: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      default_auto_archive_duration: 1440,
      flags: 0,
    };
  }
  function threadJson(
    id: string,
    guildId: string,
    parentId: string,
    name: string,
    type: number,
    ownerId: string,
  ): Json {
    return {
      id,
      type,
      guild_id: guildId,
      parent_id: parentId,
      owner_id: ownerId,
      name,
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      flags: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: nowIso(),
        locked: false,
        create_timestamp: nowIso(),
      },
    };
  }
  const isThread = (channel: Json | undefined) =>
    channel?.type === 10 || channel?.type === 11 || channel?.type === 12;

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

  // ---- recording and waiting ----------------------------------------------------------------
  type Waiter<T> = {
    test: (item: T) => boolean;
    from: number;
    resolve: (item: T) => void;
    reject: (e: Error) => void;
    timer: NodeJS.Timeout;
  };
  const requestWaiters = new Set<Waiter<RecordedRequest>>();
  const gatewayWaiters = new Set<Waiter<GatewayRecord>>();

  function describeRequest(r: RecordedRequest): string {
    const body = r.body === undefined ? '' : ` ${JSON.stringify(r.body).slice(0, 160)}`;
    return `${r.method} ${r.path} → ${r.status}${r.fault ? ` (fault ${r.fault})` : ''}${body}`;
  }
  function describeGateway(r: GatewayRecord): string {
    return `#${r.connection} ${r.type}${r.event ? ` ${r.event}` : ''}${r.code !== undefined ? ` ${r.code}` : ''}${r.seq !== undefined ? ` s=${r.seq}` : ''}`;
  }

  function waitFor<T>(
    list: T[],
    waiters: Set<Waiter<T>>,
    test: (item: T) => boolean,
    description: string,
    timeoutMs: number,
    from: number,
    describe: (item: T) => string,
  ): Promise<T> {
    const found = list.slice(from).find(test);
    if (found) return Promise.resolve(found);
    if (closed)
      return Promise.reject(new Error(`discord-standin is closed; was waiting for ${description}`));
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        test,
        from,
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters.delete(waiter);
          const seen = list.slice(from).map((item) => `  ${describe(item)}`);
          reject(
            new Error(
              `discord-standin: nothing matched ${description} within ${timeoutMs} ms. Received ${seen.length}:\n${seen.join('\n') || '  (nothing)'}`,
            ),
          );
        }, timeoutMs),
      };
      waiters.add(waiter);
    });
  }
  function notify<T>(list: T[], waiters: Set<Waiter<T>>, item: T): void {
    const index = list.length - 1;
    for (const waiter of waiters) {
      if (index >= waiter.from && waiter.test(item)) {
        clearTimeout(waiter.timer);
        waiters.delete(waiter);
        waiter.resolve(item);
      }
    }
  }
  function logGateway(record: Omit<GatewayRecord, 'time'>): void {
    const full = { ...record, time: Date.now() };
    gatewayLog.push(full);
    notify(gatewayLog, gatewayWaiters, full);
  }

  // ---- gateway ------------------------------------------------------------------------------
  function send(conn: Conn, payload: Json): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(payload);
    if (conn.deflate) {
      const deflate = conn.deflate;
      // One shared deflate stream, flushed per payload: the client inflates up to each 00 00 FF FF marker.
      conn.sendChain = conn.sendChain.then(
        () =>
          new Promise<void>((resolve) => {
            const chunks: Buffer[] = [];
            const onData = (chunk: Buffer) => chunks.push(chunk);
            deflate.on('data', onData);
            deflate.write(text);
            deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
              deflate.off('data', onData);
              if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(Buffer.concat(chunks));
              resolve();
            });
          }),
      );
    } else if (conn.identifyCompress && payload.op === 0) {
      conn.ws.send(zlib.deflateSync(text));
    } else {
      conn.ws.send(text);
    }
  }

  function shardOf(guildId: string, count: number): number {
    return Number((BigInt(guildId) >> 22n) % BigInt(count));
  }

  /** Queues one dispatch for a session, as Discord would: intent-gated, sequenced, kept for resume. */
  function dispatchTo(session: Session, event: string, data: Json): boolean {
    const needed = enforceIntents ? intentFor(event, data) : 0;
    const connection = session.conn?.n ?? 0;
    if (needed !== 0 && (session.intents & needed) === 0) {
      logGateway({ type: 'dropped', connection, sessionId: session.id, event });
      return false;
    }
    let d = data;
    if (
      enforceIntents &&
      (event === 'MESSAGE_CREATE' || event === 'MESSAGE_UPDATE') &&
      (session.intents & INTENT.MessageContent) === 0
    ) {
      d = withoutContent(data, botUser.id);
    }
    const frame = { op: 0, t: event, s: ++session.seq, d };
    session.backlog.push(frame);
    if (session.backlog.length > 2000) session.backlog.shift();
    if (session.conn) send(session.conn, frame);
    logGateway({ type: 'dispatch', connection, sessionId: session.id, event, seq: frame.s });
    return true;
  }

  function dispatch(eventName: string, data: unknown): number {
    if (sessions.size === 0) {
      throw new Error(
        `discord-standin: cannot dispatch ${eventName}: no client has identified yet (await createTestClient first)`,
      );
    }
    const payload = (data ?? {}) as Json;
    const guildId = typeof payload.guild_id === 'string' ? payload.guild_id : undefined;
    let count = 0;
    for (const session of sessions.values()) {
      const [shardId, shardCount] = session.shard;
      const target = guildId ? shardOf(guildId, shardCount) : 0;
      if (target === shardId && dispatchTo(session, eventName, payload)) count++;
    }
    return count;
  }

  function echo(event: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: Json): void {
    if (!echoBotMessages || sessions.size === 0) return;
    if ((Number(message.flags) & MESSAGE_FLAGS.Ephemeral) !== 0) return; // only the invoking user sees those
    dispatch(event, message);
  }

  function startSession(conn: Conn, d: Json): void {
    const token = typeof d.token === 'string' ? d.token.replace(/^Bot\s+/i, '') : '';
    if (!TOKEN_SHAPE.test(token)) return closeConn(conn, 4004, 'Authentication failed.');
    const intents = Number(d.intents);
    if (!Number.isInteger(intents) || intents < 0)
      return closeConn(conn, 4013, 'Invalid intent(s).');
    if ((intents & PRIVILEGED_INTENTS & ~allowedPrivileged) !== 0)
      return closeConn(conn, 4014, 'Disallowed intent(s).');
    const shard: [number, number] = Array.isArray(d.shard)
      ? [Number(d.shard[0]), Number(d.shard[1])]
      : [0, 1];
    if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1]))
      return closeConn(conn, 4010, 'Invalid shard.');
    if (d.compress === true) conn.identifyCompress = true;

    const session: Session = {
      id: snowflake() + 'session',
      token,
      intents,
      shard,
      seq: 0,
      backlog: [],
      conn,
    };
    sessions.set(session.id, session);
    conn.session = session;
    logGateway({ type: 'identify', connection: conn.n, sessionId: session.id, intents, shard });

    const myGuilds = [...guilds.keys()].filter((id) => shardOf(id, shard[1]) === shard[0]);
    dispatchTo(session, 'READY', {
      v: 10,
      user: { ...userJson(botUser), verified: true, mfa_enabled: false, email: null },
      guilds: myGuilds.map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: resumeGatewayUrl,
      shard,
      application: { id: applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['loopback'],
      user_settings: {},
      _trace: ['["discord-standin",{"micros":0}]'],
    });
    for (const id of myGuilds) dispatchTo(session, 'GUILD_CREATE', guildCreatePayload(id));
  }

  function resumeSession(conn: Conn, d: Json): void {
    const session = typeof d.session_id === 'string' ? sessions.get(d.session_id) : undefined;
    const token = typeof d.token === 'string' ? d.token.replace(/^Bot\s+/i, '') : '';
    const seq = Number(d.seq ?? 0);
    const oldest = session?.backlog[0]?.s ?? Infinity;
    logGateway({ type: 'resume', connection: conn.n, sessionId: d.session_id, seq });
    if (
      !session ||
      session.token !== token ||
      seq > session.seq ||
      (seq + 1 < oldest && seq < session.seq)
    ) {
      logGateway({ type: 'invalid-session', connection: conn.n, sessionId: d.session_id });
      send(conn, { op: 9, d: false });
      return;
    }
    if (session.conn && session.conn !== conn)
      closeConn(session.conn, 4009, 'Session resumed elsewhere.');
    session.conn = conn;
    conn.session = session;
    for (const frame of session.backlog) if (frame.s > seq) send(conn, frame);
    dispatchTo(session, 'RESUMED', { _trace: ['["discord-standin",{"micros":0}]'] });
    logGateway({ type: 'resumed', connection: conn.n, sessionId: session.id, seq: session.seq });
  }

  function closeConn(conn: Conn, code: number, reason: string): void {
    if (conn.ws.readyState === WebSocket.OPEN || conn.ws.readyState === WebSocket.CONNECTING)
      conn.ws.close(code, reason);
  }

  /** Close codes after which discord.js identifies afresh (or gives up), so Discord forgets the session. */
  const SESSION_ENDING_CODES = new Set([
    1000, 1001, 4003, 4004, 4005, 4007, 4008, 4010, 4011, 4012, 4013, 4014,
  ]);

  function onGatewayMessage(conn: Conn, raw: RawData): void {
    let payload: Json;
    try {
      payload = JSON.parse(raw.toString());
    } catch {
      return closeConn(conn, 4002, 'Error while decoding payload.');
    }
    switch (payload.op) {
      case 1:
        logGateway({
          type: 'heartbeat',
          connection: conn.n,
          sessionId: conn.session?.id,
          seq: payload.d ?? undefined,
        });
        send(conn, { op: 11 });
        return;
      case 2:
        if (conn.session) return closeConn(conn, 4005, 'Already authenticated.');
        return startSession(conn, payload.d ?? {});
      case 6:
        if (conn.session) return closeConn(conn, 4005, 'Already authenticated.');
        return resumeSession(conn, payload.d ?? {});
      case 3:
      case 4:
      case 8: {
        if (!conn.session) return closeConn(conn, 4003, 'Not authenticated.');
        if (payload.op === 3)
          logGateway({ type: 'presence', connection: conn.n, sessionId: conn.session.id });
        if (payload.op === 8) {
          logGateway({ type: 'request-members', connection: conn.n, sessionId: conn.session.id });
          const guild = guilds.get(String(payload.d?.guild_id));
          if (guild) {
            dispatchTo(conn.session, 'GUILD_MEMBERS_CHUNK', {
              guild_id: guild.api.id,
              members: [...guild.members.values()],
              chunk_index: 0,
              chunk_count: 1,
              not_found: [],
              nonce: payload.d?.nonce,
            });
          }
        }
        return;
      }
      default:
        return closeConn(conn, 4001, 'Unknown opcode.');
    }
  }

  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const conn: Conn = {
      n: ++connectionCount,
      ws,
      session: null,
      deflate: null,
      identifyCompress: false,
      sendChain: Promise.resolve(),
    };
    connections.add(conn);
    logGateway({ type: 'connect', connection: conn.n, path: url.pathname, query });
    ws.on('message', (data) => onGatewayMessage(conn, data));
    ws.on('error', () => undefined); // a reset socket is reported through 'close' too
    ws.on('close', (code) => {
      connections.delete(conn);
      conn.deflate?.close();
      logGateway({ type: 'close', connection: conn.n, sessionId: conn.session?.id, code });
      const session = conn.session;
      if (session && session.conn === conn) {
        session.conn = null;
        if (SESSION_ENDING_CODES.has(code)) sessions.delete(session.id);
      }
    });
    if (query.v !== undefined && query.v !== '10')
      return closeConn(conn, 4012, 'Invalid API version.');
    if (query.encoding !== undefined && query.encoding !== 'json')
      return closeConn(conn, 4002, 'This stand-in speaks encoding=json only.');
    if (query.compress === 'zlib-stream') conn.deflate = zlib.createDeflate({ chunkSize: 65_535 });
    else if (query.compress !== undefined)
      return closeConn(conn, 4000, `Unsupported compress=${query.compress}.`);
    send(conn, {
      op: 10,
      d: { heartbeat_interval: heartbeatInterval, _trace: ['["discord-standin",{"micros":0}]'] },
    });
  });

  async function closeGatewayConnections(
    code = 4000,
    closeOptions: { invalidateSessions?: boolean } = {},
  ): Promise<void> {
    const closing = [...connections].map(
      (conn) =>
        new Promise<void>((resolve) => {
          if (conn.ws.readyState === WebSocket.CLOSED) return resolve();
          const force = setTimeout(() => conn.ws.terminate(), 2000);
          conn.ws.once('close', () => {
            clearTimeout(force);
            resolve();
          });
          closeConn(conn, code, 'Closed by the stand-in.');
        }),
    );
    await Promise.all(closing);
    // A server-side close never ends a session by itself unless asked: the client decides by the code.
    if (closeOptions.invalidateSessions) sessions.clear();
  }

  // ---- messages -----------------------------------------------------------------------------
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

  function hostFile(
    channelId: string,
    filename: string,
    data: Buffer,
    contentType: string,
    declaredSize?: number,
  ): Json {
    const id = snowflake();
    const safeName = encodeURIComponent(filename.replace(/[/\\]/g, '_'));
    hosted.set(id, { data, contentType });
    const url = `${baseUrl}/attachments/${channelId}/${id}/${safeName}`;
    return {
      id,
      filename,
      size: declaredSize ?? data.length,
      url,
      proxy_url: url,
      content_type: contentType,
    };
  }

  function attachmentsFrom(channelId: string, body: Json, files: RecordedFile[]): Json[] {
    const described: Json[] = Array.isArray(body.attachments) ? body.attachments : [];
    return files.map((file, i) => {
      const meta = described.find((a) => String(a.id) === String(i)) ?? {};
      const attachment = hostFile(
        channelId,
        meta.filename ?? file.filename,
        file.data,
        file.contentType,
      );
      return meta.description ? { ...attachment, description: meta.description } : attachment;
    });
  }

  function normaliseEmbeds(embeds: unknown): Json[] {
    return Array.isArray(embeds) ? embeds.map((e: Json) => ({ type: 'rich', ...e })) : [];
  }

  function withPings(
    record: RecordedRequest,
    message: Json,
    body: Json,
    repliedUserId?: string,
  ): void {
    const pings = computePings(
      body.content ?? message.content,
      body.allowed_mentions,
      repliedUserId,
    );
    record.pings = pings;
    message.mentions = pings.users.map((id) => userJson(knownUser({ id })));
    message.mention_roles = pings.roles;
    message.mention_everyone = pings.everyone;
  }

  /** Creates a message written by the bot, after checking it the way Discord does. */
  function createBotMessage(
    ctx: RequestContext,
    channelId: string,
    body: Json,
    extra: {
      type?: number;
      interaction?: InteractionState;
      flags?: number;
      loading?: boolean;
    } = {},
  ): Json {
    validateMessageBody(body, !extra.loading, ctx.record.files.length);
    const channel = channels.get(channelId);
    let referenced: Json | undefined;
    const reference = body.message_reference;
    if (reference?.message_id !== undefined) {
      referenced = messages.get(String(reference.message_id));
      const sameChannel = referenced?.channel_id === (reference.channel_id ?? channelId);
      if ((!referenced || !sameChannel) && reference.fail_if_not_exists !== false) {
        throw formBodyError([
          {
            path: ['message_reference'],
            code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE',
            message: 'Unknown message',
          },
        ]);
      }
      if (!sameChannel) referenced = undefined;
    }
    const interaction = extra.interaction;
    const message: Json = {
      id: snowflake(),
      type: extra.type ?? (referenced ? 19 : 0),
      content: typeof body.content === 'string' ? body.content : '',
      channel_id: channelId,
      ...(channel?.guild_id ? { guild_id: channel.guild_id } : {}),
      author: userJson(botUser),
      attachments: attachmentsFrom(channelId, body, ctx.record.files),
      embeds: normaliseEmbeds(body.embeds),
      components: Array.isArray(body.components) ? body.components : [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: Boolean(body.tts),
      timestamp: nowIso(),
      edited_timestamp: null,
      // Ephemeral and loading only come from an interaction response, never from the body of a channel message.
      flags:
        (Number(body.flags ?? 0) & ~(MESSAGE_FLAGS.Loading | MESSAGE_FLAGS.Ephemeral)) |
        (extra.flags ?? 0),
      ...(body.nonce !== undefined ? { nonce: body.nonce } : {}),
      ...(isThread(channel) ? { position: channel?.total_message_sent ?? 0 } : {}),
    };
    if (referenced) {
      message.message_reference = {
        type: 0,
        message_id: referenced.id,
        channel_id: referenced.channel_id,
        guild_id: referenced.guild_id,
      };
      message.referenced_message = referenced;
    }
    if (interaction) {
      message.webhook_id = applicationId;
      message.application_id = applicationId;
      message.interaction_metadata = {
        id: interaction.id,
        type: interaction.payload.type,
        user: userJson(
          knownUser({ id: interaction.payload.member?.user?.id ?? interaction.payload.user?.id }),
        ),
        authorizing_integration_owners: interaction.payload.authorizing_integration_owners,
      };
    }
    withPings(ctx.record, message, body, referenced?.author?.id);
    return storeMessage(message);
  }

  /** Applies an edit to a stored message the way Discord does (only fields present change). */
  function editMessage(ctx: RequestContext, message: Json, body: Json): Json {
    validateMessageBody(body, false, ctx.record.files.length);
    if (body.content !== undefined) message.content = body.content ?? '';
    if (body.embeds !== undefined) message.embeds = normaliseEmbeds(body.embeds ?? []);
    if (body.components !== undefined) message.components = body.components ?? [];
    if (body.attachments !== undefined || ctx.record.files.length > 0) {
      const keep: Json[] = Array.isArray(body.attachments) ? body.attachments : message.attachments;
      const kept = (message.attachments as Json[]).filter((a) =>
        keep.some((k) => String(k.id) === a.id),
      );
      message.attachments = [
        ...kept,
        ...attachmentsFrom(message.channel_id, body, ctx.record.files),
      ];
    }
    if (body.flags !== undefined && body.flags !== null) {
      const suppress = Number(body.flags) & MESSAGE_FLAGS.SuppressEmbeds;
      message.flags = (Number(message.flags) & ~MESSAGE_FLAGS.SuppressEmbeds) | suppress;
    }
    message.flags = Number(message.flags) & ~MESSAGE_FLAGS.Loading;
    const empty =
      !message.content &&
      message.embeds.length === 0 &&
      message.attachments.length === 0 &&
      message.components.length === 0;
    if (empty) throw new ApiError(400, 50006, 'Cannot send an empty message');
    message.edited_timestamp = nowIso();
    // Counted conservatively: the first edit of a deferred reply does notify in Discord.
    withPings(ctx.record, message, body, message.referenced_message?.author?.id);
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

  function createThread(ctx: RequestContext, parentId: string, startMessageId?: string): Reply {
    const parent = findChannel(parentId);
    if (isThread(parent))
      throw new ApiError(400, 50024, 'Cannot execute action on this channel type');
    const name = ctx.body.name;
    if (typeof name !== 'string' || name.length < 1 || name.length > 100) {
      throw formBodyError([
        {
          path: ['name'],
          code: 'BASE_TYPE_BAD_LENGTH',
          message: 'Must be between 1 and 100 in length.',
        },
      ]);
    }
    let id: string;
    let type: number;
    if (startMessageId) {
      findMessageIn(parentId, startMessageId);
      if (channels.has(startMessageId))
        throw new ApiError(400, 160004, 'A thread has already been created for this message');
      id = startMessageId; // Discord gives a thread started from a message the message's id
      type = parent.type === 5 ? 10 : 11;
    } else {
      id = snowflake();
      type = Number(ctx.body.type ?? 12);
    }
    const thread = threadJson(id, parent.guild_id, parentId, name, type, botUser.id);
    thread.thread_metadata.auto_archive_duration = Number(
      ctx.body.auto_archive_duration ?? parent.default_auto_archive_duration ?? 1440,
    );
    channels.set(id, thread);
    guilds.get(parent.guild_id)?.channelIds.push(id);
    const payload = {
      ...thread,
      newly_created: true,
      member: { id, user_id: botUser.id, join_timestamp: nowIso(), flags: 0 },
    };
    if (sessions.size > 0) dispatch('THREAD_CREATE', payload);
    return { status: 201, body: payload };
  }

  // ---- interactions -------------------------------------------------------------------------
  function interactionForCallback(id: string, token: string): InteractionState {
    const state = interactions.get(token);
    if (!state || state.id !== id) throw new ApiError(404, 10062, 'Unknown interaction');
    if (state.responded)
      throw new ApiError(400, 40060, 'Interaction has already been acknowledged.');
    if (deadlineMs > 0 && Date.now() - state.createdAt > deadlineMs)
      throw new ApiError(404, 10062, 'Unknown interaction');
    return state;
  }
  function interactionForWebhook(appId: string, token: string): InteractionState {
    const state = interactions.get(token);
    if (
      appId !== applicationId ||
      !state ||
      Date.now() - state.createdAt > INTERACTION_TOKEN_LIFETIME_MS
    ) {
      throw new ApiError(404, 10015, 'Unknown Webhook');
    }
    return state;
  }
  function webhookMessage(state: InteractionState, messageId: string): Json {
    const id = messageId === '@original' ? state.originalMessageId : messageId;
    const message = id ? messages.get(id) : undefined;
    const belongs = id !== undefined && (id === state.originalMessageId || state.followups.has(id));
    if (!message || !belongs) throw new ApiError(404, 10008, 'Unknown Message');
    return message;
  }

  function interactionCallback(ctx: RequestContext, params: Record<string, string>): Reply {
    const state = interactionForCallback(params.id!, params.token!);
    const type = Number(ctx.body.type);
    const data: Json = ctx.body.data ?? {};
    const kind = state.payload.type as number; // 2 command, 3 component, 4 autocomplete, 5 modal
    const invalid = () =>
      formBodyError([
        {
          path: ['type'],
          code: 'INTERACTION_CALLBACK_TYPE_INVALID',
          message: 'Interaction callback type is not valid for this interaction.',
        },
      ]);
    let message: Json | undefined;
    switch (type) {
      case 4:
        if (kind === 4) throw invalid();
        message = createBotMessage(ctx, state.channelId, data, {
          type: kind === 2 ? 20 : 0,
          interaction: state,
          flags: Number(data.flags ?? 0) & MESSAGE_FLAGS.Ephemeral,
        });
        state.originalMessageId = message.id;
        break;
      case 5:
        if (kind === 4) throw invalid();
        message = createBotMessage(
          ctx,
          state.channelId,
          { ...data, content: '' },
          {
            type: kind === 2 ? 20 : 0,
            interaction: state,
            loading: true,
            flags: MESSAGE_FLAGS.Loading | (Number(data.flags ?? 0) & MESSAGE_FLAGS.Ephemeral),
          },
        );
        state.originalMessageId = message.id;
        break;
      case 6:
      case 7:
        if (kind !== 3 && kind !== 5) throw invalid();
        if (!state.sourceMessageId) throw invalid();
        message = messages.get(state.sourceMessageId);
        if (!message) throw new ApiError(404, 10008, 'Unknown Message');
        if (type === 7) editMessage(ctx, message, data);
        state.originalMessageId = message.id;
        break;
      case 8:
        if (kind !== 4) throw invalid();
        if (!Array.isArray(data.choices) || data.choices.length > 25) {
          throw formBodyError([
            {
              path: ['data', 'choices'],
              code: 'BASE_TYPE_MAX_LENGTH',
              message: 'Must be 25 or fewer in length.',
            },
          ]);
        }
        break;
      case 9:
        if (kind === 4 || kind === 5) throw invalid();
        break;
      default:
        throw invalid();
    }
    // Only a valid response consumes the interaction: a refused one may be retried, as in Discord.
    state.responded = true;
    state.callbackType = type;
    if (message && type !== 6) echo(type === 7 ? 'MESSAGE_UPDATE' : 'MESSAGE_CREATE', message);
    if (ctx.record.query.with_response !== 'true') return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: state.id,
          type: kind,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: type === 5,
          response_message_ephemeral: message
            ? (Number(message.flags) & MESSAGE_FLAGS.Ephemeral) !== 0
            : false,
        },
        resource: { type, ...(message ? { message } : {}) },
      },
    };
  }

  function commandOptions(
    init: InteractionInit,
    channelId: string,
  ): { options: Json[]; resolved?: Json } {
    if (Array.isArray(init.options)) return { options: init.options as Json[] };
    const options: Json[] = Object.entries(init.options ?? {}).map(([name, value]) => {
      const type =
        typeof value === 'string'
          ? 3
          : typeof value === 'boolean'
            ? 5
            : Number.isInteger(value)
              ? 4
              : 10;
      return { name, type, value };
    });
    const attachments: Json = {};
    for (const [name, file] of Object.entries(init.attachments ?? {})) {
      const data = typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
      const attachment = hostFile(
        channelId,
        file.filename,
        data,
        file.contentType ?? 'text/plain; charset=utf-8',
        file.size,
      );
      attachments[attachment.id] = { ...attachment, ephemeral: true };
      options.push({ name, type: 11, value: attachment.id });
    }
    return Object.keys(attachments).length > 0
      ? { options, resolved: { attachments } }
      : { options };
  }

  function commandId(name: string, guildId: string | null): string {
    const registered = [
      ...(guildId ? (commands.guilds.get(guildId) ?? []) : []),
      ...commands.global,
    ].find((c) => c.name === name);
    return registered?.id ?? commandIds.get(name) ?? commandIds.set(name, snowflake()).get(name)!;
  }
  const commandIds = new Map<string, string>();

  function sendInteraction(init: InteractionInit = {}): Json {
    const guildId = init.guildId === undefined ? firstGuild.api.id : init.guildId;
    const channelId =
      init.channelId ??
      (guildId
        ? (guilds.get(guildId)?.channelIds.find((id) => channels.get(id)?.type === 0) ??
          defaultChannelId)
        : snowflake());
    const user = knownUser({ ...init.user, id: init.user?.id ?? testerUser.id });
    const guild = guildId ? guilds.get(guildId) : undefined;
    if (guildId && !guild)
      throw new Error(
        `discord-standin: unknown guild ${guildId}; configured: ${[...guilds.keys()].join(', ')}`,
      );
    let channel = channels.get(channelId);
    if (!channel) {
      if (guildId)
        throw new Error(`discord-standin: unknown channel ${channelId} in guild ${guildId}`);
      channel = {
        id: channelId,
        type: 1,
        last_message_id: null,
        flags: 0,
        recipients: [userJson(user)],
      };
      channels.set(channelId, channel);
    }
    const id = snowflake();
    const token = `standin-interaction-${id}-not-a-secret`;
    const kind = init.kind ?? 'command';
    const permissions = BigInt(init.permissions ?? MEMBER_PERMISSIONS).toString();
    let data: Json;
    let sourceMessage: Json | undefined;
    if (kind === 'command' || kind === 'autocomplete') {
      const name = init.commandName ?? 'ask';
      const { options, resolved } = commandOptions(init, channelId);
      data = {
        id: commandId(name, guildId),
        name,
        type: 1,
        options,
        ...(resolved ? { resolved } : {}),
        ...(guildId ? { guild_id: guildId } : {}),
      };
    } else if (kind === 'component') {
      data = {
        custom_id: init.customId ?? 'button',
        component_type: init.componentType ?? 2,
        ...(init.values ? { values: init.values } : {}),
      };
      sourceMessage = init.messageId ? messages.get(init.messageId) : undefined;
      if (init.messageId && !sourceMessage)
        throw new Error(
          `discord-standin: no stored message ${init.messageId} to attach the component to`,
        );
      sourceMessage ??= storeMessage({
        id: snowflake(),
        type: 0,
        content: 'A message with a button',
        channel_id: channelId,
        ...(guildId ? { guild_id: guildId } : {}),
        author: userJson(botUser),
        attachments: [],
        embeds: [],
        components: [
          {
            type: 1,
            components: [{ type: 2, style: 2, label: 'Press', custom_id: data.custom_id }],
          },
        ],
        mentions: [],
        mention_roles: [],
        mention_everyone: false,
        pinned: false,
        tts: false,
        timestamp: nowIso(),
        edited_timestamp: null,
        flags: 0,
      });
    } else {
      data = { custom_id: init.customId ?? 'modal', components: [] };
    }
    const payload: Json = {
      id,
      application_id: applicationId,
      type: { command: 2, component: 3, autocomplete: 4, modal: 5 }[kind],
      data,
      ...(guildId
        ? { guild_id: guildId, guild: { id: guildId, locale: 'en-US', features: [] } }
        : {}),
      channel_id: channelId,
      channel: { ...channel, ...(guildId ? { permissions } : {}) },
      ...(guildId
        ? { member: { ...memberJson(user, init.roles ?? [], null), permissions } }
        : { user: userJson(user) }),
      token,
      version: 1,
      app_permissions: (MEMBER_PERMISSIONS | BOT_PERMISSIONS).toString(),
      locale: init.locale ?? 'en-US',
      ...(guildId ? { guild_locale: 'en-US' } : {}),
      entitlements: [],
      authorizing_integration_owners: guildId ? { '0': guildId } : { '1': user.id },
      context: guildId ? 0 : 1,
      attachment_size_limit: maxUploadBytes,
      ...(sourceMessage ? { message: sourceMessage } : {}),
      ...init.raw,
    };
    interactions.set(token, {
      id,
      token,
      payload,
      createdAt: Date.now(),
      channelId,
      guildId,
      responded: false,
      ...(sourceMessage ? { sourceMessageId: sourceMessage.id } : {}),
      followups: new Set(),
    });
    dispatch('INTERACTION_CREATE', payload);
    return payload;
  }

  /** MESSAGE_CREATE carries the author's member object without its `user` (that is `author`). */
  function memberWithoutUser(user: StandInUser, roles: string[]): Json {
    const { user: _user, ...member } = memberJson(user, roles);
    return member;
  }

  function sendMessage(init: MessageInit = {}): Json {
    const channelId = init.channelId ?? defaultChannelId;
    const channel = channels.get(channelId);
    if (!channel) {
      throw new Error(
        `discord-standin: unknown channel ${channelId}: discord.js drops messages for uncached channels. Known: ${[...channels.keys()].join(', ')}`,
      );
    }
    const author = knownUser({ ...init.author, id: init.author?.id ?? testerUser.id });
    const content = init.content ?? '';
    const referenced = init.replyTo ? messages.get(init.replyTo) : undefined;
    if (init.replyTo && !referenced)
      throw new Error(`discord-standin: cannot reply to unknown message ${init.replyTo}`);
    const mentionIds = init.mentions ?? [
      ...new Set([
        ...[...content.matchAll(/<@!?(\d{1,20})>/g)].map((m) => m[1]!),
        ...(referenced ? [referenced.author.id as string] : []),
      ]),
    ];
    const message: Json = {
      id: init.id ?? snowflake(),
      type: referenced ? 19 : 0,
      content,
      channel_id: channelId,
      ...(channel.guild_id ? { guild_id: channel.guild_id } : {}),
      author: userJson(author),
      ...(channel.guild_id ? { member: memberWithoutUser(author, init.roles ?? []) } : {}),
      attachments: [],
      embeds: [],
      components: [],
      mentions: mentionIds.map((id) => userJson(knownUser({ id }))),
      mention_roles: [...content.matchAll(/<@&(\d{1,20})>/g)].map((m) => m[1]!),
      mention_everyone: /@(everyone|here)/.test(content),
      pinned: false,
      tts: false,
      timestamp: nowIso(),
      edited_timestamp: null,
      flags: 0,
      nonce: snowflake(),
      ...(isThread(channel) ? { position: channel.total_message_sent ?? 0 } : {}),
      ...(referenced
        ? {
            message_reference: {
              type: 0,
              message_id: referenced.id,
              channel_id: referenced.channel_id,
              guild_id: referenced.guild_id,
            },
            referenced_message: referenced,
          }
        : {}),
      ...init.raw,
    };
    storeMessage(message);
    dispatch('MESSAGE_CREATE', message);
    return message;
  }

  // ---- commands -----------------------------------------------------------------------------
  const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
  function validateCommands(list: unknown): Json[] {
    if (!Array.isArray(list))
      throw formBodyError([{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }]);
    if (list.length > 100)
      throw formBodyError([
        { path: [], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' },
      ]);
    const problems: Parameters<typeof formBodyError>[0] = [];
    const seen = new Set<string>();
    list.forEach((command: Json, i) => {
      const chatInput = (command.type ?? 1) === 1;
      if (
        typeof command.name !== 'string' ||
        !COMMAND_NAME.test(command.name) ||
        (chatInput && command.name !== command.name.toLowerCase())
      ) {
        problems.push({
          path: [i, 'name'],
          code: 'APPLICATION_COMMAND_INVALID_NAME',
          message: 'Command name is invalid',
        });
      }
      const key = `${command.type ?? 1}:${command.name}`;
      if (seen.has(key))
        problems.push({
          path: [i, 'name'],
          code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
          message: 'Application command names must be unique',
        });
      seen.add(key);
      if (
        chatInput &&
        (typeof command.description !== 'string' ||
          command.description.length < 1 ||
          command.description.length > 100)
      ) {
        problems.push({
          path: [i, 'description'],
          code: 'BASE_TYPE_BAD_LENGTH',
          message: 'Must be between 1 and 100 in length.',
        });
      }
      checkOptions(command.options ?? [], [i, 'options'], problems);
    });
    if (problems.length > 0) throw formBodyError(problems);
    return list as Json[];
  }
  function checkOptions(
    options: Json[],
    path: Array<string | number>,
    problems: Parameters<typeof formBodyError>[0],
  ): void {
    if (options.length > 25)
      problems.push({
        path,
        code: 'BASE_TYPE_MAX_LENGTH',
        message: 'Must be 25 or fewer in length.',
      });
    let optionalSeen = false;
    options.forEach((option, j) => {
      if (
        typeof option.name !== 'string' ||
        !COMMAND_NAME.test(option.name) ||
        option.name !== option.name.toLowerCase()
      ) {
        problems.push({
          path: [...path, j, 'name'],
          code: 'APPLICATION_COMMAND_INVALID_NAME',
          message: 'Command name is invalid',
        });
      }
      if (
        typeof option.description !== 'string' ||
        option.description.length < 1 ||
        option.description.length > 100
      ) {
        problems.push({
          path: [...path, j, 'description'],
          code: 'BASE_TYPE_BAD_LENGTH',
          message: 'Must be between 1 and 100 in length.',
        });
      }
      if (Array.isArray(option.choices) && option.choices.length > 25) {
        problems.push({
          path: [...path, j, 'choices'],
          code: 'BASE_TYPE_MAX_LENGTH',
          message: 'Must be 25 or fewer in length.',
        });
      }
      if (option.type === 1 || option.type === 2) {
        checkOptions(option.options ?? [], [...path, j, 'options'], problems);
      } else if (option.required) {
        if (optionalSeen)
          problems.push({
            path: [...path, j, 'required'],
            code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
            message: 'Required options must be placed before non-required options',
          });
      } else {
        optionalSeen = true;
      }
    });
  }
  function registerCommands(existing: Json[], list: Json[], guildId?: string): Json[] {
    return list.map((command) => ({
      id:
        existing.find((c) => c.name === command.name && (c.type ?? 1) === (command.type ?? 1))
          ?.id ?? snowflake(),
      application_id: applicationId,
      version: snowflake(),
      type: 1,
      name_localizations: null,
      description: '',
      description_localizations: null,
      default_member_permissions: null,
      dm_permission: true,
      nsfw: false,
      integration_types: [0],
      contexts: null,
      ...command,
      ...(guildId ? { guild_id: guildId } : {}),
    }));
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

  // ---- REST routes --------------------------------------------------------------------------
  const routes: Route[] = [];
  function route(method: string, pattern: string, handle: Route['handle'], auth = true): void {
    const keys: string[] = [];
    const source = pattern
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        keys.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    routes.push({ method, regex: new RegExp(`^${source}$`), keys, auth, handle });
  }
  const ok = (body: unknown, status = 200): Reply => ({ status, body });
  const noContent: Reply = { status: 204 };

  route('GET', '/gateway/bot', () =>
    ok({
      url: gatewayUrl,
      shards: recommendedShards,
      session_start_limit: {
        total: 1000,
        remaining: 1000 - sessions.size,
        reset_after: 14_400_000,
        max_concurrency: 1,
      },
    }),
  );
  route('GET', '/gateway', () => ok({ url: gatewayUrl }), false);
  route('GET', '/users/@me', () => ok(userJson(botUser)));
  route('GET', '/users/:userId', (_c, p) => {
    const user = users.get(p.userId!);
    if (!user) throw new ApiError(404, 10013, 'Unknown User');
    return ok(userJson(user));
  });
  route('POST', '/users/@me/channels', (ctx) => {
    const recipient = knownUser({ id: String(ctx.body.recipient_id) });
    const existing = [...channels.values()].find(
      (c) => c.type === 1 && c.recipients?.[0]?.id === recipient.id,
    );
    const channel = existing ?? {
      id: snowflake(),
      type: 1,
      last_message_id: null,
      flags: 0,
      recipients: [userJson(recipient)],
    };
    channels.set(channel.id, channel);
    return ok(channel);
  });
  const applicationJson = () => ({
    id: applicationId,
    name: botUser.username,
    icon: null,
    description: 'Loopback stand-in application',
    summary: '',
    type: null,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: 0,
    owner: userJson(testerUser),
    team: null,
    bot: userJson(botUser),
    approximate_guild_count: guilds.size,
    install_params: {
      scopes: ['bot', 'applications.commands'],
      permissions: BOT_PERMISSIONS.toString(),
    },
  });
  route('GET', '/applications/@me', () => ok(applicationJson()));
  route('PATCH', '/applications/@me', (ctx) => ok({ ...applicationJson(), ...ctx.body }));

  route(
    'GET',
    '/applications/:appId/commands',
    (_c, p) => (checkApp(p.appId!), ok(commands.global)),
  );
  route('PUT', '/applications/:appId/commands', (ctx, p) => {
    checkApp(p.appId!);
    commands.global = registerCommands(commands.global, validateCommands(ctx.body));
    return ok(commands.global);
  });
  route('POST', '/applications/:appId/commands', (ctx, p) => {
    checkApp(p.appId!);
    const [command] = registerCommands(commands.global, validateCommands([ctx.body]));
    commands.global = [...commands.global.filter((c) => c.name !== command!.name), command!];
    return ok(command, 201);
  });
  route('DELETE', '/applications/:appId/commands/:commandId', (_c, p) => {
    checkApp(p.appId!);
    commands.global = commands.global.filter((c) => c.id !== p.commandId);
    return noContent;
  });
  route('GET', '/applications/:appId/guilds/:guildId/commands', (_c, p) => {
    checkApp(p.appId!);
    checkGuild(p.guildId!);
    return ok(commands.guilds.get(p.guildId!) ?? []);
  });
  route('PUT', '/applications/:appId/guilds/:guildId/commands', (ctx, p) => {
    checkApp(p.appId!);
    checkGuild(p.guildId!);
    const registered = registerCommands(
      commands.guilds.get(p.guildId!) ?? [],
      validateCommands(ctx.body),
      p.guildId,
    );
    commands.guilds.set(p.guildId!, registered);
    return ok(registered);
  });

  route('POST', '/interactions/:id/:token/callback', interactionCallback, false);
  route(
    'GET',
    '/webhooks/:appId/:token/messages/:messageId',
    (_c, p) => ok(webhookMessage(interactionForWebhook(p.appId!, p.token!), p.messageId!)),
    false,
  );
  route(
    'PATCH',
    '/webhooks/:appId/:token/messages/:messageId',
    (ctx, p) => {
      const message = webhookMessage(interactionForWebhook(p.appId!, p.token!), p.messageId!);
      editMessage(ctx, message, ctx.body);
      echo('MESSAGE_UPDATE', message);
      return ok(message);
    },
    false,
  );
  route(
    'DELETE',
    '/webhooks/:appId/:token/messages/:messageId',
    (_c, p) => {
      const state = interactionForWebhook(p.appId!, p.token!);
      const message = webhookMessage(state, p.messageId!);
      messages.delete(message.id);
      if (message.id === state.originalMessageId) delete state.originalMessageId;
      state.followups.delete(message.id);
      if (sessions.size > 0 && (Number(message.flags) & MESSAGE_FLAGS.Ephemeral) === 0) {
        dispatch('MESSAGE_DELETE', {
          id: message.id,
          channel_id: message.channel_id,
          guild_id: message.guild_id,
        });
      }
      return noContent;
    },
    false,
  );
  route(
    'POST',
    '/webhooks/:appId/:token',
    (ctx, p) => {
      const state = interactionForWebhook(p.appId!, p.token!);
      if (!state.responded) throw new ApiError(404, 10015, 'Unknown Webhook');
      const message = createBotMessage(ctx, state.channelId, ctx.body, {
        interaction: state,
        flags: Number(ctx.body.flags ?? 0) & MESSAGE_FLAGS.Ephemeral,
      });
      state.followups.add(message.id);
      echo('MESSAGE_CREATE', message);
      return ctx.record.query.wait === 'false' ? noContent : ok(message);
    },
    false,
  );

  route('GET', '/channels/:channelId', (_c, p) => ok(findChannel(p.channelId!)));
  route('GET', '/channels/:channelId/messages', (ctx, p) => {
    findChannel(p.channelId!);
    const limit = Math.min(100, Math.max(1, Number(ctx.record.query.limit ?? 50)));
    const ids = (channelHistory.get(p.channelId!) ?? []).filter((id) => messages.has(id));
    const { before, after, around } = ctx.record.query;
    let selected: string[];
    if (before) selected = ids.filter((id) => BigInt(id) < BigInt(before)).slice(-limit);
    else if (after) selected = ids.filter((id) => BigInt(id) > BigInt(after)).slice(0, limit);
    else if (around) {
      const at = Math.max(
        0,
        ids.findIndex((id) => BigInt(id) >= BigInt(around)),
      );
      selected = ids.slice(Math.max(0, at - Math.floor(limit / 2)), at + Math.ceil(limit / 2));
    } else selected = ids.slice(-limit);
    return ok(selected.reverse().map((id) => messages.get(id)));
  });
  route('POST', '/channels/:channelId/messages', (ctx, p) => {
    findChannel(p.channelId!);
    const message = createBotMessage(ctx, p.channelId!, ctx.body);
    echo('MESSAGE_CREATE', message);
    return ok(message);
  });
  route('GET', '/channels/:channelId/messages/:messageId', (_c, p) =>
    ok(findMessageIn(p.channelId!, p.messageId!)),
  );
  route('PATCH', '/channels/:channelId/messages/:messageId', (ctx, p) => {
    const message = findMessageIn(p.channelId!, p.messageId!);
    if (message.author?.id !== botUser.id)
      throw new ApiError(403, 50005, 'Cannot edit a message authored by another user');
    editMessage(ctx, message, ctx.body);
    echo('MESSAGE_UPDATE', message);
    return ok(message);
  });
  route('DELETE', '/channels/:channelId/messages/:messageId', (_c, p) => {
    const message = findMessageIn(p.channelId!, p.messageId!);
    messages.delete(message.id);
    if (sessions.size > 0)
      dispatch('MESSAGE_DELETE', {
        id: message.id,
        channel_id: message.channel_id,
        guild_id: message.guild_id,
      });
    return noContent;
  });
  route('POST', '/channels/:channelId/typing', (_c, p) => (findChannel(p.channelId!), noContent));
  route('POST', '/channels/:channelId/messages/:messageId/threads', (ctx, p) =>
    createThread(ctx, p.channelId!, p.messageId!),
  );
  route('POST', '/channels/:channelId/threads', (ctx, p) => createThread(ctx, p.channelId!));
  route(
    'PUT',
    '/channels/:channelId/thread-members/@me',
    (_c, p) => (findChannel(p.channelId!), noContent),
  );
  route(
    'PUT',
    '/channels/:channelId/messages/:messageId/reactions/:emoji/@me',
    (_c, p) => (findMessageIn(p.channelId!, p.messageId!), noContent),
  );
  route(
    'DELETE',
    '/channels/:channelId/messages/:messageId/reactions/:emoji/@me',
    (_c, p) => (findMessageIn(p.channelId!, p.messageId!), noContent),
  );

  route('GET', '/guilds/:guildId', (_c, p) => {
    const guild = guilds.get(p.guildId!);
    if (!guild) throw new ApiError(404, 10004, 'Unknown Guild');
    return ok({ ...guild.api, approximate_member_count: guild.members.size });
  });
  route('GET', '/guilds/:guildId/channels', (_c, p) => {
    const guild = checkGuild(p.guildId!);
    return ok(guild.channelIds.map((id) => channels.get(id)).filter((c) => !isThread(c)));
  });
  route('GET', '/guilds/:guildId/roles', (_c, p) => ok(checkGuild(p.guildId!).api.roles));
  route('GET', '/guilds/:guildId/members/:userId', (_c, p) => {
    const member = checkGuild(p.guildId!).members.get(p.userId!);
    if (!member) throw new ApiError(404, 10007, 'Unknown Member');
    return ok(member);
  });

  // ---- HTTP plumbing ------------------------------------------------------------------------
  /** Decodes each path segment (`%40original` → `@original`) but keeps an encoded `/` inside a segment. */
  function readablePath(pathname: string): string {
    return pathname
      .split('/')
      .map((segment) => {
        try {
          return decodeURIComponent(segment).replaceAll('/', '%2F');
        } catch {
          return segment;
        }
      })
      .join('/');
  }

  async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit)
        tooBig = true; // keep draining so the client sees the 413 rather than a reset
      else chunks.push(chunk);
    }
    return tooBig ? null : Buffer.concat(chunks);
  }

  async function parseBody(
    req: IncomingMessage,
    raw: Buffer,
  ): Promise<{ body: any; files: RecordedFile[] }> {
    const type = req.headers['content-type'] ?? '';
    if (raw.length === 0) return { body: undefined, files: [] };
    if (type.startsWith('multipart/form-data')) {
      // The platform's Request parses multipart exactly like a browser would: no parser of our own.
      const form = await new Request('http://standin.invalid/', {
        method: 'POST',
        headers: { 'content-type': type },
        body: raw,
      }).formData();
      const files: RecordedFile[] = [];
      let body: Json = {};
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') body = { ...body, ...JSON.parse(value) };
          else body[field] = value;
        } else {
          const data = Buffer.from(await value.arrayBuffer());
          files.push({
            field,
            filename: value.name,
            contentType: value.type || 'application/octet-stream',
            size: data.length,
            data,
          });
        }
      }
      return { body, files };
    }
    if (type.startsWith('application/json'))
      return { body: JSON.parse(raw.toString('utf8')), files: [] };
    return { body: raw.toString('utf8'), files: [] };
  }

  function takeFault(record: RecordedRequest, isCallback: boolean): Fault | undefined {
    const index = faults.findIndex((f) =>
      f.kind === 'interaction-callback' ? isCallback : f.matches(record),
    );
    if (index < 0) return undefined;
    const fault = faults[index]!;
    if (--fault.remaining <= 0) faults.splice(index, 1);
    return fault;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const underApi = url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`);
    const authHeader = req.headers.authorization;
    const record: RecordedRequest = {
      method,
      path: readablePath(underApi ? url.pathname.slice(API_PREFIX.length) || '/' : url.pathname),
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      auth:
        authHeader === undefined
          ? 'none'
          : /^Bot\s+\S+/.test(authHeader) && TOKEN_SHAPE.test(authHeader.replace(/^Bot\s+/, ''))
            ? 'bot'
            : 'other',
      status: 0,
      response: undefined,
      time: Date.now(),
    };
    const reason = req.headers['x-audit-log-reason'];
    if (typeof reason === 'string') record.reason = decodeURIComponent(reason);

    let reply: Reply;
    let unknown = false;
    try {
      const raw = await readBody(req, maxUploadBytes + 1024 * 1024);
      if (raw === null) throw new ApiError(413, 40005, 'Request entity too large');
      try {
        Object.assign(record, await parseBody(req, raw));
      } catch {
        throw new ApiError(400, 50109, 'The request body contains invalid JSON.');
      }
      if (record.files.reduce((sum, f) => sum + f.size, 0) > maxUploadBytes)
        throw new ApiError(413, 40005, 'Request entity too large');

      const isCallback =
        /^\/interactions\/[^/]+\/[^/]+\/callback$/.test(record.path) && method === 'POST';
      let fault = takeFault(record, isCallback);
      while (fault?.kind === 'delay') {
        record.fault = 'delay';
        await sleep(fault.ms ?? 0);
        fault = takeFault(record, isCallback);
      }
      if (fault) {
        record.fault = fault.kind;
        if (fault.kind === '429') {
          const seconds = fault.retryAfterSec ?? 1;
          throw new ApiError(429, 0, 'You are being rate limited.', undefined, {
            'retry-after': String(seconds),
            'x-ratelimit-scope': fault.global ? 'global' : 'user',
            ...(fault.global ? { 'x-ratelimit-global': 'true' } : {}),
          });
        }
        if (fault.kind === '5xx')
          throw new ApiError(fault.status, 0, `${fault.status}: Internal Server Error`);
        throw new ApiError(
          fault.status,
          fault.code ?? 10062,
          fault.message ?? 'Unknown interaction',
        );
      }

      if (!underApi) {
        const hostedMatch = /^\/attachments\/[^/]+\/([^/]+)\/[^/]+$/.exec(record.path);
        const file = hostedMatch && method === 'GET' ? hosted.get(hostedMatch[1]!) : undefined;
        if (!file) {
          unknown = true;
          throw new ApiError(404, 0, '404: Not Found');
        }
        reply = { status: 200, raw: file.data, headers: { 'content-type': file.contentType } };
      } else {
        const matching = routes.filter((r) => r.regex.test(record.path));
        const found = matching.find((r) => r.method === method);
        if (!found) {
          unknown = true;
          throw matching.length > 0
            ? new ApiError(405, 0, '405: Method Not Allowed')
            : new ApiError(404, 0, '404: Not Found');
        }
        if (found.auth && record.auth !== 'bot') throw new ApiError(401, 0, '401: Unauthorized');
        const values = found.regex.exec(record.path)!.slice(1);
        const params = Object.fromEntries(
          found.keys.map((key, i) => [key, values[i]!.replaceAll('%2F', '/')]),
        );
        reply = await found.handle({ record, body: (record.body ?? {}) as Json }, params);
      }
    } catch (error) {
      if (error instanceof ApiError) {
        reply = {
          status: error.status,
          body:
            error.status === 429
              ? {
                  ...error.body,
                  retry_after: Number(error.headers['retry-after']),
                  global: Boolean(error.headers['x-ratelimit-global']),
                }
              : error.body,
          headers: error.headers,
        };
      } else {
        reply = {
          status: 500,
          body: { message: `stand-in error: ${(error as Error).message}`, code: 0 },
        };
      }
    }

    record.status = reply.status;
    record.response = reply.body;
    if (!res.destroyed) {
      if (reply.raw) {
        res.writeHead(reply.status, { ...reply.headers, 'content-length': reply.raw.length });
        res.end(reply.raw);
      } else if (reply.body === undefined) {
        res.writeHead(reply.status, reply.headers ?? {});
        res.end();
      } else {
        const text = JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          ...reply.headers,
        });
        res.end(text);
      }
    }
    requests.push(record);
    if (unknown) unknownRoutes.push(record);
    notify(requests, requestWaiters, record);
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/gateway' && path !== '/gateway-resume') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  const resumeGatewayUrl = `ws://127.0.0.1:${port}/gateway-resume`;

  const faultApi: StandInFaults = {
    rest429Once(matcher, retryAfterSec, faultOptions = {}) {
      faults.push({
        kind: '429',
        matches: compileMatcher(matcher),
        remaining: 1,
        status: 429,
        retryAfterSec,
        global: faultOptions.global ?? false,
      });
    },
    rest500(matcher, times, status = 500) {
      faults.push({ kind: '5xx', matches: compileMatcher(matcher), remaining: times, status });
    },
    failInteractionCallback(times, faultOptions = {}) {
      faults.push({
        kind: 'interaction-callback',
        matches: () => true,
        remaining: times,
        status: faultOptions.status ?? 404,
        code: faultOptions.code ?? 10062,
        message: faultOptions.message ?? 'Unknown interaction',
      });
    },
    delay(matcher, ms, times = 1) {
      faults.push({
        kind: 'delay',
        matches: compileMatcher(matcher),
        remaining: times,
        status: 0,
        ms,
      });
    },
    clear() {
      faults.length = 0;
    },
  };

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    for (const timer of timers) clearTimeout(timer);
    const abandoned = [...requestWaiters, ...gatewayWaiters];
    requestWaiters.clear();
    gatewayWaiters.clear();
    for (const waiter of abandoned) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('discord-standin was closed while a test was still waiting'));
    }
    for (const conn of connections) conn.ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  return {
    restUrl: `${baseUrl}/api`,
    gatewayUrl,
    resumeGatewayUrl,
    applicationId,
    botUser,
    defaults: { guildId: firstGuild.api.id, channelId: defaultChannelId, user: testerUser },
    guilds: [...guilds.values()].map((g) => ({
      id: g.api.id,
      name: g.api.name,
      channelIds: [...g.channelIds],
      roleIds: (g.api.roles as Json[]).map((r) => r.id),
      botRoleId: g.botRoleId,
    })),
    requests,
    unknownRoutes,
    gatewayLog,
    messages,
    commands,
    waitForRequest(matcher, timeoutMs = 5000, waitOptions = {}) {
      return waitFor(
        requests,
        requestWaiters,
        compileMatcher(matcher),
        describeMatcher(matcher),
        timeoutMs,
        waitOptions.from ?? 0,
        describeRequest,
      );
    },
    waitForGateway(predicate, timeoutMs = 5000, waitOptions = {}) {
      return waitFor(
        gatewayLog,
        gatewayWaiters,
        predicate,
        describeMatcher(predicate),
        timeoutMs,
        waitOptions.from ?? 0,
        describeGateway,
      );
    },
    dispatch,
    sendInteraction,
    sendMessage,
    closeGatewayConnections,
    faults: faultApi,
    close,
  };
}
