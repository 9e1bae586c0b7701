/**
 * Fitted weights of the answer-or-refuse model (src/rag/answer/refusal.ts). Written by
 * `npm run fit:refusal -- --dataset DIR --split dev --write`; do not edit by hand.
 */
import type { RefusalModel } from './refusal.js';

export const FITTED_REFUSAL_MODEL: RefusalModel = {
  weights: {
    coverage: 1.6359,
    contextCoverage: 0.6205,
    heaviestMissing: -0.7322,
    missingNamedInSentence: -0.2553,
    missingNamedAnywhere: 0,
    missingNumber: 0,
    negationMismatch: -2.4028,
    antonym: -1.5801,
    roleSwap: -2.675,
    otherSubject: -1.6552,
    numberElsewhere: -1.4411,
    kindMissing: 0,
    shortFound: -1.0995,
    yesno: 0,
  },
  bias: -0.0006,
  fittedBy:
    'npm run fit:refusal -- --dataset <squad2-dev> --split dev --write (198 decisions, 2026-12-02)',
};
