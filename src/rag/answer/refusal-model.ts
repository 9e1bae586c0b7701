/**
 * Fitted weights of the answer-or-refuse model (src/rag/answer/refusal.ts). Written by
 * `npm run fit:refusal -- --dataset DIR --split dev --write`; do not edit by hand.
 */
import type { RefusalModel } from './refusal.js';

export const FITTED_REFUSAL_MODEL: RefusalModel = {
  weights: {
    coverage: 1.3998,
    contextCoverage: 0.1987,
    heaviestMissing: -0.1082,
    missingNamedInSentence: 0.2071,
    missingNamedAnywhere: 0,
    missingNumber: 0,
    negationMismatch: -1.7179,
    antonym: -1.2476,
    kindMissing: -1.3748,
    shortFound: -1.1811,
    yesno: 0,
  },
  bias: 0.2422,
  fittedBy:
    'npm run fit:refusal -- --dataset <squad2-dev> --split dev --write (199 decisions, 2026-12-01)',
};
