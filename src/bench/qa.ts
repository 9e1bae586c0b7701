/**
 * Reading-comprehension benchmark (SQuAD 2.0 style): every question comes with the paragraph
 * that is its whole story. In `story` mode each distinct paragraph becomes a one-article corpus
 * with its own index, built in-process, and the product's engine answers its questions — the
 * product's real case. In `library` mode all paragraphs form one corpus. Two baselines are scored
 * in the same run: sentence overlap (the best single sentence by shared words, never refusing) and
 * refusing everything (right on every unanswerable question, so the bar for right outcome).
 */
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CoreConfig } from '../config.js';
import { buildIndex } from '../rag/build.js';
import { openEngine, type Engine } from '../rag/engine.js';
import { createEmbedder, type Embedder } from '../rag/embeddings/index.js';
import { splitSentences, STOPWORDS, tokenize } from '../rag/text.js';
import { warmUpAnswering } from '../rag/warmup.js';
import type { Decision } from '../rag/answer/extractive.js';
import type { Answer, Article } from '../rag/types.js';
import { splitOf, type Split } from './metrics.js';
import {
  qaFigures,
  scoreQa,
  type QaFigures,
  type QaOutcome,
  type QaPrediction,
  type QaQuestion,
} from './qa-metrics.js';

export type QaMode = 'story' | 'library';

export interface QaBenchOptions {
  /** Folder holding `questions.jsonl`. */
  dataset: string;
  config: CoreConfig;
  mode?: QaMode;
  /** Half of the set by a hash of the paragraph (so a story never straddles both halves). */
  split?: Split | 'all';
  limit?: number;
  /** Called with the extractive answerer's evidence for each question (fitting, diagnostics). */
  onDecision?: (question: QaQuestion, decision: Decision) => void;
  /** Called with every prediction, in order (for `--predictions`). */
  onPrediction?: (question: QaQuestion, answer: Answer) => void;
  onProgress?: (message: string) => void;
}

export interface QaBenchResult {
  mode: QaMode;
  split: Split | 'all';
  ours: QaFigures;
  baseline: QaFigures;
  /** Refusing every question: its right outcome is the share of unanswerable questions. */
  refuseAll: QaFigures;
  /** Per-question outcomes of the product (for error analysis). */
  outcomes: QaOutcome[];
  stories: number;
  indexSeconds: number;
}

/** Reads `DIR/questions.jsonl`, checking each line's shape. */
export function readQaDataset(dir: string): QaQuestion[] {
  const file = path.join(dir, 'questions.jsonl');
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    const q = JSON.parse(line) as Partial<QaQuestion>;
    if (
      typeof q.id !== 'string' ||
      typeof q.context !== 'string' ||
      typeof q.question !== 'string' ||
      !Array.isArray(q.answers) ||
      typeof q.is_impossible !== 'boolean'
    )
      throw new Error(
        `${file}:${i + 1}: expected {id, context, question, answers[], is_impossible}`,
      );
    return q as QaQuestion;
  });
}

/** Runs the benchmark and scores the product and the baseline on the same questions. */
export async function runQaBench(options: QaBenchOptions): Promise<QaBenchResult> {
  const mode = options.mode ?? 'story';
  const split = options.split ?? 'all';
  let questions = readQaDataset(options.dataset).filter(
    (q) => split === 'all' || splitOf(q.context) === split,
  );
  if (options.limit) questions = questions.slice(0, options.limit);
  const stories = [...new Set(questions.map((q) => q.context))];
  const articleOf = new Map(stories.map((c, i) => [c, storyArticle(c, i)]));
  const embedder = await createEmbedder(options.config);
  // Latency is measured after load, as the bot (which warms up at start) would see it.
  warmUpAnswering(options.config.CACHE_DIR);
  const outcomes: QaOutcome[] = [];
  const baseline: QaOutcome[] = [];
  const refuseAll: QaOutcome[] = [];
  let indexMs = 0;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'storybot-qa-'));
  try {
    let current: QaQuestion | undefined;
    const onDecision = options.onDecision
      ? (d: Decision) => current && options.onDecision!(current, d)
      : undefined;
    const ask = async (engine: Engine, q: QaQuestion): Promise<void> => {
      current = q;
      const t0 = performance.now();
      const answer = await engine.ask(q.question);
      const latency = performance.now() - t0;
      options.onPrediction?.(q, answer);
      outcomes.push(scoreQa(q, predictionOf(answer), latency));
      baseline.push(scoreQa(q, overlapBaseline(q), 0));
      refuseAll.push(scoreQa(q, REFUSE, 0));
    };
    if (mode === 'library') {
      const t0 = performance.now();
      const engine = await openStory(
        options.config,
        tmp,
        [...articleOf.values()],
        embedder,
        onDecision,
      );
      indexMs += performance.now() - t0;
      for (const q of questions) await ask(engine, q);
    } else {
      for (const [i, context] of stories.entries()) {
        const t0 = performance.now();
        const dir = path.join(tmp, String(i));
        const engine = await openStory(
          options.config,
          dir,
          [articleOf.get(context)!],
          embedder,
          onDecision,
        );
        indexMs += performance.now() - t0;
        for (const q of questions.filter((x) => x.context === context)) await ask(engine, q);
        rmSync(dir, { recursive: true, force: true });
        if ((i + 1) % 50 === 0) options.onProgress?.(`${i + 1}/${stories.length} stories`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return {
    mode,
    split,
    ours: qaFigures(outcomes),
    baseline: qaFigures(baseline),
    refuseAll: qaFigures(refuseAll),
    outcomes,
    stories: stories.length,
    indexSeconds: indexMs / 1000,
  };
}

/** A paragraph as an article. Its title is left empty: the data set gives none. */
function storyArticle(context: string, i: number): Article {
  return { id: `story-${i}`, title: '', body: context, file: `story-${i}.txt` };
}

async function openStory(
  base: CoreConfig,
  dir: string,
  articles: Article[],
  embedder: Embedder,
  onDecision?: (d: Decision) => void,
): Promise<Engine> {
  const config: CoreConfig = { ...base, INDEX_DIR: path.join(dir, 'index') };
  await buildIndex({ config, articles, embedder, noCache: true });
  const engine = await openEngine(config, { embedder, onDecision });
  // As the bot does once an index is open: latency is measured after load.
  await engine.preread?.();
  return engine;
}

function predictionOf(answer: Answer): QaPrediction {
  return { answer: answer.answer, short: answer.short ?? null, refused: answer.refused };
}

/** The refuse-everything baseline's one answer. */
const REFUSE: QaPrediction = { answer: '', short: null, refused: true };

/** The paragraph's sentence sharing the most question words (stems); never refuses. */
export function overlapBaseline(q: QaQuestion): QaPrediction {
  const want = new Set(
    tokenize(q.question)
      .filter((t) => !STOPWORDS.has(t.word))
      .map((t) => t.stem),
  );
  let best = '';
  let bestScore = -1;
  for (const span of splitSentences(q.context)) {
    const text = q.context.slice(span.start, span.end);
    const have = new Set(tokenize(text).map((t) => t.stem));
    const score = [...want].filter((s) => have.has(s)).length;
    if (score > bestScore) {
      bestScore = score;
      best = text;
    }
  }
  return { answer: best, short: null, refused: false };
}
