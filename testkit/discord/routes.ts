/**
 * The REST routes the bot uses, each with its handler; anything else is answered 404 / 405 and
 * recorded as an unknown route.
 */
import type { CommandRegistry } from './commands.ts';
import type { Gateway } from './gateway.ts';
import type { Interactions } from './interactions.ts';
import type { Messaging } from './messages.ts';
import type { Permissions } from './permissions.ts';
import { PermissionFlagsBits } from 'discord.js';
import { ApiError, snowflake } from './rules.ts';
import type { Reply, Route } from './types.ts';
import { BOT_PERMISSIONS, MESSAGE_FLAGS, type World } from './world.ts';

/** The route table of one stand-in. */
export function createRoutes(
  world: World,
  gateway: Gateway,
  messaging: Messaging,
  interactions: Interactions,
  registry: CommandRegistry,
  permissions: Permissions,
) {
  const { requireBot, sendFlag } = permissions;
  const {
    botUser,
    applicationId,
    testerUser,
    users,
    channels,
    guilds,
    messages,
    channelHistory,
    commands,
    urls,
    userJson,
    knownUser,
    isThread,
    findChannel,
    findMessageIn,
    checkApp,
    checkGuild,
  } = world;
  const { recommendedShards } = world.settings;
  const { dispatch, sessions, echo } = gateway;
  const { createBotMessage, editMessage, createThread } = messaging;
  const { interactionCallback, interactionForWebhook, webhookMessage } = interactions;
  const { validateCommands, registerCommands } = registry;

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
    routes.push({ method, pattern, regex: new RegExp(`^${source}$`), keys, auth, handle });
  }
  const ok = (body: unknown, status = 200): Reply => ({ status, body });
  const noContent: Reply = { status: 204 };

  route('GET', '/gateway/bot', () =>
    ok({
      url: urls.gateway,
      shards: recommendedShards,
      session_start_limit: {
        total: 1000,
        remaining: 1000 - sessions.size,
        reset_after: 14_400_000,
        max_concurrency: 1,
      },
    }),
  );
  route('GET', '/gateway', () => ok({ url: urls.gateway }), false);
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
    requireBot(p.channelId!, PermissionFlagsBits.ReadMessageHistory);
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
    const body = ctx.body;
    requireBot(
      p.channelId!,
      sendFlag(p.channelId!),
      ...(Array.isArray(body.embeds) && body.embeds.length > 0
        ? [PermissionFlagsBits.EmbedLinks]
        : []),
      ...(ctx.record.files.length > 0 ? [PermissionFlagsBits.AttachFiles] : []),
      ...(body.message_reference ? [PermissionFlagsBits.ReadMessageHistory] : []),
    );
    const message = createBotMessage(ctx, p.channelId!, ctx.body);
    echo('MESSAGE_CREATE', message);
    return ok(message);
  });
  route('GET', '/channels/:channelId/messages/:messageId', (_c, p) => {
    const message = findMessageIn(p.channelId!, p.messageId!);
    requireBot(p.channelId!, PermissionFlagsBits.ReadMessageHistory);
    return ok(message);
  });
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
  route('POST', '/channels/:channelId/typing', (_c, p) => {
    findChannel(p.channelId!);
    requireBot(p.channelId!, sendFlag(p.channelId!));
    return noContent;
  });
  route('POST', '/channels/:channelId/messages/:messageId/threads', (ctx, p) => {
    findChannel(p.channelId!);
    requireBot(p.channelId!, PermissionFlagsBits.CreatePublicThreads);
    return createThread(ctx, p.channelId!, p.messageId!);
  });
  route('POST', '/channels/:channelId/threads', (ctx, p) => {
    findChannel(p.channelId!);
    const priv = Number(ctx.body.type ?? 12) === 12;
    requireBot(
      p.channelId!,
      priv ? PermissionFlagsBits.CreatePrivateThreads : PermissionFlagsBits.CreatePublicThreads,
    );
    return createThread(ctx, p.channelId!);
  });
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
  return { routes };
}
