/**
 * Fitted weights of the answer-or-refuse model (src/rag/answer/refusal.ts). Written by
 * `npm run fit:refusal -- --dataset DIR --split dev --write`; do not edit by hand.
 */
import type { RefusalModel } from './refusal.js';

export const FITTED_REFUSAL_MODEL: RefusalModel = {
  weights: {
    coverage: 1.3311,
    contextCoverage: 0.6615,
    heaviestMissing: -0.7468,
    missingNamedInSentence: -0.0544,
    missingNamedAnywhere: 0,
    missingNumber: 0,
    negationMismatch: -2.2061,
    antonym: -0.5897,
    roleSwap: -2.643,
    kindMissing: 0,
    shortFound: -1.1521,
    yesno: 0,
  },
  bias: 0.1925,
  fittedBy:
    'npm run fit:refusal -- --dataset <squad2-dev> --split dev --write (200 decisions, 2026-12-01)',
};
