/**
 * Retrieval metrics of the MultiHop-RAG benchmark (Tang & Yang 2024), as its README defines them,
 * plus the stricter AllEvidence@10. Pure functions: ranked chunk texts and gold facts in, numbers out.
 *
 * Matching rule: spaces and newlines are removed from both sides, then a chunk is relevant when
 * any gold fact is a substring of it. Only ' ' and '\n' are removed, exactly as specified.
 */
import { createHash } from 'node:crypto';

/** How many ranks the @10 metrics look at. */
export const CUTOFF = 10;

/** Removes every space and newline (nothing else), the benchmark's normalization. */
export function squash(text: string): string {
  return text.replace(/[ \n]/g, '');
}

/** Scores of one question's ranking. */
export interface QuestionScores {
  /** A relevant chunk among the first 4. */
  hit4: boolean;
  /** A relevant chunk among the first 10. */
  hit10: boolean;
  /** 1/rank of the first relevant chunk within 10, else 0. */
  reciprocalRank: number;
  /** Average precision at 10 as the benchmark defines it. */
  averagePrecision: number;
  /** Every gold fact is contained in some chunk of the first 10. */
  allEvidence: boolean;
  /** Share of gold facts contained in the first 10 (diagnostic, not a published figure). */
  factRecall: number;
}

/**
 * Scores one ranking (best first) against the gold facts. Texts may be raw: they are squashed here.
 * MAP@10: walking ranks 1..10, each rank adds (gold facts first found at that rank) / rank, and the
 * sum is divided by min(number of facts, 10).
 */
export function scoreQuestion(
  rankedTexts: readonly string[],
  facts: readonly string[],
): QuestionScores {
  const gold = facts.map(squash);
  const found = new Array<boolean>(gold.length).fill(false);
  let firstRelevant = 0;
  let precisionSum = 0;
  const top = rankedTexts.slice(0, CUTOFF);
  top.forEach((text, i) => {
    const rank = i + 1;
    const chunk = squash(text);
    let relevant = false;
    let fresh = 0;
    gold.forEach((fact, f) => {
      if (!chunk.includes(fact)) return;
      relevant = true;
      if (!found[f]) {
        found[f] = true;
        fresh++;
      }
    });
    if (relevant && firstRelevant === 0) firstRelevant = rank;
    precisionSum += fresh / rank;
  });
  const foundCount = found.filter(Boolean).length;
  return {
    hit4: firstRelevant > 0 && firstRelevant <= 4,
    hit10: firstRelevant > 0,
    reciprocalRank: firstRelevant > 0 ? 1 / firstRelevant : 0,
    averagePrecision: gold.length > 0 ? precisionSum / Math.min(gold.length, CUTOFF) : 0,
    allEvidence: gold.length > 0 && foundCount === gold.length,
    factRecall: gold.length > 0 ? foundCount / gold.length : 0,
  };
}

/** Mean retrieval figures over a set of questions. */
export interface RetrievalSummary {
  questions: number;
  'hits@4': number;
  'hits@10': number;
  'mrr@10': number;
  'map@10': number;
  'allEvidence@10': number;
  /** Mean share of gold facts inside the top 10 (diagnostic, not a published figure). */
  'factRecall@10': number;
}

/** Averages per-question scores (all zeros for an empty set). */
export function summarizeScores(scores: readonly QuestionScores[]): RetrievalSummary {
  const n = scores.length;
  const mean = (pick: (s: QuestionScores) => number): number =>
    n === 0 ? 0 : scores.reduce((sum, s) => sum + pick(s), 0) / n;
  return {
    questions: n,
    'hits@4': mean((s) => (s.hit4 ? 1 : 0)),
    'hits@10': mean((s) => (s.hit10 ? 1 : 0)),
    'mrr@10': mean((s) => s.reciprocalRank),
    'map@10': mean((s) => s.averagePrecision),
    'allEvidence@10': mean((s) => (s.allEvidence ? 1 : 0)),
    'factRecall@10': mean((s) => s.factRecall),
  };
}

/**
 * Nearest-rank percentile (p in 0..100) of samples in any order; `empty` (default 0) for none.
 * The one percentile every benchmark reports with.
 */
export function percentile(samples: readonly number[], p: number, empty = 0): number {
  if (samples.length === 0) return empty;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Share of `flags` that are true; 0 for none. */
export function share(flags: readonly boolean[]): number {
  return flags.length === 0 ? 0 : flags.filter(Boolean).length / flags.length;
}

export type Split = 'dev' | 'test';

/**
 * Fixed split by a hash of the question text: sha256 of the UTF-8 text, first byte even → dev.
 * Independent of file order, so a question keeps its side whatever else changes.
 */
export function splitOf(question: string): Split {
  const first = createHash('sha256').update(question, 'utf8').digest()[0]!;
  return first % 2 === 0 ? 'dev' : 'test';
}
