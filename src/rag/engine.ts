/**
 * The pipeline's front door: everything outside `src/rag` (CLI, Discord) talks to an `Engine`.
 */
import type { CoreConfig } from '../config.js';
import type { Answer, ArticleMeta, Manifest, Summary, SummaryLength, Turn } from './types.js';

export interface AskOptions {
  /** Earlier turns, oldest first; used to resolve follow-ups like "and what about Japan?". */
  history?: Turn[];
  signal?: AbortSignal;
}

export interface SummaryOptions {
  length?: SummaryLength;
  focus?: string;
  signal?: AbortSignal;
}

/** What `/status` and `--json` outputs show about the loaded index. */
export interface EngineInfo {
  embedder: string;
  answerer: string;
  chunks: number;
  articles: number;
  builtAt: string;
  indexDir: string;
}

/** A loaded, read-only index plus the configured answerer. Safe to share between requests. */
export interface Engine {
  readonly manifest: Manifest;
  readonly articles: ArticleMeta[];
  ask(question: string, options?: AskOptions): Promise<Answer>;
  summarize(options?: SummaryOptions): Promise<Summary>;
  info(): EngineInfo;
}

export type { CoreConfig };
