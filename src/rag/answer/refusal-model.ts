/**
 * Fitted weights of the answer-or-refuse model (src/rag/answer/refusal.ts). Written by
 * `npm run fit:refusal -- --dataset DIR --split dev --write`; do not edit by hand.
 */
import type { RefusalModel } from './refusal.js';

export const FITTED_REFUSAL_MODEL: RefusalModel = {
  weights: {
    coverage: 1.5397,
    contextCoverage: 0.3465,
    heaviestMissing: 0,
    missingNamedInSentence: 0,
    missingNamedAnywhere: 0,
    missingNumber: 0,
    negationMismatch: -1.9418,
    antonym: -1.0897,
    kindMissing: 0,
    shortFound: -1.0921,
    yesno: 0,
  },
  bias: 0.0566,
  fittedBy:
    'npm run fit:refusal -- --dataset <squad2-dev> --split dev --write (192 decisions, 2026-12-01)',
};
