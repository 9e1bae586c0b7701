/**
 * Fitted weights of the answer-or-refuse model (src/rag/answer/refusal.ts). Written by
 * `npm run fit:refusal -- --dataset DIR --split dev --write`; do not edit by hand.
 */
import type { RefusalModel } from './refusal.js';

export const FITTED_REFUSAL_MODEL: RefusalModel = {
  weights: {
    coverage: 1.59,
    contextCoverage: 0.4941,
    heaviestMissing: -0.0446,
    missingNamedInSentence: 0,
    missingNamedAnywhere: 0,
    missingNumber: 0,
    negationMismatch: -2.1068,
    antonym: -1.1703,
    roleSwap: -2.7254,
    kindMissing: 0,
    shortFound: -1.0283,
    yesno: 0,
  },
  bias: -0.0661,
  fittedBy:
    'npm run fit:refusal -- --dataset <squad2-dev> --split dev --write (197 decisions, 2026-12-01)',
};
