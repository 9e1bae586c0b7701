/**
 * Fitted weights of the answer-or-refuse model (src/rag/answer/refusal.ts). Written by
 * `npm run fit:refusal -- --dataset DIR --split dev --write`; do not edit by hand.
 */
import type { RefusalModel } from './refusal.js';

export const FITTED_REFUSAL_MODEL: RefusalModel = {
  weights: {
    coverage: 0.9637,
    contextCoverage: 0.8798,
    heaviestMissing: -0.8295,
    missingNamedInSentence: -0.0968,
    missingNamedAnywhere: 0,
    missingNumber: 0,
    negationMismatch: -2.5083,
    antonym: -1.5104,
    roleSwap: -2.6372,
    otherSubject: -1.6875,
    numberElsewhere: -1.4402,
    kindMissing: 0,
    shortFound: -1.1223,
    yesno: 0,
  },
  bias: 0.2544,
  fittedBy:
    'npm run fit:refusal -- --dataset <squad2-dev> --split dev --write (197 decisions, 2026-12-02)',
};
