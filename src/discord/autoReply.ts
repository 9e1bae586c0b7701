/**
 * Auto-reply: in channels an admin turned it on for (/config), every new forum post and every
 * message in a text channel that looks like a question is answered without anyone mentioning the
 * bot. Posts the story does not cover get a short note (or nothing, per setting) so people can
 * answer. A per-server budget per minute and a per-server concurrency bound keep a busy forum from
 * crowding out everything else.
 */
import { ChannelType, type Message } from 'discord.js';
import { cleanQuestion } from './sanitize.js';

/** Words that open a question in English ("Who…", "Is…", "Can…"). */
const QUESTION_OPENERS =
  /^(who|whom|whose|what|when|where|why|how|which|is|are|was|were|do|does|did|can|could|will|would|should|shall|has|have|had|may|might|any(one|body)?)\b/i;

/** True when a chat message reads as a question: it ends a sentence with "?" or opens like one. */
export function looksLikeQuestion(text: string): boolean {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length < 3) return false;
  return /\?(\s|$)/.test(text) || QUESTION_OPENERS.test(text.trim());
}

/** The forum post a message starts, if it is a forum thread's starter message. */
export function isForumStarter(message: Message): boolean {
  const channel = message.channel;
  return (
    channel.isThread() &&
    channel.id === message.id &&
    (channel.parent?.type === ChannelType.GuildForum ||
      channel.parent?.type === ChannelType.GuildMedia)
  );
}

/** The channel whose settings apply: a thread follows its parent (a forum post follows its forum). */
export function settingsChannelOf(message: Message): string {
  const channel = message.channel;
  return channel.isThread() ? (channel.parentId ?? channel.id) : channel.id;
}

/** How a message qualifies for auto-reply, before settings are read. */
export type AutoReplyKind = 'forum-post' | 'question';

/** Whether a message not addressed to the bot could be auto-answered (settings decide next). */
export function autoReplyKind(message: Message): AutoReplyKind | undefined {
  if (message.author.bot || message.webhookId || message.system || !message.guildId)
    return undefined;
  if (isForumStarter(message)) return 'forum-post';
  // Messages in threads the bot did not start are people talking: only answered when asked.
  if (message.channel.type !== ChannelType.GuildText) return undefined;
  return looksLikeQuestion(message.content) ? 'question' : undefined;
}

/** Characters past which a post is long enough that its question sentences are asked alone. */
export const LONG_POST_CHARS = 400;

/**
 * The question of an auto-replied message: a forum post's title and body, or the message. A long
 * post is asked by its title and the sentences in it that end with "?" (the context around them
 * would drown the question); without any, it is cut at a word boundary to `maxChars`.
 */
export function autoQuestion(message: Message, kind: AutoReplyKind, maxChars: number): string {
  const title = kind === 'forum-post' && message.channel.isThread() ? message.channel.name : '';
  const text = cleanQuestion([title, message.content].filter(Boolean).join('\n'));
  if (text.length <= LONG_POST_CHARS) return text;
  const asked =
    message.content
      .match(/[^.!?\n]*\?/g)
      ?.map((s) => s.trim())
      .filter(Boolean) ?? [];
  const focused = asked.length > 0 ? cleanQuestion([title, ...asked].join('\n')) : text;
  if (focused.length <= maxChars) return focused;
  const cut = focused.slice(0, maxChars);
  const space = cut.lastIndexOf(' ');
  return (space > maxChars * 0.6 ? cut.slice(0, space) : cut).trim();
}

/** The outcome of asking the gate for an auto-reply slot. */
export type GateDecision = { ok: true; release: () => void } | { ok: false; reason: 'budget' };

/**
 * Per-server limits for auto-replies: at most `perMinute` started in any 60 s window (the rest are
 * left to people), and at most `concurrent` at once (the others wait their turn, in order).
 */
export class AutoReplyGate {
  private readonly started = new Map<string, number[]>();
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(
    private readonly perMinute: number,
    private readonly concurrent: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes a slot for `guildId`, waiting for a free one; refuses past the minute's budget. */
  async acquire(guildId: string): Promise<GateDecision> {
    const now = this.clock();
    const recent = (this.started.get(guildId) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.perMinute) {
      this.started.set(guildId, recent);
      return { ok: false, reason: 'budget' };
    }
    recent.push(now);
    this.started.set(guildId, recent);
    if ((this.active.get(guildId) ?? 0) >= this.concurrent) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(guildId) ?? [];
        queue.push(resolve);
        this.waiting.set(guildId, queue);
      });
    } else {
      this.active.set(guildId, (this.active.get(guildId) ?? 0) + 1);
    }
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiting.get(guildId)?.shift();
        // Hand the slot straight to the next waiter; the count stays the same.
        if (next) return next();
        const left = (this.active.get(guildId) ?? 1) - 1;
        if (left <= 0) this.active.delete(guildId);
        else this.active.set(guildId, left);
      },
    };
  }
}
