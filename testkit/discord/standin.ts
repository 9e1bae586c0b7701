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
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Client, Events, type ClientOptions, type GatewayIntentBits } from 'discord.js';
import { createCommandRegistry } from './commands.ts';
import { createFaults } from './faults.ts';
import { createGateway } from './gateway.ts';
import { createHttpHandler } from './http.ts';
import { createInteractions } from './interactions.ts';
import { createMessaging } from './messages.ts';
import { createPermissions } from './permissions.ts';
import { createRateLimits } from './ratelimits.ts';
import { createRecorder } from './recorder.ts';
import { createRoutes } from './routes.ts';
import { compileMatcher, describeMatcher, type Json } from './rules.ts';
import type { DiscordStandIn, StandInOptions } from './types.ts';
import { createWorld } from './world.ts';

export { snowflake, computePings, validateMessageBody, LIMITS } from './rules.ts';
export { BOT_PERMISSIONS, MEMBER_PERMISSIONS } from './world.ts';
export type * from './types.ts';

/** A bot token of the right shape (three dot-separated base64url parts) that is obviously fake. */
export function fakeBotToken(botUserId: string): string {
  return `${Buffer.from(botUserId).toString('base64url')}.STANDIN.not-a-real-token-only-for-the-loopback-stand-in`;
}

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

/** Starts the stand-in on 127.0.0.1 (random port). */
export async function startDiscordStandIn(options: StandInOptions = {}): Promise<DiscordStandIn> {
  const world = createWorld(options);
  const recorder = createRecorder(world);
  const gateway = createGateway(world, recorder);
  const messaging = createMessaging(world, gateway);
  const permissions = createPermissions(world);
  const interactions = createInteractions(world, gateway, messaging, permissions);
  const registry = createCommandRegistry(world);
  const routes = createRoutes(world, gateway, messaging, interactions, registry, permissions);
  const faults = createFaults(world);
  const rateLimits = createRateLimits(options.rateLimits);
  const { handle } = createHttpHandler(world, recorder, routes.routes, faults, rateLimits);
  const {
    applicationId,
    botUser,
    firstGuild,
    defaultChannelId,
    testerUser,
    guilds,
    messages,
    commands,
  } = world;
  const {
    requests,
    unknownRoutes,
    gatewayLog,
    requestWaiters,
    gatewayWaiters,
    waitFor,
    describeRequest,
    describeGateway,
  } = recorder;
  const { wss, connections, dispatch, closeGatewayConnections } = gateway;
  const { sendInteraction } = interactions;
  const { sendMessage, sendForumPost, setChannelOverwrites } = messaging;

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
  world.urls.base = `http://127.0.0.1:${port}`;
  world.urls.gateway = `ws://127.0.0.1:${port}/gateway`;
  world.urls.resume = `ws://127.0.0.1:${port}/gateway-resume`;

  async function close(): Promise<void> {
    if (world.state.closed) return;
    world.state.closed = true;
    for (const timer of world.timers) clearTimeout(timer);
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
    restUrl: `${world.urls.base}/api`,
    gatewayUrl: world.urls.gateway,
    resumeGatewayUrl: world.urls.resume,
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
    sendForumPost,
    rateLimitStats: rateLimits.stats,
    setChannelOverwrites,
    closeGatewayConnections,
    faults: faults.api,
    close,
  };
}
