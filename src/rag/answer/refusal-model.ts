/**
 * Fitted weights of the answer-or-refuse model (src/rag/answer/refusal.ts). Written by
 * `npm run fit:refusal -- --dataset DIR --split dev --write`; do not edit by hand.
 */
import type { RefusalModel } from './refusal.js';

export const FITTED_REFUSAL_MODEL: RefusalModel = {
  weights: {
    coverage: 1.7024,
    contextCoverage: 0.7402,
    heaviestMissing: -0.7603,
    missingNamedInSentence: -0.3406,
    missingNamedAnywhere: 0,
    missingNumber: 0,
    negationMismatch: -2.4483,
    antonym: -1.5868,
    roleSwap: -2.7118,
    otherSubject: -2.0795,
    numberElsewhere: -1.4679,
    kindMissing: 0,
    shortFound: -1.0932,
    yesno: 0,
  },
  bias: -0.0724,
  fittedBy:
    'npm run fit:refusal -- --dataset <squad2-dev> --split dev --write (198 decisions, L2 0.002 by 5-fold cross-validation, 2026-12-02)',
};
