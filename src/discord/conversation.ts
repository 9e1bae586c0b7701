/**
 * Conversation state for follow-ups: replying to one of the bot's answers, or writing in a thread
 * the bot started, continues with the earlier turns as context for retrieval.
 *
 * State lives in a bounded LRU keyed by the bot's answer message ids and by thread id. Each key
 * holds the turns *up to* that point, so replying to an older answer branches from there instead
 * of dragging in later turns. After a restart (or eviction) a reply is rebuilt from the message it
 * references, which Discord hands us with the reply.
 */
import type { Message } from 'discord.js';
import { LRUCache } from 'lru-cache';
import type { Turn } from '../rag/types.js';
import { cleanQuestion } from './sanitize.js';

/** Turns kept per conversation: enough for "and what about…?" without growing prompts. */
export const MAX_TURNS = 6;
/** Characters of each earlier answer kept as context. */
export const MAX_HISTORY_ANSWER_CHARS = 1_500;

/** Turns by answer message id or thread id. */
export class ConversationStore {
  private readonly byKey: LRUCache<string, readonly Turn[]>;

  constructor(capacity = 5_000) {
    this.byKey = new LRUCache({ max: capacity });
  }

  /** The turns recorded under a message or thread id. */
  history(key: string): readonly Turn[] | undefined {
    return this.byKey.get(key);
  }

  /** Appends `turn` to `previous` and records the result under every key; returns it. */
  record(keys: readonly string[], previous: readonly Turn[], turn: Turn): readonly Turn[] {
    const next = [
      ...previous,
      { question: turn.question, answer: turn.answer.slice(0, MAX_HISTORY_ANSWER_CHARS) },
    ].slice(-MAX_TURNS);
    for (const key of keys) this.byKey.set(key, next);
    return next;
  }
}

/** Removes mentions of the bot (`<@id>` / `<@!id>`) and cleans the rest into a question. */
export function questionFromContent(content: string, botId: string): string {
  return cleanQuestion(content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' '));
}

/** True when the text mentions the bot explicitly (not merely a reply ping). */
export function mentionsBot(content: string, botId: string): boolean {
  return new RegExp(`<@!?${botId}>`).test(content);
}

/**
 * Recovers an answer's text from the bot's message content: drops the subtext notes we append
 * (`-# …`) and the zero-width characters that neutralized mentions.
 */
export function answerFromBotContent(content: string): string {
  return content
    .split('\n')
    .filter((line) => !line.startsWith('-# '))
    .join('\n')
    .replace(/\u200B/g, '')
    .trim();
}

/**
 * Rebuilds one turn from the bot message a user replied to: its content is the answer, and the
 * message it replied to holds the question. Returns [] when anything is missing.
 */
export async function rebuildFromReference(message: Message, botId: string): Promise<Turn[]> {
  try {
    const answerMessage = await message.fetchReference();
    if (answerMessage.author.id !== botId) return [];
    const answer = answerFromBotContent(answerMessage.content);
    let question = '';
    if (answerMessage.reference?.messageId) {
      const questionMessage = await answerMessage.fetchReference();
      question = questionFromContent(questionMessage.content, botId);
    }
    return answer && question ? [{ question, answer }] : [];
  } catch {
    return [];
  }
}

/**
 * Rebuilds the turns of a bot-started thread from its recent messages (a user message followed
 * by the bot's answer makes one turn). Used when the thread's state is no longer in memory.
 */
export async function rebuildFromThread(
  message: Message,
  botId: string,
  limit = 20,
): Promise<Turn[]> {
  try {
    const recent = await message.channel.messages.fetch({ limit, before: message.id });
    const ordered = [...recent.values()].sort((a, b) => a.createdTimestamp - b.createdTimestamp);
    const turns: Turn[] = [];
    let pending: string | undefined;
    for (const m of ordered) {
      if (m.author.id === botId) {
        if (pending) turns.push({ question: pending, answer: answerFromBotContent(m.content) });
        pending = undefined;
      } else if (!m.author.bot) {
        pending = questionFromContent(m.content, botId) || undefined;
      }
    }
    return turns.slice(-MAX_TURNS);
  } catch {
    return [];
  }
}
