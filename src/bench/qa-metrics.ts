/**
 * Answer scoring for reading-comprehension sets (SQuAD 2.0 style): normalization, "contains",
 * token F1 and the right-outcome tally, defined exactly as the data set's README defines them so
 * figures compare across runs and systems.
 */
import { normalizeAnswer } from './answer-accuracy.js';
import { percentile } from './metrics.js';

export { normalizeAnswer };

/** One question of a reading-comprehension set. */
export interface QaQuestion {
  id: string;
  context: string;
  question: string;
  /** Gold answers; any of them counts. Empty when unanswerable. */
  answers: string[];
  is_impossible: boolean;
}

/** What a system said, in the shape `ask --json` prints. */
export interface QaPrediction {
  answer: string;
  short: string | null;
  refused: boolean;
}

/** True when some normalized gold answer occurs as whole words in the answer text plus `short`. */
export function containsGold(prediction: QaPrediction, golds: readonly string[]): boolean {
  if (prediction.refused) return false;
  const hay = ` ${normalizeAnswer(`${prediction.answer} ${prediction.short ?? ''}`)} `;
  return golds.some((g) => {
    const n = normalizeAnswer(g);
    return n !== '' && hay.includes(` ${n} `);
  });
}

/** SQuAD token F1 between two texts (after normalization). */
export function tokenF1(predicted: string, gold: string): number {
  const p = normalizeAnswer(predicted).split(' ').filter(Boolean);
  const g = normalizeAnswer(gold).split(' ').filter(Boolean);
  if (p.length === 0 || g.length === 0) return p.length === g.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const w of g) counts.set(w, (counts.get(w) ?? 0) + 1);
  let same = 0;
  for (const w of p) {
    const c = counts.get(w) ?? 0;
    if (c > 0) {
      same++;
      counts.set(w, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/** F1 of `short` (or of the answer text when there is none) against the best gold; 0 when refused. */
export function shortF1(prediction: QaPrediction, golds: readonly string[]): number {
  if (prediction.refused) return 0;
  const text = prediction.short ?? prediction.answer.replace(/\s*\[\d+(?:,\s*\d+)*\]/g, '');
  return Math.max(0, ...golds.map((g) => tokenF1(text, g)));
}

/** Exact match of `short` (or the answer text) with some gold answer, after normalization. */
export function shortExact(prediction: QaPrediction, golds: readonly string[]): boolean {
  if (prediction.refused) return false;
  const text = normalizeAnswer(
    prediction.short ?? prediction.answer.replace(/\s*\[\d+(?:,\s*\d+)*\]/g, ''),
  );
  return golds.some((g) => normalizeAnswer(g) === text);
}

/** Words in an answer as a reader sees it (citation markers excluded). */
export function answerWords(prediction: QaPrediction): number {
  if (prediction.refused) return 0;
  const text = prediction.answer.replace(/\[\d+(?:,\s*\d+)*\]/g, ' ');
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Per-question outcome used by the tallies. */
export interface QaOutcome {
  id: string;
  answerable: boolean;
  refused: boolean;
  contains: boolean;
  exact: boolean;
  f1: number;
  words: number;
  latencyMs: number;
}

/** Scores one prediction. */
export function scoreQa(q: QaQuestion, prediction: QaPrediction, latencyMs: number): QaOutcome {
  const answerable = !q.is_impossible;
  return {
    id: q.id,
    answerable,
    refused: prediction.refused,
    contains: answerable && containsGold(prediction, q.answers),
    exact: answerable && shortExact(prediction, q.answers),
    f1: answerable ? shortF1(prediction, q.answers) : 0,
    words: answerWords(prediction),
    latencyMs,
  };
}

/** The figures a QA run reports. Shares of answerable questions unless named otherwise. */
export interface QaFigures {
  questions: number;
  answerable: number;
  unanswerable: number;
  /** (answerable, answered, contains) + (unanswerable, refused), over all questions. */
  rightOutcome: number;
  contains: number;
  exact: number;
  f1: number;
  /** Share of unanswerable questions refused. */
  unanswerableRefused: number;
  /** Share of answerable questions refused. */
  answerableWronglyRefused: number;
  /** Mean words per answer given (refusals excluded). */
  meanAnswerWords: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
}

/** Aggregates outcomes into the report's figures. */
export function qaFigures(outcomes: readonly QaOutcome[]): QaFigures {
  const answerable = outcomes.filter((o) => o.answerable);
  const unanswerable = outcomes.filter((o) => !o.answerable);
  const answered = outcomes.filter((o) => !o.refused);
  const share = (n: number, d: number): number => (d === 0 ? 0 : n / d);
  const right =
    answerable.filter((o) => !o.refused && o.contains).length +
    unanswerable.filter((o) => o.refused).length;
  const latencies = outcomes.map((o) => o.latencyMs);
  return {
    questions: outcomes.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    rightOutcome: share(right, outcomes.length),
    contains: share(answerable.filter((o) => o.contains).length, answerable.length),
    exact: share(answerable.filter((o) => o.exact).length, answerable.length),
    f1: share(
      answerable.reduce((s, o) => s + o.f1, 0),
      answerable.length,
    ),
    unanswerableRefused: share(unanswerable.filter((o) => o.refused).length, unanswerable.length),
    answerableWronglyRefused: share(answerable.filter((o) => o.refused).length, answerable.length),
    meanAnswerWords: share(
      answered.reduce((s, o) => s + o.words, 0),
      answered.length,
    ),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
  };
}
