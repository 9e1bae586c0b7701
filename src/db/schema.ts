/**
 * The tables of the bot's state, as Kysely sees them. One schema for SQLite and PostgreSQL: times
 * are integer milliseconds since the epoch, booleans are 0/1 integers and lists are JSON text, so
 * every query reads the same on both.
 */
import type { Generated } from 'kysely';

/** Key/value facts about the database itself (the user-hash salt, one-time imports). */
export interface MetaTable {
  key: string;
  value: string;
}

/** A setting for a whole server (`scope_id` '') or one channel of it. `value` is JSON. */
export interface SettingsTable {
  guild_id: string;
  scope_id: string;
  key: string;
  value: string;
  updated_at: number;
}

/** One answered question. `question` becomes null once the guild's retention has passed. */
export interface AnswersTable {
  id: string;
  created_at: number;
  /** UTC day `YYYY-MM-DD`, so per-day counts group the same way on both engines. */
  day: string;
  guild_id: string | null;
  channel_id: string | null;
  /** sha256(salt:user id): never the raw id. */
  user_hash: string;
  via: string;
  question: string | null;
  refused: number;
  latency_ms: number;
  /** JSON array of the cited chunk ids. */
  citations: string;
  answerer: string;
}

/** The latest vote of one (hashed) user on one answer. */
export interface FeedbackTable {
  answer_id: string;
  user_hash: string;
  vote: 'up' | 'down';
  question: string | null;
  guild_id: string | null;
  created_at: number;
}

/** The turns of a conversation under an answer message id or a thread id (JSON). */
export interface ConversationsTable {
  key: string;
  turns: string;
  updated_at: number;
}

export interface Database {
  meta: MetaTable;
  settings: SettingsTable;
  answers: AnswersTable;
  feedback: FeedbackTable;
  conversations: ConversationsTable;
}

/** Rows of `answers` as inserted (nothing generated). */
export type NewAnswer = AnswersTable;
export type { Generated };
