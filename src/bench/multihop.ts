/**
 * The MultiHop-RAG benchmark run: index the dataset's articles with the product's own pipeline,
 * ask every question, and score the rankings and the answerer's refusals; then the same for a
 * plain BM25 baseline over the same chunks.
 *
 * The dataset is read from wherever the caller says; nothing of it is copied into the project.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig, type CoreConfig } from '../config.js';
import { parseArticleFile } from '../corpus/load.js';
import { UserFacingError } from '../errors.js';
import { ExtractiveAnswerer } from '../rag/answer/extractive.js';
import { buildIndex } from '../rag/build.js';
import { chunkArticle, chunkSearchText } from '../rag/chunk.js';
import { createEmbedder } from '../rag/embeddings/index.js';
import { openEngine } from '../rag/engine.js';
import { retrieve } from '../rag/retrieve.js';
import { loadIndex } from '../rag/store/index-store.js';
import { LexicalIndexBuilder } from '../rag/store/lexical.js';
import { cleanUserText, contentStems } from '../rag/text.js';
import type { Article, ArticleMeta, Chunk, Passage } from '../rag/types.js';
import {
  isAnswerCorrect,
  summarizeAnswers,
  type AnswerAccuracy,
  type ScoredAnswer,
} from './answer-accuracy.js';
import {
  CUTOFF,
  percentile,
  scoreQuestion,
  share,
  splitOf,
  summarizeScores,
  type QuestionScores,
  type RetrievalSummary,
  type Split,
} from './metrics.js';

/** The question type the dataset uses for questions with no answer in the corpus. */
export const NULL_TYPE = 'null_query';

export interface MultiHopQuestion {
  query: string;
  type: string;
  /** Verbatim sentences of the corpus that answer it (empty for null questions). */
  facts: string[];
  /** The dataset's short answer ("Yes", "Sam Altman", "Insufficient information."). */
  answer: string;
  split: Split;
}

export interface MultiHopDataset {
  articles: Article[];
  questions: MultiHopQuestion[];
}

const queriesSchema = z.array(
  z.object({
    query: z.string().min(1),
    question_type: z.string().min(1),
    answer: z.string(),
    evidence_list: z.array(z.object({ fact: z.string().min(1) })),
  }),
);

/** Reads `corpus.json` and `queries.json` from `dir`; a UserFacingError says what is wrong. */
export function loadMultiHop(dir: string): MultiHopDataset {
  const read = (name: string): Buffer => {
    try {
      return readFileSync(path.join(dir, name));
    } catch {
      throw new UserFacingError(
        `${path.join(dir, name)} cannot be read: pass --dataset DIR pointing at the MultiHop-RAG folder (corpus.json, queries.json).`,
      );
    }
  };
  const articles = parseArticleFile('corpus.json', read('corpus.json'));
  let raw: unknown;
  try {
    raw = JSON.parse(read('queries.json').toString('utf8'));
  } catch (error) {
    throw new UserFacingError(`queries.json is not valid JSON (${(error as Error).message})`);
  }
  const parsed = queriesSchema.safeParse(raw);
  if (!parsed.success)
    throw new UserFacingError(
      `queries.json does not look like MultiHop-RAG queries (${parsed.error.issues[0]?.message ?? 'invalid'})`,
    );
  const questions = parsed.data.map((q) => ({
    query: q.query,
    type: q.question_type,
    facts: q.evidence_list.map((e) => e.fact),
    answer: q.answer,
    split: splitOf(q.query),
  }));
  return { articles, questions };
}

/** What one system produced for one question. */
export interface QuestionResult {
  question: MultiHopQuestion;
  /** Retrieval scores; undefined for null questions (they have no gold facts). */
  scores?: QuestionScores;
  /** The answerer refused. */
  refused: boolean;
  /** The product's answer (text, refusal and short answer when the answerer gives one). */
  answer?: ScoredAnswer;
  /** Retrieval time of the top 10, milliseconds. */
  latencyMs: number;
}

/** Cost of one system, measured once for the whole run. */
export interface SystemCost {
  indexSeconds: number;
  chunks: number;
  /** Peak resident set of the process when this system finished, MB. */
  peakRssMb: number;
}

export interface SystemRun {
  results: QuestionResult[];
  cost: SystemCost;
}

/** The figures the benchmark reports for one system over one set of questions. */
export interface SystemFigures extends RetrievalSummary {
  nullRefusal: number;
  falseRefusal: number;
  queryP50Ms: number;
  queryP95Ms: number;
  indexSeconds: number;
  chunksPerSecond: number;
  peakRssMb: number;
  byType: Record<string, TypeFigures>;
}

export interface TypeFigures extends RetrievalSummary {
  /** Null questions: share refused. Others: share wrongly refused. */
  refused: number;
}

