/**
 * Fitted weights of the answer-or-refuse model (src/rag/answer/refusal.ts). Written by
 * `npm run fit:refusal -- --dataset DIR --split dev --write`; do not edit by hand.
 */
import type { RefusalModel } from './refusal.js';

export const FITTED_REFUSAL_MODEL: RefusalModel = {
  weights: {
    coverage: 1.5947,
    contextCoverage: 0.194,
    heaviestMissing: 0,
    missingNamedInSentence: 0,
    missingNamedAnywhere: 0,
    missingNumber: 0,
    negationMismatch: -1.7662,
    antonym: -1.1977,
    kindMissing: 0,
    shortFound: -1.3502,
    yesno: 0,
  },
  bias: 0.3498,
  fittedBy:
    'npm run fit:refusal -- --dataset <squad2-dev> --split dev --write (191 decisions, 2026-12-01)',
};
