/**
 * Questions that arrive as messages: a mention of the bot, a reply to one of its answers, or a
 * message in a thread it started. Replies and thread messages continue the conversation.
 */
import {
  ChannelType,
  ThreadAutoArchiveDuration,
  type Message,
  type SendableChannels,
} from 'discord.js';
import type { Turn } from '../rag/types.js';
import { answerQuestion, logAnswered, prepareQuestion, slotNotice } from './answering.js';
import type { BotContext } from './context.js';
import {
  mentionsBot,
  questionFromContent,
  rebuildFromReference,
  rebuildFromThread,
} from './conversation.js';
import { replyToMessageWithError, safeError } from './errors.js';
import { truncate } from './format.js';
import { LRUCache } from 'lru-cache';
import { cleanText } from './sanitize.js';
import { deliverToChannel, NO_MENTIONS } from './send.js';

/** How a message reached the bot. */
export type MessageTrigger = 'mention' | 'reply' | 'thread';

/**
 * Decides whether a message is for the bot, and how (pure apart from reading the message).
 * Bots, webhooks and system messages are never answered: two bots must not talk in a loop.
 */
export function classifyMessage(
  message: Message,
  botId: string,
  isKnownAnswer: (messageId: string) => boolean,
): MessageTrigger | undefined {
  if (message.author.bot || message.webhookId || message.system) return undefined;
  const channel = message.channel;
  if (channel.isThread() && channel.ownerId === botId) return 'thread';
  const referenced = message.reference?.messageId;
  if (referenced && (message.mentions.repliedUser?.id === botId || isKnownAnswer(referenced)))
    return 'reply';
  if (mentionsBot(message.content, botId)) return 'mention';
  return undefined;
}

/** A thread name from the question: one line, at most 90 characters. */
export function threadNameFor(question: string): string {
  const oneLine = cleanText(question)
    .replace(/<@[!&]?\d+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(oneLine || 'Question', 90);
}

/** When each user was last told to slow down, so a flood gets one notice, not one per message. */
const noticeGates = new WeakMap<BotContext, LRUCache<string, number>>();

function shouldNotify(ctx: BotContext, userId: string): boolean {
  let gate = noticeGates.get(ctx);
  if (!gate) noticeGates.set(ctx, (gate = new LRUCache({ max: 10_000 })));
  const last = gate.get(userId);
  const window = Math.max(ctx.config.USER_COOLDOWN_SECONDS * 1000, 5_000);
  if (last !== undefined && Date.now() - last < window) return false;
  gate.set(userId, Date.now());
  return true;
}

async function historyFor(
  ctx: BotContext,
  message: Message,
  trigger: MessageTrigger,
  botId: string,
): Promise<readonly Turn[]> {
  if (trigger === 'thread')
    return (
      ctx.conversations.history(message.channelId) ?? (await rebuildFromThread(message, botId))
    );
  if (trigger === 'reply' && message.reference?.messageId) {
    return (
      ctx.conversations.history(message.reference.messageId) ??
      (await rebuildFromReference(message, botId))
    );
  }
  return [];
}

/** Answers a message addressed to the bot; anything else is ignored. Never throws. */
export async function handleMessage(ctx: BotContext, message: Message): Promise<void> {
  if (ctx.closing || !message.client.user) return;
  const botId = message.client.user.id;
  const trigger = classifyMessage(
    message,
    botId,
    (id) => ctx.conversations.history(id) !== undefined,
  );
  if (!trigger) return;

  let question: string;
  try {
    question = prepareQuestion(
      questionFromContent(message.content, botId),
      ctx.config.MAX_QUESTION_CHARS,
    );
  } catch (error) {
    await replyToMessageWithError(message, error, ctx.logger, ctx.secrets);
    return;
  }

  const decision = ctx.limits.tryAcquire(message.author.id, message.guildId);
  if (!decision.ok) {
    ctx.logger.info(
      { event: 'limited', reason: decision.reason, guild: message.guildId, via: trigger },
      'question limited',
    );
    if (shouldNotify(ctx, message.author.id)) {
      await message
        .reply({ content: slotNotice(decision), allowedMentions: NO_MENTIONS })
        .catch((error: unknown) => {
          ctx.logger.warn(
            { error: safeError(error, ctx.secrets) },
            'could not send the limit notice',
          );
        });
    }
    return;
  }

  const startedAt = Date.now();
  try {
    const history = await historyFor(ctx, message, trigger, botId);
    if (message.channel.isSendable()) message.channel.sendTyping().catch(() => undefined);
    const prepared = await answerQuestion(ctx, question, history);

    let channel: SendableChannels | undefined = message.channel.isSendable()
      ? message.channel
      : undefined;
    let replyTo: Message | undefined = message;
    const conversationKeys: string[] = [];
    if (
      trigger === 'mention' &&
      ctx.config.THREAD_PER_MENTION &&
      message.channel.type === ChannelType.GuildText
    ) {
      const thread = await message.startThread({
        name: threadNameFor(question),
        autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
      });
      channel = thread;
      replyTo = undefined;
      conversationKeys.push(thread.id);
    } else if (trigger === 'thread') {
      conversationKeys.push(message.channelId);
    }
    if (!channel) return;

    const sent = await deliverToChannel(channel, prepared.replies, replyTo);
    conversationKeys.push(...sent.map((m) => m.id));
    ctx.conversations.record(conversationKeys, history, {
      question,
      answer: prepared.answer.answer,
    });
    logAnswered(ctx, {
      via: trigger,
      guild: message.guildId,
      channel: channel.id,
      startedAt,
      answer: prepared.answer,
      parts: sent.length,
      followUp: history.length > 0,
    });
  } catch (error) {
    await replyToMessageWithError(message, error, ctx.logger, ctx.secrets);
  } finally {
    decision.release();
  }
}
