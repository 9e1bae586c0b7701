/**
 * Abuse limits for questions: a per-user cooldown and a per-guild cap on concurrent answers.
 * Both are in-memory and per process (per shard): a guild always lives on one shard, and a user
 * flooding several shards at once is still held by each shard's guild cap.
 */

/** Milliseconds since some fixed point; injectable so tests control time without waiting. */
export type Clock = () => number;

/** Outcome of asking for a question slot. */
export type SlotDecision =
  | { ok: true; release: () => void }
  | { ok: false; reason: 'cooldown'; retryAfterMs: number }
  | { ok: false; reason: 'guild-busy' };

export interface QuestionLimitsOptions {
  cooldownMs: number;
  maxConcurrentPerGuild: number;
  clock?: Clock;
  /** Bound on remembered users, so a flood of distinct ids cannot grow memory without limit. */
  maxTrackedUsers?: number;
}

/** Key used for questions asked outside any guild (DMs). */
const NO_GUILD = 'dm';

/**
 * Decides whether a question may start now. A granted slot counts against the guild until
 * `release()` is called (idempotent); the user's cooldown starts when the slot is granted.
 */
export class QuestionLimits {
  private readonly lastAsked = new Map<string, number>();
  private readonly active = new Map<string, number>();
  private readonly clock: Clock;
  private readonly maxTrackedUsers: number;

  constructor(private readonly options: QuestionLimitsOptions) {
    this.clock = options.clock ?? Date.now;
    this.maxTrackedUsers = options.maxTrackedUsers ?? 50_000;
  }

  /**
   * Tries to take a slot for `userId` in `guildId` (undefined for DMs); `cooldownMs` overrides the
   * default cooldown (a channel's /config setting).
   */
  tryAcquire(
    userId: string,
    guildId: string | undefined | null,
    cooldownMs = this.options.cooldownMs,
  ): SlotDecision {
    const now = this.clock();
    const last = this.lastAsked.get(userId);
    if (last !== undefined && now - last < cooldownMs) {
      return { ok: false, reason: 'cooldown', retryAfterMs: cooldownMs - (now - last) };
    }
    const guild = guildId ?? NO_GUILD;
    const running = this.active.get(guild) ?? 0;
    if (guildId && running >= this.options.maxConcurrentPerGuild)
      return { ok: false, reason: 'guild-busy' };

    this.remember(userId, now);
    this.active.set(guild, running + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.active.get(guild) ?? 1) - 1;
        if (left <= 0) this.active.delete(guild);
        else this.active.set(guild, left);
      },
    };
  }

  /** Questions being answered right now in a guild. */
  activeIn(guildId: string): number {
    return this.active.get(guildId) ?? 0;
  }

  private remember(userId: string, now: number): void {
    // Re-inserting keeps the map ordered by last question, so the oldest entries go first.
    this.lastAsked.delete(userId);
    this.lastAsked.set(userId, now);
    if (this.lastAsked.size > this.maxTrackedUsers) {
      for (const [id, at] of this.lastAsked) {
        if (this.lastAsked.size <= this.maxTrackedUsers && now - at < this.options.cooldownMs)
          break;
        this.lastAsked.delete(id);
      }
    }
  }
}
