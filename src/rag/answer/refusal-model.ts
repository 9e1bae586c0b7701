/**
 * Fitted weights of the answer-or-refuse model (src/rag/answer/refusal.ts). Written by
 * `npm run fit:refusal -- --dataset DIR --split dev --write`; do not edit by hand.
 */
import type { RefusalModel } from './refusal.js';

export const FITTED_REFUSAL_MODEL: RefusalModel = {
  weights: {
    coverage: 1.8328,
    contextCoverage: 0.742,
    heaviestMissing: -0.7598,
    missingNamedInSentence: -0.3101,
    missingNamedAnywhere: 0,
    missingNumber: 0,
    negationMismatch: -2.482,
    antonym: -1.9945,
    roleSwap: -2.7237,
    otherSubject: -2.1045,
    numberElsewhere: -1.5312,
    kindMissing: 0,
    shortFound: -1.2662,
    yesno: 0,
  },
  bias: 0.0033,
  fittedBy:
    'npm run fit:refusal -- --dataset <squad2-dev> --split dev --write (200 decisions, L2 0.002 by 5-fold cross-validation, 2026-12-02)',
};