/** Aggregates one system's results (restricted to `split` unless 'all'). */
export function figures(run: SystemRun, split: Split | 'all'): SystemFigures {
  const results = run.results.filter((r) => split === 'all' || r.question.split === split);
  const answerable = results.filter((r) => r.question.type !== NULL_TYPE);
  const unanswerable = results.filter((r) => r.question.type === NULL_TYPE);
  const latencies = results.map((r) => r.latencyMs);
  const byType: Record<string, TypeFigures> = {};
  for (const type of [...new Set(results.map((r) => r.question.type))].sort()) {
    const of = results.filter((r) => r.question.type === type);
    byType[type] = {
      ...summarizeScores(of.flatMap((r) => (r.scores ? [r.scores] : []))),
      questions: of.length,
      refused: share(of.map((r) => r.refused)),
    };
  }
  return {
    ...summarizeScores(answerable.map((r) => r.scores!)),
    nullRefusal: share(unanswerable.map((r) => r.refused)),
    falseRefusal: share(answerable.map((r) => r.refused)),
    queryP50Ms: percentile(latencies, 50),
    queryP95Ms: percentile(latencies, 95),
    indexSeconds: run.cost.indexSeconds,
    chunksPerSecond: run.cost.indexSeconds > 0 ? run.cost.chunks / run.cost.indexSeconds : 0,
    peakRssMb: run.cost.peakRssMb,
    byType,
  };
}

/** Answer accuracy of a system's answers (restricted to `split` unless 'all'); questions it did not answer are skipped. */
export function answerFigures(run: SystemRun, split: Split | 'all'): AnswerAccuracy {
  const outcomes = run.results
    .filter((r) => r.answer && (split === 'all' || r.question.split === split))
    .map((r) => ({
      type: r.question.type,
      gold: r.question.answer,
      correct: isAnswerCorrect(r.question.answer, r.question.type === NULL_TYPE, r.answer!),
      refused: r.answer!.refused,
    }));
  return summarizeAnswers(outcomes, NULL_TYPE);
}

export interface BenchOptions {
  datasetDir: string;
  /** Questions to ask (after the split filter), from the start of the file. */
  limit?: number;
  split?: Split | 'all';
  /** Chunk size in characters; defaults to the product default. */
  chunkSize?: number;
  /**
   * Index only the articles holding the asked questions' evidence plus this many others (smoke
   * runs). Undefined indexes every article.
   */
  extraArticles?: number;
  /** The shared word-vector table (the product's `data/cache/wordvectors`); built there on first use. */
  wordVectorsDir: string;
  onProgress?: (message: string) => void;
  /** Report answer accuracy by question type as well. */
  answers?: boolean;
  /** Called per question, for debugging retrieval. */
  onQuestion?: (system: string, result: QuestionResult, top: Passage[]) => void;
}

export interface BenchResult {
  ours: SystemRun;
  bm25: SystemRun;
  chunkSize: number;
  articles: number;
  questions: number;
  /** Answer accuracy was asked for (`--answers`). */
  answers: boolean;
}

function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

/** Chooses the articles to index: all, or for smoke runs the evidence articles plus a few others. */
function selectArticles(
  dataset: MultiHopDataset,
  questions: MultiHopQuestion[],
  extra: number | undefined,
): Article[] {
  if (extra === undefined) return dataset.articles;
  const facts = questions.flatMap((q) => q.facts);
  const holds = (a: Article): boolean => facts.some((f) => a.body.includes(f));
  const needed = dataset.articles.filter(holds);
  const others = dataset.articles.filter((a) => !holds(a)).slice(0, extra);
  return [...needed, ...others];
}

/** The product's configuration with its index and cache inside `tmp` and the shared word-vector table. */
export function benchConfig(tmp: string, wordVectorsDir: string, chunkSize?: number): CoreConfig {
  return loadConfig({
    INDEX_DIR: path.join(tmp, 'index'),
    CACHE_DIR: path.join(tmp, 'cache'),
    WORD_VECTORS_DIR: wordVectorsDir,
    CHUNK_SIZE: chunkSize !== undefined ? String(chunkSize) : undefined,
    LOG_LEVEL: 'warn',
  });
}

