/**
 * Fitted weights of the answer-or-refuse model (src/rag/answer/refusal.ts). Written by
 * `npm run fit:refusal -- --dataset DIR --split dev --write`; do not edit by hand.
 */
import type { RefusalModel } from './refusal.js';

export const FITTED_REFUSAL_MODEL: RefusalModel = {
  "weights": {
    "coverage": 1.4178,
    "contextCoverage": 0.4466,
    "heaviestMissing": 0,
    "missingNamedInSentence": 0,
    "missingNamedAnywhere": 0,
    "missingNumber": 0,
    "negationMismatch": -2.0226,
    "antonym": -1.1211,
    "roleSwap": -2.252,
    "kindMissing": 0,
    "shortFound": -1.0629,
    "yesno": 0
  },
  "bias": 0.057,
  "fittedBy": "npm run fit:refusal -- --dataset <squad2-dev> --split dev --write (198 decisions, 2026-12-01)"
};
