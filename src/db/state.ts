/**
 * The bot's durable state behind one object: the answer log, 👍/👎 feedback and conversation
 * turns, over either engine. Every write is awaited before the bot acknowledges anything, so what a
 * user saw acknowledged is on disk (or committed in PostgreSQL) even if the process dies next.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Turn } from '../rag/types.js';
import type { OpenDatabase } from './open.js';
import type { Database } from './schema.js';

export type Vote = 'up' | 'down';
/** Outcome of a vote: new, changed from the other vote, or the same vote again (not written). */
export type VoteOutcome = 'recorded' | 'changed' | 'unchanged';

/** One answered question, as the bot logs it. */
export interface AnswerLogEntry {
  id: string;
  at: Date;
  guildId: string | null;
  channelId: string | null;
  userId: string;
  via: string;
  /** Null when the server chose not to keep question text. */
  question: string | null;
  refused: boolean;
  latencyMs: number;
  citations: readonly string[];
  answerer: string;
}

const SALT_KEY = 'user_hash_salt';

/** The UTC day of a time, `YYYY-MM-DD`. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Reads the salt for user hashes, creating it (or adopting `preferred`, e.g. an imported file's) once. */
async function ensureSalt(db: Kysely<Database>, preferred?: string): Promise<string> {
  const found = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', SALT_KEY)
    .executeTakeFirst();
  if (found) return found.value;
  const salt =
    preferred && /^[0-9a-f]{32,}$/.test(preferred) ? preferred : randomBytes(32).toString('hex');
  // Two shards starting at once: whoever inserts first wins, the other reads the winner's salt.
  await db
    .insertInto('meta')
    .values({ key: SALT_KEY, value: salt })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const stored = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', SALT_KEY)
    .executeTakeFirstOrThrow();
  return stored.value;
}

/** Answer log, feedback and conversations over an open database. */
export class StateStore {
  private constructor(
    readonly database: OpenDatabase,
    private readonly salt: string,
  ) {}

  /** Wraps an open database; `preferredSalt` is adopted when the database has no salt yet. */
  static async open(database: OpenDatabase, preferredSalt?: string): Promise<StateStore> {
    return new StateStore(database, await ensureSalt(database.db, preferredSalt));
  }

  get db(): Kysely<Database> {
    return this.database.db;
  }

  /** The stored form of a Discord user id: sha256(salt:id), hex. Raw ids are never stored. */
  hashUser(userId: string): string {
    return createHash('sha256').update(`${this.salt}:${userId}`).digest('hex');
  }

  /** Appends one answered question to the log (durable when this resolves). */
  async logAnswer(entry: AnswerLogEntry): Promise<void> {
    await this.db
      .insertInto('answers')
      .values({
        id: entry.id,
        created_at: entry.at.getTime(),
        day: utcDay(entry.at),
        guild_id: entry.guildId,
        channel_id: entry.channelId,
        user_hash: this.hashUser(entry.userId),
        via: entry.via,
        question: entry.question,
        refused: entry.refused ? 1 : 0,
        latency_ms: Math.round(entry.latencyMs),
        citations: JSON.stringify(entry.citations),
        answerer: entry.answerer,
      })
      .execute();
  }

  /** Records a vote; the same vote again writes nothing and says so. */
  async recordVote(input: {
    answerId: string;
    userId: string;
    vote: Vote;
    question: string | null;
    guildId: string | null;
    at?: Date;
  }): Promise<VoteOutcome> {
    const userHash = this.hashUser(input.userId);
    return this.db.transaction().execute(async (trx) => {
      const previous = await trx
        .selectFrom('feedback')
        .select('vote')
        .where('answer_id', '=', input.answerId)
        .where('user_hash', '=', userHash)
        .executeTakeFirst();
      if (previous?.vote === input.vote) return 'unchanged';
      const row = {
        answer_id: input.answerId,
        user_hash: userHash,
        vote: input.vote,
        question: input.question,
        guild_id: input.guildId,
        created_at: (input.at ?? new Date()).getTime(),
      };
      await trx
        .insertInto('feedback')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['answer_id', 'user_hash'])
            .doUpdateSet({ vote: row.vote, created_at: row.created_at }),
        )
        .execute();
      return previous ? 'changed' : 'recorded';
    });
  }

  /** The current vote of a user on an answer, if any. */
  async voteOf(answerId: string, userId: string): Promise<Vote | undefined> {
    const row = await this.db
      .selectFrom('feedback')
      .select('vote')
      .where('answer_id', '=', answerId)
      .where('user_hash', '=', this.hashUser(userId))
      .executeTakeFirst();
    return row?.vote;
  }

  /** The question and guild of a logged answer (for feedback after a restart). */
  async answerFacts(
    answerId: string,
  ): Promise<{ question: string | null; guildId: string | null } | undefined> {
    const row = await this.db
      .selectFrom('answers')
      .select(['question', 'guild_id'])
      .where('id', '=', answerId)
      .executeTakeFirst();
    return row && { question: row.question, guildId: row.guild_id };
  }

  /** Stores the turns of a conversation under each key (answer message ids, thread id). */
  async saveConversation(
    keys: readonly string[],
    turns: readonly Turn[],
    at = new Date(),
  ): Promise<void> {
    if (keys.length === 0) return;
    const text = JSON.stringify(turns);
    const rows = keys.map((key) => ({ key, turns: text, updated_at: at.getTime() }));
    await this.db
      .insertInto('conversations')
      .values(rows)
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          turns: eb.ref('excluded.turns'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  /** The turns stored under a message or thread id. */
  async loadConversation(key: string): Promise<Turn[] | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .select('turns')
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) return undefined;
    try {
      const turns: unknown = JSON.parse(row.turns);
      return Array.isArray(turns) ? (turns as Turn[]) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Forgets question text older than the cutoff for one guild (or for answers without a guild when
   * `guildId` is null): only the counts, refusals and latencies remain. Returns rows changed.
   */
  async forgetQuestionsBefore(guildId: string | null, cutoff: Date): Promise<number> {
    const forget = (table: 'answers' | 'feedback') =>
      this.db
        .updateTable(table)
        .set({ question: null })
        .where('created_at', '<', cutoff.getTime())
        .where('question', 'is not', null)
        .where((eb) =>
          guildId === null ? eb('guild_id', 'is', null) : eb('guild_id', '=', guildId),
        )
        .executeTakeFirst();
    const [answers] = await Promise.all([forget('answers'), forget('feedback')]);
    return Number(answers.numUpdatedRows);
  }

  /** Guild ids that have logged answers (for the retention sweep). */
  async guildsWithAnswers(): Promise<Array<string | null>> {
    const rows = await this.db.selectFrom('answers').select('guild_id').distinct().execute();
    return rows.map((r) => r.guild_id);
  }

  async close(): Promise<void> {
    await this.database.close();
  }
}
