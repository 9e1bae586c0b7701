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
import { cleanQuestion } from './sanitize.js';
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
  const decision = ctx.limits.tryAcquire(interaction.user.id, interaction.guildId);
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

/** Asks the serving engine and formats the reply; the answer is remembered for its buttons. */
export async function answerQuestion(
  ctx: BotContext,
  question: string,
  history: readonly Turn[] = [],
): Promise<PreparedAnswer> {
  const engine = ctx.engines.current();
  const answer = await engine.ask(question, history.length > 0 ? { history: [...history] } : {});
  const answerId = newAnswerId();
  ctx.answers.remember(answerId, {
    question,
    answer: answer.answer,
    citations: answer.citations,
    refused: answer.refused,
  });
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

/** Where and how a question was answered, for the one log line per answered question. */
export interface AnsweredFields {
  via: 'slash' | 'mention' | 'reply' | 'thread';
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
