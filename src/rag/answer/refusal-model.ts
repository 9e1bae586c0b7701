/**
 * Fitted weights of the answer-or-refuse model (src/rag/answer/refusal.ts). Written by
 * `npm run fit:refusal -- --dataset DIR --split dev --write`; do not edit by hand. Its type is
 * checked where it is used (`RefusalModel` in ./refusal.ts), so this file imports nothing.
 */
export const FITTED_REFUSAL_MODEL = {
  weights: {
    coverage: 2.1319,
    contextCoverage: 0.9077,
    heaviestMissing: -0.8815,
    missingNamedInSentence: -0.3156,
    missingNamedAnywhere: 0,
    missingNumber: 0,
    negationMismatch: 0,
    antonym: -2.2107,
    roleSwap: -2.9082,
    otherSubject: -2.0945,
    numberElsewhere: -1.5899,
    kindMissing: 0,
    shortFound: -1.6843,
    yesno: 0,
  },
  bias: 0.0495,
  fittedBy:
    'npm run fit:refusal -- --dataset <squad2-dev> --split dev --write (187 decisions, L2 0.002 by 5-fold cross-validation, 2026-12-02)',
};
