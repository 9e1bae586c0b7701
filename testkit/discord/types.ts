/** The stand-in's public types (options, records, the handle a test gets) and its internal records. */
import type zlib from 'node:zlib';
import type { WebSocket } from 'ws';
import type { RateLimitOptions } from './ratelimits.ts';
import type { Json } from './rules.ts';

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
  /** Discord channel type: 0 text (default), 11 public thread, 12 private thread, 2 voice, 4 category, 5 news, 15 forum. */
  type?: number;
  /** For forums: the names of the tags posts can carry. */
  tags?: string[];
  /** Permission overwrites (role or member), as Discord stores them on the channel. */
  overwrites?: StandInOverwrite[];
  /** For threads: the text channel they live in (default: the guild's first text channel). */
  parentId?: string;
  /** For threads: who started it (defaults to the bot). */
  ownerId?: string;
}

/** A channel permission overwrite: `type` 0 for a role (the guild id is @everyone), 1 for a member. */
export interface StandInOverwrite {
  id: string;
  type: 0 | 1;
  allow?: bigint | string;
  deny?: bigint | string;
}

/** A new forum post: a thread in a forum channel whose starter message is the post's body. */
export interface ForumPostInit {
  /** The forum channel (type 15). */
  channelId: string;
  title: string;
  content?: string;
  /** Names of the forum's tags to apply. */
  tags?: string[];
  author?: Partial<StandInUser>;
  raw?: Record<string, unknown>;
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
  /** Rate-limit buckets (Discord's sizes by default); `false` turns them off. */
  rateLimits?: RateLimitOptions | false;
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
  /** Creates a forum post as a user would: THREAD_CREATE, then the starter message (same id as the thread). */
  sendForumPost(init: ForumPostInit): { thread: any; message: any };
  /** 429s the stand-in answered because a client exceeded a bucket (injected faults not counted). */
  rateLimitStats: { limited: number };
  /** Replaces a channel's permission overwrites and tells the clients (CHANNEL_UPDATE). */
  setChannelOverwrites(channelId: string, overwrites: StandInOverwrite[]): void;
  /** Closes every live gateway connection with `code` (default 4000, which discord.js resumes from). */
  closeGatewayConnections(code?: number, options?: { invalidateSessions?: boolean }): Promise<void>;
  faults: StandInFaults;
  /** Stops everything: closes sockets and servers, rejects pending waits. Safe to call twice. */
  close(): Promise<void>;
}

export interface Session {
  id: string;
  token: string;
  intents: number;
  shard: [number, number];
  seq: number;
  /** Every dispatch sent in this session, for replay on resume. */
  backlog: Json[];
  conn: Conn | null;
}

export interface Conn {
  n: number;
  ws: WebSocket;
  session: Session | null;
  deflate: zlib.Deflate | null;
  identifyCompress: boolean;
  sendChain: Promise<void>;
}

export interface InteractionState {
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

export interface Fault {
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

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: Buffer;
}

export interface Route {
  method: string;
  /** The template, e.g. `/channels/:channelId/messages` (names the rate-limit bucket). */
  pattern: string;
  regex: RegExp;
  keys: string[];
  /** Whether Discord requires the bot token on this route (webhook/interaction routes authenticate by token in the URL). */
  auth: boolean;
  handle: (ctx: RequestContext, params: Record<string, string>) => Reply | Promise<Reply>;
}

export interface RequestContext {
  record: RecordedRequest;
  body: Json;
}
