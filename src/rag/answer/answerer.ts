import type { Answer, Passage, Summary, SummaryLength, Turn } from '../types.js';

/** What an answerer is given besides the question. */
export interface AnswerContext {
  /** Retrieved passages, numbered from 1 in rank order. */
  passages: Passage[];
  /** Earlier turns of the conversation, oldest first. */
  history?: Turn[];
  signal?: AbortSignal;
}

/** What a summarizer is given: passages in story order (article order, then offset). */
export interface SummaryContext {
  passages: Passage[];
  length: SummaryLength;
  focus?: string;
  signal?: AbortSignal;
}

/**
 * Turns numbered passages into a cited answer or summary. Implementations never invent citations:
 * every `Citation` is built from a passage's chunk and quotes the article verbatim.
 */
export interface Answerer {
  readonly id: string;
  answer(question: string, context: AnswerContext): Promise<Answer>;
  summarize(context: SummaryContext): Promise<Summary>;
}
