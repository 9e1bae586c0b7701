/**
 * The shared steps of answering a question from Discord, whichever way it arrived (slash
 * command, mention, reply, thread): clean and check the question, take a question slot, ask the
 * engine, remember the answer for its buttons, and log one line once it is delivered.
 */
import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { UserFacingError } from '../errors.js';
import type { Answer, Turn } from '../rag/types.js';
import { newAnswerId } from './answers.js';
import type { BotContext } from './context.js';
import { formatCitedReplies, notices, type ReplyPayload } from './format.js';
import type { SlotDecision } from './limits.js';
import { safeError } from './errors.js';
import { cleanQuestion } from './sanitize.js';
import { defaultSettings } from './settings.js';
import { NO_MENTIONS } from './send.js';

/** Cleans a question (hygiene, mention ids removed) and refuses empty or over-long ones with a user-safe message. */
export function prepareQuestion(raw: string, maxChars: number): string {
  // User, role and channel mentions are Discord ids, never words of the story: searching for
  // them only makes the answerer refuse ("the story never mentions 1234…").
  const question = cleanQuestion(raw.replace(/<(?:@[!&]?|#)\d+>/g, ' '));
  if (!question) throw new UserFacingError(notices.emptyQuestion());
  if (question.length > maxChars)
    throw new UserFacingError(notices.questionTooLong(question.length, maxChars));
  return question;
}

/** The private notice for a refused slot. */
export function slotNotice(decision: Exclude<SlotDecision, { ok: true }>): string {
  return decision.reason === 'cooldown'
    ? notices.cooldown(decision.retryAfterMs)
    : notices.guildBusy();
}

/**
 * Runs `work` inside a question slot for the interaction's user and guild; when refused,
 * answers with a short private notice instead (and `work` does not run).
 */
export async function withQuestionSlot(
  ctx: BotContext,
  interaction: ChatInputCommandInteraction,
  work: () => Promise<void>,
): Promise<void> {
  const settings = await ctx.settings
    .forChannel(interaction.guildId, interaction.channelId)
    .catch(() => defaultSettings(ctx.config));
  const decision = ctx.limits.tryAcquire(
    interaction.user.id,
    interaction.guildId,
    settings.cooldownSeconds * 1000,
  );
  if (!decision.ok) {
    ctx.logger.info(
      {
        event: 'limited',
        reason: decision.reason,
        guild: interaction.guildId,
        command: interaction.commandName,
      },
      'question limited',
    );
    await interaction.reply({
      content: slotNotice(decision),
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  try {
    await work();
  } finally {
    decision.release();
  }
}

/** An answer ready to send. */
export interface PreparedAnswer {
  answer: Answer;
  answerId: string;
  replies: ReplyPayload[];
}

/** Who asked where, for the answer log. */
export interface AnswerOrigin {
  via: AnsweredFields['via'];
  guildId: string | null;
  channelId: string | null;
  userId: string;
  startedAt: number;
}

/**
 * Asks the serving engine (with the channel's answerer), logs the answer to the database and
 * formats the reply. The log row is written before the caller sends anything, so every answer a
 * user received is in the log even if the process dies right after; a database fault costs the
 * row (one error line), never the answer.
 */
export async function answerQuestion(
  ctx: BotContext,
  question: string,
  history: readonly Turn[],
  origin: AnswerOrigin,
): Promise<PreparedAnswer> {
  const settings = await ctx.settings
    .forChannel(origin.guildId, origin.channelId)
    .catch(() => defaultSettings(ctx.config));
  const engine = ctx.engines.current();
  const answer = await engine.ask(question, {
    ...(history.length > 0 ? { history: [...history] } : {}),
    extractive: settings.answerer === 'extractive',
  });
  const answerId = newAnswerId();
  ctx.answers.remember(answerId, {
    question,
    answer: answer.answer,
    citations: answer.citations,
    refused: answer.refused,
  });
  await recordAnswer(ctx, origin, answerId, answer, settings.keepQuestions ? question : null);
  const replies = formatCitedReplies(
    {
      text: answer.answer,
      short: answer.short,
      citations: answer.citations,
      note: answer.note,
      refused: answer.refused,
    },
    { answerId },
  );
  return { answer, answerId, replies };
}

/** Writes one answer-log row; a database fault is logged (without the question), not thrown. */
async function recordAnswer(
  ctx: BotContext,
  origin: AnswerOrigin,
  answerId: string,
  answer: Answer,
  question: string | null,
): Promise<void> {
  try {
    await ctx.state.logAnswer({
      id: answerId,
      at: new Date(),
      guildId: origin.guildId,
      channelId: origin.channelId,
      userId: origin.userId,
      via: origin.via,
      question,
      refused: answer.refused,
      latencyMs: Date.now() - origin.startedAt,
      citations: answer.citations.map((c) => c.chunkId),
      answerer: answer.answerer,
    });
  } catch (error) {
    ctx.logger.error(
      { event: 'answer-log-failed', guild: origin.guildId, error: safeError(error, ctx.secrets) },
      'could not write the answer to the database; the answer is still sent',
    );
  }
}

/** Where and how a question was answered, for the one log line per answered question. */
export interface AnsweredFields {
  via: 'slash' | 'mention' | 'reply' | 'thread' | 'auto';
  guild: string | null;
  channel: string | null;
  startedAt: number;
  answer: Answer;
  parts: number;
  followUp?: boolean;
}

/** Logs the answered question: guild, channel, latency, refusal, citations (never the text). */
export function logAnswered(ctx: BotContext, fields: AnsweredFields): void {
  ctx.logger.info(
    {
      event: 'answer',
      via: fields.via,
      guild: fields.guild,
      channel: fields.channel,
      latencyMs: Date.now() - fields.startedAt,
      refused: fields.answer.refused,
      citations: fields.answer.citations.length,
      answerer: fields.answer.answerer,
      parts: fields.parts,
      ...(fields.followUp ? { followUp: true } : {}),
    },
    'answered question',
  );
}
