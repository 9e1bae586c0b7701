/**
 * Answers kept in memory for their buttons: "Sources" needs the full quotes and feedback needs
 * the question. Bounded, so old answers fall out; their buttons then say so politely.
 */
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Citation } from '../rag/types.js';

/** What the buttons of one answer need. */
export interface RememberedAnswer {
  question: string;
  answer: string;
  citations: Citation[];
  refused: boolean;
}

/** A short random id for an answer, safe inside a button custom id. */
export function newAnswerId(): string {
  return randomBytes(9).toString('base64url');
}

/** Answers by id, least recently used evicted first. */
export class AnswerStore {
  private readonly answers: LRUCache<string, RememberedAnswer>;

  constructor(capacity = 2_000) {
    this.answers = new LRUCache({ max: capacity });
  }

  remember(answerId: string, answer: RememberedAnswer): void {
    this.answers.set(answerId, answer);
  }

  get(answerId: string): RememberedAnswer | undefined {
    return this.answers.get(answerId);
  }
}
