/**
 * Answer accuracy for benchmark questions with a short gold answer (MultiHop-RAG's `answer`).
 * Pure functions: gold answer and the product's answer in, verdicts and shares out.
 *
 * Rules:
 * - text is compared after SQuAD normalization (lowercase; punctuation, including curly quotes
 *   and dashes, becomes space; the articles a/an/the are dropped; whitespace collapsed);
 * - an ordinary gold answer counts when it occurs as whole words in the answer text plus the
 *   answer's `short` field;
 * - a Yes/No gold answer counts only when the answer's first word is that Yes or No (a "yes"
 *   buried in a quoted sentence is not a verdict);
 * - a question without an answer in the corpus counts when the answerer refuses.
 */
import { share } from './metrics.js';

/** SQuAD answer normalization, with every Unicode punctuation or symbol mark treated as a space. */
export function normalizeAnswer(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[\p{P}\p{S}]/gu, ' ')
      // Whole words only, in any script ("théâtre" keeps its "th…").
      .replace(/(?<![\p{L}\p{N}])(?:a|an|the)(?![\p{L}\p{N}])/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** True when the normalized `gold` occurs in the normalized `text` as whole words. */
export function containsAnswer(text: string, gold: string): boolean {
  const g = normalizeAnswer(gold);
  if (g === '') return false;
  return ` ${normalizeAnswer(text)} `.includes(` ${g} `);
}

/** `'yes'` or `'no'` when the gold answer is a bare Yes/No, else undefined. */
export function yesNoOf(gold: string): 'yes' | 'no' | undefined {
  const g = normalizeAnswer(gold);
  return g === 'yes' || g === 'no' ? g : undefined;
}

/** The first word of an answer, normalized ('' for none). */
export function leadingWord(text: string): string {
  return normalizeAnswer(text).split(' ')[0] ?? '';
}

/** What the scorer needs of the product's answer; `short` is optional (older answerers lack it). */
export interface ScoredAnswer {
  answer: string;
  refused: boolean;
  short?: string | null;
}

/**
 * Whether `answer` is right for a question whose gold answer is `gold`; `unanswerable` marks
 * questions the corpus cannot answer (the right outcome is a refusal).
 */
export function isAnswerCorrect(
  gold: string,
  unanswerable: boolean,
  answer: ScoredAnswer,
): boolean {
  if (unanswerable) return answer.refused;
  if (answer.refused) return false;
  const yesNo = yesNoOf(gold);
  if (yesNo) return leadingWord(answer.answer) === yesNo;
  return containsAnswer(`${answer.answer} ${answer.short ?? ''}`, gold);
}

/** One question's outcome, as the summary needs it. */
export interface AnswerOutcome {
  type: string;
  gold: string;
  correct: boolean;
  refused: boolean;
}

export interface AccuracyFigures {
  questions: number;
  accuracy: number;
  refused: number;
}

export interface AnswerAccuracy {
  /** Every question (null questions count when refused). */
  all: AccuracyFigures;
  /** Questions with an answer in the corpus. */
  answerable: AccuracyFigures;
  byType: Record<string, AccuracyFigures>;
  /** Questions whose gold answer is Yes or No, and the always-"Yes" baseline on the same questions. */
  yesNo: AccuracyFigures & { alwaysYes: number };
}

function figuresOf(outcomes: readonly AnswerOutcome[]): AccuracyFigures {
  return {
    questions: outcomes.length,
    accuracy: share(outcomes.map((o) => o.correct)),
    refused: share(outcomes.map((o) => o.refused)),
  };
}

/** Aggregates outcomes; `nullType` names the type of questions without an answer. */
export function summarizeAnswers(
  outcomes: readonly AnswerOutcome[],
  nullType: string,
): AnswerAccuracy {
  const byType: Record<string, AccuracyFigures> = {};
  for (const type of [...new Set(outcomes.map((o) => o.type))].sort())
    byType[type] = figuresOf(outcomes.filter((o) => o.type === type));
  const yesNo = outcomes.filter((o) => yesNoOf(o.gold) !== undefined);
  return {
    all: figuresOf(outcomes),
    answerable: figuresOf(outcomes.filter((o) => o.type !== nullType)),
    byType,
    yesNo: { ...figuresOf(yesNo), alwaysYes: share(yesNo.map((o) => yesNoOf(o.gold) === 'yes')) },
  };
}