/** Runs the whole benchmark. Builds its index in a temporary directory that is removed after. */
export async function runMultiHopBench(options: BenchOptions): Promise<BenchResult> {
  const say = options.onProgress ?? ((): void => {});
  const dataset = loadMultiHop(options.datasetDir);
  const split = options.split ?? 'all';
  let questions = dataset.questions.filter((q) => split === 'all' || q.split === split);
  if (options.limit !== undefined) questions = questions.slice(0, options.limit);
  const articles = selectArticles(dataset, questions, options.extraArticles);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'storybot-bench-'));
  try {
    // Index and cache live in the temp dir; only the word-vector table is shared with the product,
    // so its one-time conversion is not repeated. The embedding cache is bypassed (noCache) so the
    // build is cold and its time is the real cost.
    const config = benchConfig(tmp, options.wordVectorsDir, options.chunkSize);
    say(
      `${articles.length} articles, ${questions.length} questions (split ${split}), chunk size ${config.CHUNK_SIZE}`,
    );
    const bm25 = await runBm25(config, articles, questions, options);
    say(`bm25 done: ${bm25.cost.chunks} chunks`);
    const ours = await runOurs(config, articles, questions, options);
    say('ours done');
    return {
      ours,
      bm25,
      chunkSize: config.CHUNK_SIZE,
      articles: articles.length,
      questions: questions.length,
      answers: options.answers ?? false,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The product's default pipeline: buildIndex, the retriever for rankings, engine.ask for refusals. */
async function runOurs(
  config: CoreConfig,
  articles: Article[],
  questions: MultiHopQuestion[],
  options: BenchOptions,
): Promise<SystemRun> {
  const started = performance.now();
  const report = await buildIndex({ config, articles, noCache: true });
  const indexSeconds = (performance.now() - started) / 1000;
  options.onProgress?.(
    `ours: indexed ${report.manifest.chunks} chunks in ${indexSeconds.toFixed(1)} s`,
  );
  const embedder = await createEmbedder(config);
  const index = loadIndex(config.INDEX_DIR, embedder.id);
  const engine = await openEngine(config);
  // As the bot does once an index is open (src/discord/bot.ts).
  await engine.preread?.();
  const results: QuestionResult[] = [];
  for (const question of questions) {
    // The engine cleans user text before retrieving; rank exactly what it would rank.
    const text = cleanUserText(question.query);
    const t0 = performance.now();
    const top = await retrieve(index, embedder, text, { k: CUTOFF });
    const latencyMs = performance.now() - t0;
    const answer = await engine.ask(question.query);
    const result = resultFor(question, top, answer.refused, latencyMs);
    result.answer = {
      answer: answer.answer,
      refused: answer.refused,
      // `short` is new in the Answer type; older answerers do not set it.
      short: (answer as { short?: string | null }).short ?? null,
    };
    options.onQuestion?.('ours', result, top);
    results.push(result);
    if (results.length % 250 === 0)
      options.onProgress?.(`ours: ${results.length}/${questions.length} questions`);
  }
  return {
    results,
    cost: { indexSeconds, chunks: report.manifest.chunks, peakRssMb: peakRssMb() },
  };
}

/**
 * The baseline: Okapi BM25 (the project's LexicalIndex, k1 1.2, b 0.75) over the same chunks, each
 * with title, source and date prepended as the paper does, queried with the question's stems.
 * No dense ranking, no fusion, no metadata handling, no de-duplication. Its refusals come from the
 * same extractive answerer given the BM25 top passages.
 */
async function runBm25(
  config: CoreConfig,
  articles: Article[],
  questions: MultiHopQuestion[],
  options: BenchOptions,
): Promise<SystemRun> {
  const started = performance.now();
  const chunks: Chunk[] = [];
  const metas: ArticleMeta[] = [];
  const chunkMeta: number[] = [];
  const builder = new LexicalIndexBuilder();
  articles.forEach((article, row) => {
    const pieces = chunkArticle(article, config.CHUNK_SIZE);
    const { body: _body, ...meta } = article;
    metas.push({ ...meta, chunks: pieces.length, chars: article.body.length });
    for (const c of pieces) {
      chunks.push(c);
      chunkMeta.push(row);
      builder.add(contentStems(chunkSearchText(c, article)));
    }
  });
  const lexical = builder.build();
  const indexSeconds = (performance.now() - started) / 1000;
  options.onProgress?.(`bm25: indexed ${chunks.length} chunks in ${indexSeconds.toFixed(1)} s`);
  const embedder = await createEmbedder(config);
  const answerer = new ExtractiveAnswerer({
    idf: (stem) => lexical.idf(stem),
    wordVectors: embedder.wordVectors,
  });
  const passageOf = (doc: number, i: number, score: number): Passage => ({
    n: i + 1,
    chunk: chunks[doc]!,
    article: metas[chunkMeta[doc]!]!,
    score,
  });
  const results: QuestionResult[] = [];
  for (const question of questions) {
    const text = cleanUserText(question.query);
    const t0 = performance.now();
    const query = new Map<string, number>();
    for (const s of contentStems(text)) query.set(s, (query.get(s) ?? 0) + 1);
    const top = lexical.search(query, CUTOFF).map((h, i) => passageOf(h.doc, i, h.score));
    const latencyMs = performance.now() - t0;
    const answer = await answerer.answer(text, { passages: top.slice(0, config.TOP_K) });
    const result = resultFor(question, top, answer.refused, latencyMs);
    options.onQuestion?.('bm25', result, top);
    results.push(result);
  }
  return { results, cost: { indexSeconds, chunks: chunks.length, peakRssMb: peakRssMb() } };
}

function resultFor(
  question: MultiHopQuestion,
  top: Passage[],
  refused: boolean,
  latencyMs: number,
): QuestionResult {
  const scores =
    question.type === NULL_TYPE
      ? undefined
      : scoreQuestion(
          top.map((p) => p.chunk.text),
          question.facts,
        );
  return { question, scores, refused, latencyMs };
}
