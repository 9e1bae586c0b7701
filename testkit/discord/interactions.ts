/**
 * Interactions: INTERACTION_CREATE payloads for commands, components, autocomplete and modals,
 * the callback endpoint (answered once, within the deadline) and the webhook the token opens.
 */
import type { Gateway } from './gateway.ts';
import type { Messaging } from './messages.ts';
import type { Permissions } from './permissions.ts';
import { ApiError, formBodyError, snowflake, type Json } from './rules.ts';
import type { InteractionInit, InteractionState, Reply, RequestContext } from './types.ts';
import {
  INTERACTION_TOKEN_LIFETIME_MS,
  MEMBER_PERMISSIONS,
  MESSAGE_FLAGS,
  type World,
} from './world.ts';

/** Interaction handling for one stand-in. */
export function createInteractions(
  world: World,
  gateway: Gateway,
  messaging: Messaging,
  permissions: Permissions,
) {
  const { permissionsIn } = permissions;
  const {
    botUser,
    applicationId,
    testerUser,
    channels,
    guilds,
    messages,
    interactions,
    commands,
    firstGuild,
    defaultChannelId,
    nowIso,
    userJson,
    knownUser,
    memberJson,
    storeMessage,
  } = world;
  const { deadlineMs, maxUploadBytes } = world.settings;
  const { dispatch, echo } = gateway;
  const { hostFile, createBotMessage, editMessage } = messaging;

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

  /** Channel options (type 7), at any depth, resolved as Discord resolves them for the payload. */
  function resolvedChannels(options: Json[]): Json {
    const found: Json = {};
    for (const option of options) {
      if (option.type === 7) {
        const channel = channels.get(String(option.value));
        if (channel) found[channel.id] = { ...channel, permissions: '0' };
      }
      if (Array.isArray(option.options)) Object.assign(found, resolvedChannels(option.options));
    }
    return found;
  }

  function commandOptions(
    init: InteractionInit,
    channelId: string,
  ): { options: Json[]; resolved?: Json } {
    if (Array.isArray(init.options)) {
      const options = init.options as Json[];
      const channelsById = resolvedChannels(options);
      return Object.keys(channelsById).length > 0
        ? { options, resolved: { channels: channelsById } }
        : { options };
    }
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
      app_permissions: permissionsIn(channelId, botUser.id).toString(),
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
  return { interactionCallback, interactionForWebhook, webhookMessage, sendInteraction };
}
export type Interactions = ReturnType<typeof createInteractions>;
