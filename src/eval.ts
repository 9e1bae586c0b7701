/**
 * `npm run eval -- [--questions FILE] [--json]`: answers an evaluation set about the story and
 * reports answer accuracy, citation accuracy (the supporting sentence is quoted, verbatim) and
 * refusal accuracy, per kind of question.
 *
 * Question file: JSON lines `{id, kind: direct|paraphrase|unanswerable, question, expect?: string[], support?: string}`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cliSetup, exitWithError } from './cli/common.js';
import { loadCorpus } from './corpus/load.js';
import { openOrBuildEngine } from './rag/engine.js';
import type { Answer } from './rag/types.js';

interface EvalQuestion {
  id: string;
  kind: 'direct' | 'paraphrase' | 'unanswerable';
  question: string;
  expect?: string[];
  support?: string;
}

/** Answerable questions must name the sentence that supports them: at least this many words of it. */
const MIN_SUPPORT_WORDS = 4;

/** Reads an evaluation file, refusing answerable questions without a real supporting sentence. */
export function readEvalQuestions(file: string): EvalQuestion[] {
  const questions = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as EvalQuestion);
  for (const q of questions) {
    const words = (q.support ?? '').split(/\s+/).filter(Boolean).length;
    if (q.kind !== 'unanswerable' && words < MIN_SUPPORT_WORDS)
      throw new Error(
        `${file}: question ${q.id} must name its supporting sentence (support: ${MIN_SUPPORT_WORDS}+ words of it)`,
      );
  }
  return questions;
}

interface Outcome {
  id: string;
  kind: EvalQuestion['kind'];
  question: string;
  refused: boolean;
  answerCorrect: boolean;
  citationCorrect: boolean;
  verbatim: boolean;
  /** The answer carried at least one citation. */
  cited: boolean;
  answer: string;
}

/** Folds typographic quotes and dashes so "Taiwan's" matches "Taiwan’s". */
const norm = (s: string): string =>
  s.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/[–—]/g, '-').toLowerCase();

/** Scores one answer against its expectations; `bodies` are the corpus article texts. */
export function scoreAnswer(q: EvalQuestion, a: Answer, bodies: Map<string, string>): Outcome {
  const verbatim =
    a.citations.length > 0 &&
    a.citations.every((c) => bodies.get(c.articleId)?.includes(c.quote) === true);
  const markersOk = [...a.answer.matchAll(/\[(\d+)\]/g)].every((m) =>
    a.citations.some((c) => c.n === Number(m[1])),
  );
  const answerable = q.kind !== 'unanswerable';
  const answerCorrect =
    answerable &&
    !a.refused &&
    (q.expect ?? []).some((e) => norm(a.answer).includes(norm(e))) &&
    markersOk;
  const citationCorrect =
    answerable &&
    !a.refused &&
    verbatim &&
    a.citations.some((c) => norm(c.quote).includes(norm(q.support ?? '')));
  return {
    id: q.id,
    kind: q.kind,
    question: q.question,
    refused: a.refused,
    answerCorrect,
    citationCorrect,
    verbatim,
    cited: a.citations.length > 0,
    answer: a.answer,
  };
}

const share = (n: number, d: number): number => (d === 0 ? 0 : Math.round((n / d) * 1000) / 1000);

/** Aggregates outcomes into the reported figures. */
export function summarizeOutcomes(outcomes: Outcome[]): Record<string, number> {
  const answerable = outcomes.filter((o) => o.kind !== 'unanswerable');
  const unanswerable = outcomes.filter((o) => o.kind === 'unanswerable');
  const byKind = (kind: string) => answerable.filter((o) => o.kind === kind);
  return {
    questions: outcomes.length,
    answerAccuracy: share(answerable.filter((o) => o.answerCorrect).length, answerable.length),
    directAnswerAccuracy: share(
      byKind('direct').filter((o) => o.answerCorrect).length,
      byKind('direct').length,
    ),
    paraphraseAnswerAccuracy: share(
      byKind('paraphrase').filter((o) => o.answerCorrect).length,
      byKind('paraphrase').length,
    ),
    citationAccuracy: share(answerable.filter((o) => o.citationCorrect).length, answerable.length),
    // Only answers that cite can quote; a refusal is not "verbatim" by having no quotes.
    quotesVerbatim: share(
      outcomes.filter((o) => o.cited && o.verbatim).length,
      outcomes.filter((o) => o.cited).length,
    ),
    refusalAccuracy: share(unanswerable.filter((o) => o.refused).length, unanswerable.length),
    falseRefusalRate: share(answerable.filter((o) => o.refused).length, answerable.length),
  };
}

async function main(): Promise<void> {
  const { config, logger } = cliSetup();
  const { values } = parseArgs({
    options: {
      questions: { type: 'string', default: 'tests/eval/seed-questions.jsonl' },
      json: { type: 'boolean' },
    },
  });
  try {
    const questions = readEvalQuestions(values.questions!);
    const engine = await openOrBuildEngine(config, { logger });
    const { articles } = await loadCorpus(config.CORPUS_DIR);
    const bodies = new Map(articles.map((a) => [a.id, a.body]));
    const outcomes: Outcome[] = [];
    for (const q of questions) outcomes.push(scoreAnswer(q, await engine.ask(q.question), bodies));
    const figures = summarizeOutcomes(outcomes);
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ figures, failures: outcomes.filter((o) => (o.kind === 'unanswerable' ? !o.refused : !o.answerCorrect || !o.citationCorrect)) })}\n`,
      );
      return;
    }
    for (const o of outcomes) {
      const ok = o.kind === 'unanswerable' ? o.refused : o.answerCorrect && o.citationCorrect;
      process.stdout.write(
        `${ok ? 'ok  ' : 'MISS'} ${o.id} ${o.question}\n${ok ? '' : `     → ${o.answer.slice(0, 160)}\n`}`,
      );
    }
    process.stdout.write(
      `\n${Object.entries(figures)
        .map(([k, v]) => `${k.padEnd(26)} ${v}`)
        .join('\n')}\n`,
    );
  } catch (error) {
    exitWithError(error, logger);
  }
}

if (
  process.argv[1] &&
  import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)
)
  await main();
