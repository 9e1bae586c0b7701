/**
 * Every message the bot sends goes through these helpers, which attach `allowedMentions` with
 * nothing to parse (the client default says the same; this makes each request self-evidently
 * safe) and turn our `ReplyPayload`s into discord.js options.
 */
import {
  DiscordAPIError,
  MessageFlags,
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
  type Message,
  type MessageMentionOptions,
  type RepliableInteraction,
  type SendableChannels,
} from 'discord.js';
import type { Logger } from 'pino';
import { withoutEmbeds, type ReplyPayload } from './format.js';

/** Nobody is ever pinged by the bot, not even the person it replies to. */
export const NO_MENTIONS = {
  parse: [],
  repliedUser: false,
} as const satisfies MessageMentionOptions;

/** discord.js message options for one payload. */
export function toMessageOptions(payload: ReplyPayload) {
  return {
    content: payload.content,
    embeds: payload.embeds,
    components: payload.components,
    allowedMentions: NO_MENTIONS,
    ...(payload.flags ? { flags: payload.flags & MessageFlags.SuppressEmbeds } : {}),
  };
}

/**
 * Delivers payloads as the answer to a deferred interaction: the first edits the deferred reply,
 * the others follow up (privately too when `ephemeral`). Returns the ids of the sent messages.
 */
export async function deliverDeferred(
  interaction: RepliableInteraction | ChatInputCommandInteraction,
  payloads: readonly ReplyPayload[],
  ephemeral: boolean,
): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, payload] of payloads.entries()) {
    if (i === 0) {
      const edited = await interaction.editReply(toMessageOptions(payload));
      ids.push(edited.id);
    } else {
      const flags = (payload.flags ?? 0) | (ephemeral ? MessageFlags.Ephemeral : 0);
      const sent = await interaction.followUp({
        ...toMessageOptions(payload),
        flags: flags & (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds),
      });
      ids.push(sent.id);
    }
  }
  return ids;
}

/** Replies privately (first payload as the reply, the rest as private follow-ups). */
export async function replyPrivately(
  interaction: RepliableInteraction,
  payloads: readonly ReplyPayload[],
): Promise<void> {
  for (const [i, payload] of payloads.entries()) {
    const options = {
      ...toMessageOptions(payload),
      flags: ((payload.flags ?? 0) & MessageFlags.SuppressEmbeds) | MessageFlags.Ephemeral,
    };
    if (i === 0 && !interaction.replied && !interaction.deferred) await interaction.reply(options);
    else await interaction.followUp(options);
  }
}

/** Why a channel cannot take our answer as it is: no sending at all, or no embeds. */
export type ChannelShortfall = 'send' | 'embeds' | undefined;

/**
 * What the bot lacks in `channel`, from the permissions Discord's roles and overwrites give it
 * there (undefined when it lacks nothing or they are not known, e.g. in DMs).
 */
export function channelShortfall(channel: SendableChannels): ChannelShortfall {
  if (!('guild' in channel) || !channel.guild) return undefined;
  const me = channel.guild.members.me;
  const permissions = me ? channel.permissionsFor(me) : null;
  if (!permissions) return undefined;
  const send = channel.isThread()
    ? PermissionFlagsBits.SendMessagesInThreads
    : PermissionFlagsBits.SendMessages;
  if (!permissions.has([PermissionFlagsBits.ViewChannel, send])) return 'send';
  return permissions.has(PermissionFlagsBits.EmbedLinks) ? undefined : 'embeds';
}

function isMissingPermissions(error: unknown): boolean {
  return error instanceof DiscordAPIError && (error.code === 50013 || error.code === 50001);
}

/**
 * Sends payloads in answer to a message: the first as a reply to `replyTo` (when given), the
 * rest in the same channel. Where the bot may not send, nothing is sent and one line says which
 * permission is missing; where it may not embed links, the quotes go as plain text. Discord's
 * own refusal (50013 Missing Permissions, e.g. an overwrite changed since we looked) is handled
 * the same way. Returns the sent messages.
 */
export async function deliverToChannel(
  channel: SendableChannels,
  payloads: readonly ReplyPayload[],
  replyTo?: Message,
  logger?: Logger,
): Promise<Message[]> {
  const where = { channel: channel.id, guild: 'guildId' in channel ? channel.guildId : null };
  const shortfall = channelShortfall(channel);
  if (shortfall === 'send') {
    logger?.warn(
      { event: 'missing-permission', permission: 'SendMessages', ...where },
      'cannot answer in this channel: the bot lacks Send Messages (or View Channel) there',
    );
    return [];
  }
  let toSend = payloads;
  if (shortfall === 'embeds') {
    logger?.warn(
      { event: 'missing-permission', permission: 'EmbedLinks', ...where },
      'the bot lacks Embed Links in this channel: sending the quotes as plain text',
    );
    toSend = withoutEmbeds(payloads);
  }
  const sent: Message[] = [];
  for (const [i, payload] of toSend.entries()) {
    const send = (p: ReplyPayload) => {
      const options = toMessageOptions(p);
      return i === 0 && replyTo ? replyTo.reply(options) : channel.send(options);
    };
    try {
      sent.push(await send(payload));
    } catch (error) {
      if (!isMissingPermissions(error)) throw error;
      logger?.warn(
        { event: 'missing-permission', code: (error as DiscordAPIError).code, ...where },
        'Discord refused the answer for missing permissions',
      );
      // Embeds are the usual culprit; without them the answer may still go through.
      if (payload.embeds.length === 0) break;
      for (const plain of withoutEmbeds([payload])) sent.push(await send(plain));
    }
  }
  return sent;
}
