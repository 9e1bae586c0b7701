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
import { logFailure, replyToMessageWithError, safeError } from './errors.js';
import { autoQuestion, autoReplyKind, isForumStarter, settingsChannelOf } from './autoReply.js';
import { defaultSettings } from './settings.js';
import { notice, notices, truncate } from './format.js';
import { LRUCache } from 'lru-cache';
import { cleanText } from './sanitize.js';
import { deliverToChannel, NO_MENTIONS } from './send.js';

/** How a message reached the bot. */
export type MessageTrigger = 'mention' | 'reply' | 'thread' | 'auto';

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
  const key =
    trigger === 'thread'
      ? message.channelId
      : trigger === 'reply'
        ? message.reference?.messageId
        : undefined;
  if (!key) return [];
  const remembered = ctx.conversations.history(key);
  if (remembered) return remembered;
  const stored = await ctx.state.loadConversation(key).catch(() => undefined);
  if (stored) return stored;
  return trigger === 'thread'
    ? rebuildFromThread(message, botId)
    : rebuildFromReference(message, botId);
}

/** A message's trigger and question, or undefined when the bot should stay silent. */
async function triggerOf(
  ctx: BotContext,
  message: Message,
  botId: string,
): Promise<{ trigger: MessageTrigger; raw: string } | undefined> {
  const addressed = classifyMessage(
    message,
    botId,
    (id) => ctx.conversations.history(id) !== undefined,
  );
  if (addressed) return { trigger: addressed, raw: questionFromContent(message.content, botId) };
  const kind = autoReplyKind(message);
  if (!kind) return undefined;
  const settings = await ctx.settings.forChannel(message.guildId, settingsChannelOf(message));
  if (!settings.autoReply) return undefined;
  return { trigger: 'auto', raw: autoQuestion(message, kind, ctx.config.MAX_QUESTION_CHARS) };
}

/** Tells a limited user why (once per window), unless the question came by auto-reply. */
async function noticeLimited(
  ctx: BotContext,
  message: Message,
  trigger: MessageTrigger,
  text: string,
): Promise<void> {
  ctx.logger.info({ event: 'limited', guild: message.guildId, via: trigger }, 'question limited');
  if (trigger === 'auto' || !shouldNotify(ctx, message.author.id)) return;
  await message.reply({ content: text, allowedMentions: NO_MENTIONS }).catch((error: unknown) => {
    ctx.logger.warn({ error: safeError(error, ctx.secrets) }, 'could not send the limit notice');
  });
}

/** Takes a question slot: the user's cooldown and the guild's bound, or the auto-reply gate. */
async function takeSlot(
  ctx: BotContext,
  message: Message,
  trigger: MessageTrigger,
  cooldownSeconds: number,
): Promise<(() => void) | undefined> {
  if (trigger === 'auto') {
    const gate = await ctx.autoReplies.acquire(message.guildId ?? 'dm');
    if (gate.ok) return gate.release;
    await noticeLimited(ctx, message, trigger, '');
    return undefined;
  }
  const decision = ctx.limits.tryAcquire(
    message.author.id,
    message.guildId,
    cooldownSeconds * 1000,
  );
  if (decision.ok) return decision.release;
  await noticeLimited(ctx, message, trigger, slotNotice(decision));
  return undefined;
}

/** Where the answer goes: a new thread (per setting), the forum post, or a reply in place. */
async function destinationFor(
  message: Message,
  trigger: MessageTrigger,
  replyMode: 'thread' | 'inline',
  question: string,
): Promise<{ channel?: SendableChannels; replyTo?: Message; threadId?: string }> {
  const newThread =
    (trigger === 'mention' || trigger === 'auto') &&
    replyMode === 'thread' &&
    message.channel.type === ChannelType.GuildText;
  if (newThread) {
    const thread = await message.startThread({
      name: threadNameFor(question),
      autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
    });
    return { channel: thread, threadId: thread.id };
  }
  const channel = message.channel.isSendable() ? message.channel : undefined;
  const threadId = trigger === 'thread' || isForumStarter(message) ? message.channelId : undefined;
  return { channel, replyTo: message, threadId };
}

/** Answers a message addressed to the bot, or auto-replied; anything else is ignored. Never throws. */
export async function handleMessage(ctx: BotContext, message: Message): Promise<void> {
  if (ctx.closing || !message.client.user) return;
  const botId = message.client.user.id;
  let found: Awaited<ReturnType<typeof triggerOf>>;
  try {
    found = await triggerOf(ctx, message, botId);
  } catch (error) {
    ctx.logger.warn(
      { event: 'settings-unavailable', error: safeError(error, ctx.secrets) },
      'could not read settings; message ignored',
    );
    return;
  }
  if (!found) return;
  const { trigger } = found;
  // A gateway replay (resume) can deliver the same message twice: answer it once.
  if (ctx.handledMessages.has(message.id)) return;
  ctx.handledMessages.set(message.id, true);

  let question: string;
  try {
    question = prepareQuestion(found.raw, ctx.config.MAX_QUESTION_CHARS);
  } catch (error) {
    // An image-only or empty forum post is left to people, without a scolding.
    if (trigger === 'auto') {
      ctx.logger.info(
        { event: 'auto-skip', reason: 'no question text', guild: message.guildId },
        'auto-reply skipped',
      );
      return;
    }
    await replyToMessageWithError(message, error, ctx.logger, ctx.secrets);
    return;
  }

  const settings = await ctx.settings
    .forChannel(message.guildId, settingsChannelOf(message))
    .catch(() => defaultSettings(ctx.config));
  const release = await takeSlot(ctx, message, trigger, settings.cooldownSeconds);
  if (!release) return;

  const startedAt = Date.now();
  try {
    const history = await historyFor(ctx, message, trigger, botId);
    if (message.channel.isSendable()) message.channel.sendTyping().catch(() => undefined);
    const prepared = await answerQuestion(ctx, question, history, {
      via: trigger,
      guildId: message.guildId,
      channelId: message.channelId,
      userId: message.author.id,
      startedAt,
    });
    let replies = prepared.replies;
    if (trigger === 'auto' && prepared.answer.refused) {
      if (settings.unanswered === 'silent') {
        ctx.logger.info(
          {
            event: 'auto-unanswered',
            guild: message.guildId,
            channel: message.channelId,
            note: false,
          },
          'the story does not say; left to people',
        );
        return;
      }
      replies = [notice(notices.autoUnanswered())];
    }
    const { channel, replyTo, threadId } = await destinationFor(
      message,
      trigger,
      settings.replyMode,
      question,
    );
    if (!channel) return;

    const sent = await deliverToChannel(channel, replies, replyTo, ctx.logger);
    if (sent.length === 0) return;
    const conversationKeys = [...(threadId ? [threadId] : []), ...sent.map((m) => m.id)];
    const turns = ctx.conversations.record(conversationKeys, history, {
      question,
      answer: prepared.answer.answer,
    });
    await ctx.state.saveConversation(conversationKeys, turns).catch((error: unknown) => {
      ctx.logger.warn(
        { event: 'conversation-save-failed', error: safeError(error, ctx.secrets) },
        'could not store the conversation; follow-ups rebuild it from Discord',
      );
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
    if (trigger === 'auto')
      logFailure(
        ctx.logger,
        error,
        { command: 'auto-reply', guildId: message.guildId, channelId: message.channelId },
        ctx.secrets,
      );
    else await replyToMessageWithError(message, error, ctx.logger, ctx.secrets);
  } finally {
    release();
  }
}
