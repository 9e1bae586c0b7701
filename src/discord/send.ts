/**
 * Every message the bot sends goes through these helpers, which attach `allowedMentions` with
 * nothing to parse (the client default says the same; this makes each request self-evidently
 * safe) and turn our `ReplyPayload`s into discord.js options.
 */
import {
  MessageFlags,
  type ChatInputCommandInteraction,
  type Message,
  type MessageMentionOptions,
  type RepliableInteraction,
  type SendableChannels,
} from 'discord.js';
import type { ReplyPayload } from './format.js';

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

/**
 * Sends payloads in answer to a message: the first as a reply to `replyTo` (when given), the
 * rest in the same channel. Returns the sent messages.
 */
export async function deliverToChannel(
  channel: SendableChannels,
  payloads: readonly ReplyPayload[],
  replyTo?: Message,
): Promise<Message[]> {
  const sent: Message[] = [];
  for (const [i, payload] of payloads.entries()) {
    const options = toMessageOptions(payload);
    sent.push(i === 0 && replyTo ? await replyTo.reply(options) : await channel.send(options));
  }
  return sent;
}
