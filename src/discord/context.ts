/**
 * Everything a command or event handler needs, created once per bot process and passed in
 * explicitly (so tests build a real context around a real engine, with no globals).
 */
import type { Logger } from 'pino';
import type { BotConfig } from '../config.js';
import type { AnswerStore } from './answers.js';
import type { AutoReplyGate } from './autoReply.js';
import type { LRUCache } from 'lru-cache';
import type { Command } from './command.js';
import type { ConversationStore } from './conversation.js';
import type { EngineHolder } from './engineHolder.js';
import type { InFlight } from './inflight.js';
import type { QuestionLimits } from './limits.js';
import type { Reindexer } from './reindex/reindexer.js';
import type { SettingsService } from './settings.js';
import type { StateStore } from '../db/state.js';

export interface BotContext {
  readonly config: BotConfig;
  readonly commands: ReadonlyMap<string, Command>;
  readonly logger: Logger;
  readonly engines: EngineHolder;
  readonly limits: QuestionLimits;
  readonly conversations: ConversationStore;
  readonly answers: AnswerStore;
  /** Answer log, feedback and conversations in the database. */
  readonly state: StateStore;
  /** Per-server and per-channel settings (/config). */
  readonly settings: SettingsService;
  /** Per-server budget and concurrency of auto-replies. */
  readonly autoReplies: AutoReplyGate;
  /** Message ids already answered (a gateway replay must not answer twice). */
  readonly handledMessages: LRUCache<string, true>;
  readonly reindexer: Reindexer;
  readonly inFlight: InFlight;
  /** Literal secrets to scrub from any logged error text. */
  readonly secrets: readonly string[];
  readonly startedAt: number;
  readonly version: string;
  /** Set at shutdown: new work is declined politely while in-flight work finishes. */
  closing: boolean;
}
