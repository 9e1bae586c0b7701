/**
 * The decision to answer or refuse, as a logistic model over the evidence the reader collects
 * (src/rag/answer/reader.ts). Its weights are fitted on a development set by
 * `npm run fit:refusal -- --dataset DIR` and committed in `refusal-model.ts` beside this file,
 * together with the command and data that produced them.
 */
import { FITTED_REFUSAL_MODEL } from './refusal-model.js';

export const REFUSAL_FEATURES = [
  'coverage',
  'contextCoverage',
  'heaviestMissing',
  'missingNamedInSentence',
  'missingNamedAnywhere',
  'missingNumber',
  'negationMismatch',
  'antonym',
  'roleSwap',
  'otherSubject',
  'numberElsewhere',
  'kindMissing',
  'shortFound',
  'yesno',
] as const;

export type RefusalFeature = (typeof REFUSAL_FEATURES)[number];
export type RefusalFeatures = Record<RefusalFeature, number>;

export interface RefusalModel {
  weights: Record<RefusalFeature, number>;
  bias: number;
  /** How the weights were produced (command, data, split, date). */
  fittedBy?: string;
}

let model: RefusalModel = FITTED_REFUSAL_MODEL;

/** Replaces the model (fitting scripts evaluate candidate weights with it). */
export function setRefusalModel(next: RefusalModel): void {
  model = next;
}

export function refusalModel(): RefusalModel {
  return model;
}

/** Probability that the chosen sentence answers the question (0..1). */
export function refusalProbability(features: RefusalFeatures, m: RefusalModel = model): number {
  let z = m.bias;
  for (const f of REFUSAL_FEATURES) z += (m.weights[f] ?? 0) * features[f];
  return 1 / (1 + Math.exp(-z));
}
