/**
 * Holds the live engine so a re-index can replace it without a restart. A question takes the
 * engine once, at its start, and keeps using that object: a swap mid-answer never mixes indexes.
 */
import { UserFacingError } from '../errors.js';
import type { Engine } from '../rag/engine.js';

/** Thrown when a question arrives before any index has been built. */
export class NoIndexError extends UserFacingError {
  constructor() {
    super(
      'The story has not been indexed yet. A server admin can run `/reindex` (or `npm run index` on the host).',
    );
  }
}

/** The engine currently serving, swapped atomically (a single reference assignment). */
export class EngineHolder {
  private engine: Engine | undefined;
  private swaps = 0;

  constructor(initial?: Engine) {
    this.engine = initial;
  }

  /** The serving engine; throws a user-facing error when there is none yet. */
  current(): Engine {
    if (!this.engine) throw new NoIndexError();
    return this.engine;
  }

  /** The serving engine, or undefined before the first index exists. */
  peek(): Engine | undefined {
    return this.engine;
  }

  /** Installs `next` and returns the engine it replaced. */
  swap(next: Engine): Engine | undefined {
    const previous = this.engine;
    this.engine = next;
    this.swaps += 1;
    return previous;
  }

  /** How many swaps happened since start (shown in logs, handy in tests). */
  get generation(): number {
    return this.swaps;
  }
}
