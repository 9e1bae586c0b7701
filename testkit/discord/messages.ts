/**
 * Messages and threads: the bot's messages checked the way Discord checks them (limits, empty
 * messages, unknown replies), edits, attachments hosted for download, who each message pings,
 * threads started from a message or on their own, and messages written by users.
 */
import type { Gateway } from './gateway.ts';
import {
  ApiError,
  computePings,
  formBodyError,
  snowflake,
  validateMessageBody,
  type Json,
} from './rules.ts';
import type {
  InteractionState,
  MessageInit,
  RecordedFile,
  RecordedRequest,
  Reply,
  RequestContext,
  StandInUser,
  ForumPostInit,
  StandInOverwrite,
} from './types.ts';
import { MESSAGE_FLAGS, type World } from './world.ts';

/** Message and thread handling for one stand-in. */
export function createMessaging(world: World, gateway: Gateway) {
  const {
    botUser,
    applicationId,
    testerUser,
    channels,
    guilds,
    messages,
    hosted,
    urls,
    defaultChannelId,
    nowIso,
    userJson,
    knownUser,
    memberJson,
    threadJson,
    overwriteJson,
    isThread,
    storeMessage,
    findChannel,
    findMessageIn,
  } = world;
  const { dispatch, sessions } = gateway;

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
    const url = `${urls.base}/attachments/${channelId}/${id}/${safeName}`;
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
  /** A user's forum post: the thread (THREAD_CREATE), then its starter message with the thread's id. */
  function sendForumPost(init: ForumPostInit): { thread: Json; message: Json } {
    const forum = channels.get(init.channelId);
    if (forum?.type !== 15)
      throw new Error(`discord-standin: ${init.channelId} is not a forum channel (type 15)`);
    const author = knownUser({ ...init.author, id: init.author?.id ?? testerUser.id });
    const id = snowflake();
    const thread = threadJson(id, forum.guild_id, forum.id, init.title, 11, author.id);
    const tags: Json[] = forum.available_tags ?? [];
    thread.applied_tags = (init.tags ?? []).map((name) => {
      const tag = tags.find((t) => t.name === name);
      if (!tag) throw new Error(`discord-standin: forum ${forum.id} has no tag ${name}`);
      return tag.id;
    });
    channels.set(id, thread);
    guilds.get(forum.guild_id)?.channelIds.push(id);
    forum.last_message_id = id;
    if (sessions.size > 0) dispatch('THREAD_CREATE', { ...thread, newly_created: true });
    const message = sendMessage({
      id,
      channelId: id,
      content: init.content ?? '',
      author,
      raw: init.raw,
    });
    return { thread, message };
  }

  /** Replaces a channel's overwrites, as a server admin editing the channel would. */
  function setChannelOverwrites(channelId: string, overwrites: StandInOverwrite[]): void {
    const channel = findChannel(channelId);
    channel.permission_overwrites = overwrites.map(overwriteJson);
    if (sessions.size > 0) dispatch('CHANNEL_UPDATE', channel);
  }

  return {
    hostFile,
    createBotMessage,
    editMessage,
    createThread,
    sendMessage,
    sendForumPost,
    setChannelOverwrites,
  };
}
export type Messaging = ReturnType<typeof createMessaging>;
