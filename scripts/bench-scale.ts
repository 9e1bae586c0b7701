/**
 * The scale curve: how index build, load and query cost grow with the corpus.
 *
 *   npm run bench:scale -- --chunks 10000,100000,1000000 [--queries 200] [--recall-queries 50] [--json] [--keep]
 *
 * For each size it generates a deterministic synthetic news corpus of exactly that many chunks,
 * builds the index with the product's default pipeline (default embedder, no embedding cache)
 * and then opens it in fresh processes to time loading and queries. Every step of every size
 * runs in its own child process, so one size's memory never inflates another's figures.
 *
 * The corpus is synthetic so that a million chunks exist without shipping a gigabyte of text:
 * Zipf-distributed content words (a mix of the embedder's own English word list, kept in
 * frequency order so rare words are rare, and generated pseudo-words), weighted English function
 * words, recurring named entities, numbers, quotes, news-like sentence lengths (mean ~22 words)
 * and short paragraphs; articles of ~4-6 chunks. It is not a copy of any text.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type CoreConfig } from '../src/config.js';
import { setLogger, createLogger } from '../src/log.js';
import { buildIndex, type BuildPhase } from '../src/rag/build.js';
import { chunkArticle } from '../src/rag/chunk.js';
import { createEmbedder, wordVectorDir, type Embedder } from '../src/rag/embeddings/index.js';
import { loadWordVectors } from '../src/rag/embeddings/wordvectors.js';
import { openEngine } from '../src/rag/engine.js';
import { rankChunks } from '../src/rag/retrieve.js';
import { loadIndex, type StoredIndex } from '../src/rag/store/index-store.js';
import { STOPWORDS } from '../src/rag/text.js';
import type { Article } from '../src/rag/types.js';
import { percentile } from '../src/bench/metrics.js';
import { mulberry32 } from './lib/random.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULT_MARK = '@@scale-result ';
const SEED = 0x5eed_2024;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** Mixes numbers into one 32-bit seed, so article i's text depends on (seed, i) alone. */
function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
  }
  return h >>> 0;
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

/** Samples ranks 0..n-1 with P(rank r) ∝ 1/(r+1)^s, by binary search over the cumulative table. */
class Zipf {
  private readonly cdf: Float64Array;
  constructor(n: number, s: number) {
    this.cdf = new Float64Array(n);
    let total = 0;
    for (let r = 0; r < n; r++) this.cdf[r] = total += 1 / Math.pow(r + 1, s);
    for (let r = 0; r < n; r++) this.cdf[r]! /= total;
  }
  sample(rng: Rng): number {
    const u = rng();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// ---------------------------------------------------------------------------------------------
// The synthetic language

/** English function words with rough relative frequencies in news text (they carry no topic). */
const FUNCTION_WORDS: Array<[string, number]> = [
  ['the', 60],
  ['of', 29],
  ['to', 27],
  ['a', 23],
  ['and', 23],
  ['in', 21],
  ['that', 11],
  ['for', 9],
  ['is', 9],
  ['on', 8],
  ['said', 8],
  ['was', 7],
  ['with', 7],
  ['he', 6],
  ['it', 6],
  ['as', 6],
  ['at', 5],
  ['by', 5],
  ['from', 5],
  ['his', 4],
  ['an', 4],
  ['have', 4],
  ['has', 4],
  ['be', 4],
  ['but', 4],
  ['are', 4],
  ['not', 3],
  ['they', 3],
  ['this', 3],
  ['who', 3],
  ['were', 3],
  ['had', 3],
  ['their', 3],
  ['will', 3],
  ['would', 2.5],
  ['its', 2.5],
  ['been', 2],
  ['which', 2],
  ['after', 2],
  ['more', 2],
  ['about', 2],
  ['also', 2],
  ['or', 2],
  ['she', 2],
  ['than', 1.5],
  ['we', 1.5],
  ['when', 1.5],
  ['her', 1.5],
  ['could', 1],
  ['over', 1],
  ['into', 1],
  ['there', 1],
  ['some', 1],
  ['other', 1],
  ['all', 1],
  ['if', 1],
  ['no', 0.8],
  ['out', 0.8],
  ['up', 0.8],
  ['them', 0.8],
];

const ONSETS = [
  '',
  '',
  'b',
  'br',
  'c',
  'ch',
  'cl',
  'd',
  'dr',
  'f',
  'fl',
  'g',
  'gr',
  'h',
  'j',
  'k',
  'l',
  'm',
  'n',
  'p',
  'pl',
  'pr',
  'r',
  's',
  'sh',
  'sl',
  'st',
  't',
  'tr',
  'v',
  'w',
  'z',
];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'a', 'e', 'o', 'ai', 'ea', 'ou', 'io', 'y'];
const CODAS = ['', '', '', 'n', 'r', 's', 't', 'l', 'm', 'nd', 'st', 'ng', 'ck', 'rt', 'x'];
const SUFFIXES = ['', '', '', '', '', '', '', 's', 's', 'ed', 'ing', 'er', 'ly', 'tion', 'al'];
const OUTLET_KINDS = [
  'Times',
  'Herald',
  'Post',
  'Courier',
  'Tribune',
  'Gazette',
  'Journal',
  'Wire',
  'Daily',
  'Observer',
  'Ledger',
  'Chronicle',
];
const ORG_KINDS = [
  'Group',
  'Bank',
  'Party',
  'Institute',
  'Council',
  'Holdings',
  'Union',
  'Agency',
  'University',
  'Authority',
  'Fund',
  'Corp',
];
const TEMPLATES = [
  (w: string[], e: string) => `What did ${e} say about ${w.join(' ')}?`,
  (w: string[]) => `Why ${w.join(' ')}?`,
  (w: string[]) => `How many ${w.join(' ')}?`,
  (w: string[], e: string) => `When did ${e} ${w.join(' ')}?`,
  (w: string[]) => `${w.join(' ')}`,
  (w: string[], e: string) => `What happened to ${e} and the ${w.join(' ')}?`,
];

const capitalize = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

/** Vocabulary, entities and outlets of one corpus, all derived from the seed. */
export class SyntheticLanguage {
  readonly content: string[];
  readonly people: string[];
  readonly places: string[];
  readonly orgs: string[];
  readonly outlets: string[];
  /** Share of content-word types taken from the real English word list (0 when it is absent). */
  readonly realShare: number;
  private readonly contentZipf: Zipf;
  private readonly entityZipf: Zipf;
  private readonly functionCdf: Float64Array;

  constructor(
    readonly seed: number,
    realWords: readonly string[] = [],
    vocabulary = 60_000,
  ) {
    const rng = mulberry32(mixSeed(seed, 1));
    const used = new Set<string>();
    const pseudo = (syllables: number, suffix = true): string => {
      for (let attempt = 0; ; attempt++) {
        // Short forms run out; after many collisions, allow a longer word.
        const length = syllables + Math.floor(attempt / 50);
        let w = '';
        for (let s = 0; s < length; s++)
          w += pick(rng, ONSETS) + pick(rng, VOWELS) + pick(rng, CODAS);
        if (suffix) w += pick(rng, SUFFIXES);
        if (w.length >= 3 && !used.has(w) && !STOPWORDS.has(w)) {
          used.add(w);
          return w;
        }
      }
    };
    // Frequent words are short and mostly real; the long tail has more coinages (names, jargon).
    const real = realWords.filter((w) => /^[a-z]{2,}$/.test(w) && !STOPWORDS.has(w)).slice(150);
    let nextReal = 0;
    let realCount = 0;
    this.content = [];
    for (let r = 0; r < vocabulary; r++) {
      const realChance = 0.85 - 0.35 * (r / vocabulary);
      if (nextReal < real.length && rng() < realChance) {
        const w = real[nextReal++]!;
        if (used.has(w)) continue;
        used.add(w);
        this.content.push(w);
        realCount++;
      } else {
        // One or two syllables, a third now and then in the long tail: English word lengths.
        this.content.push(pseudo(1 + (rng() < 0.55 ? 1 : 0) + (r > 5_000 && rng() < 0.2 ? 1 : 0)));
      }
    }
    this.realShare = realCount / this.content.length;
    const firstNames = Array.from({ length: 600 }, () => capitalize(pseudo(int(rng, 1, 2), false)));
    const lastNames = Array.from({ length: 8_000 }, () =>
      capitalize(pseudo(int(rng, 2, 3), false)),
    );
    this.people = Array.from(
      { length: 20_000 },
      () => `${pick(rng, firstNames)} ${pick(rng, lastNames)}`,
    );
    this.places = Array.from({ length: 3_000 }, () => capitalize(pseudo(int(rng, 2, 3), false)));
    this.orgs = Array.from(
      { length: 3_000 },
      () => `${capitalize(pseudo(int(rng, 1, 3), false))} ${pick(rng, ORG_KINDS)}`,
    );
    this.outlets = Array.from(
      { length: 40 },
      () => `The ${capitalize(pseudo(2, false))} ${pick(rng, OUTLET_KINDS)}`,
    );
    this.contentZipf = new Zipf(this.content.length, 1.0);
    this.entityZipf = new Zipf(3_000, 0.9);
    this.functionCdf = new Float64Array(FUNCTION_WORDS.length);
    let total = 0;
    FUNCTION_WORDS.forEach(([, f], i) => (this.functionCdf[i] = total += f));
    this.functionCdf.forEach((c, i) => (this.functionCdf[i] = c / total));
  }

  private functionWord(rng: Rng): string {
    const u = rng();
    let i = 0;
    while (this.functionCdf[i]! < u) i++;
    return FUNCTION_WORDS[i]![0];
  }

  /** A popular-first draw over people, places and organizations. */
  private entity(rng: Rng): string {
    const r = this.entityZipf.sample(rng);
    const u = rng();
    if (u < 0.6) return this.people[(r * 7 + int(rng, 0, 6)) % this.people.length]!;
    return u < 0.8 ? this.places[r]! : this.orgs[r]!;
  }

  private number(rng: Rng): string {
    const u = rng();
    if (u < 0.35) return String(int(rng, 2, 99));
    if (u < 0.5) return `${int(rng, 1, 99)}.${int(rng, 1, 9)}`;
    if (u < 0.65) return `${int(rng, 1, 999)},${String(int(rng, 0, 999)).padStart(3, '0')}`;
    if (u < 0.85) return String(int(rng, 1990, 2024));
    return `$${int(rng, 1, 99)}.${int(rng, 1, 9)} ${rng() < 0.5 ? 'million' : 'billion'}`;
  }

  /** One news-like sentence drawing on the article's topic words and cast. */
  private sentence(rng: Rng, topic: string[], cast: string[]): string {
    // Erlang(3) around 18 plus 4: mean ~22 words, sd ~10, a long right tail.
    const length = Math.min(
      80,
      4 + Math.round(-6 * Math.log((1 - rng()) * (1 - rng()) * (1 - rng()))),
    );
    const words: string[] = [];
    for (let i = 0; i < length; i++) {
      const u = rng();
      let w: string;
      if (u < 0.46) w = this.functionWord(rng);
      else if (u < 0.5) w = rng() < 0.7 ? pick(rng, cast) : this.entity(rng);
      else if (u < 0.52) w = this.number(rng);
      else if (u < 0.66) w = pick(rng, topic);
      else w = this.content[this.contentZipf.sample(rng)]!;
      if (i < length - 1 && rng() < 0.06) w += ',';
      words.push(w);
    }
    words[0] = capitalize(words[0]!);
    let text = words.join(' ').replace(/,$/, '');
    if (rng() < 0.12) text = `"${text}," ${pick(rng, cast)} said.`;
    else text += rng() < 0.01 ? '?' : '.';
    return text;
  }

  /** Article `i` of the corpus: depends only on the seed and `i`. */
  article(i: number): Article {
    const rng = mulberry32(mixSeed(this.seed, 2, i));
    const topic = Array.from(
      { length: 30 },
      () => this.content[Math.min(this.content.length - 1, 200 + this.contentZipf.sample(rng))]!,
    );
    const cast = Array.from({ length: int(rng, 2, 5) }, () => this.entity(rng));
    const target = int(rng, 3_000, 5_200);
    const paragraphs: string[] = [];
    let chars = 0;
    while (chars < target) {
      const sentences = Array.from({ length: pick(rng, [1, 1, 2, 2, 2, 3, 3, 4]) }, () =>
        this.sentence(rng, topic, cast),
      );
      const p = sentences.join(' ');
      paragraphs.push(p);
      chars += p.length + 2;
    }
    const titleWords = Array.from({ length: int(rng, 5, 10) }, () =>
      capitalize(rng() < 0.5 ? pick(rng, topic) : this.content[this.contentZipf.sample(rng)]!),
    );
    const day = new Date(Date.UTC(2022, 0, 1) + int(rng, 0, 3 * 365) * 86_400_000).toISOString();
    const id = `syn-${String(i).padStart(7, '0')}`;
    return {
      id,
      title: `${pick(rng, cast)}: ${titleWords.join(' ')}`,
      source: pick(rng, this.outlets),
      publishedAt: day,
      body: paragraphs.join('\n\n'),
      file: `synthetic/${id}.txt`,
    };
  }

  /** Query `q`: mostly words sampled from one article's sentence, sometimes words from nowhere. */
  query(q: number, articleCount: number): string {
    const rng = mulberry32(mixSeed(this.seed, 3, q));
    const k = int(rng, 2, 5);
    const plain = (w: string): string => w.replace(/[^\p{L}\p{N}$.]/gu, '').replace(/\.$/, '');
    let words: string[];
    let entity: string;
    if (rng() < 0.8) {
      const a = this.article(int(rng, 0, Math.max(0, articleCount - 2)));
      const sentences = a.body.split(/(?<=[.?"])\s+/);
      const tokens = pick(rng, sentences)
        .split(/\s+/)
        .map(plain)
        .filter((w) => w && !STOPWORDS.has(w.toLowerCase()));
      words = Array.from({ length: Math.min(k, tokens.length) }, () =>
        pick(rng, tokens).toLowerCase(),
      );
      entity = /^\p{Lu}/u.test(a.title) ? a.title.split(':')[0]! : this.entity(rng);
    } else {
      words = Array.from({ length: k }, () => this.content[this.contentZipf.sample(rng)]!);
      entity = this.entity(rng);
    }
    return pick(rng, TEMPLATES)(words.length ? words : ['news'], entity);
  }
}

/**
 * Generates articles until exactly `chunks` chunks exist at `chunkSize` (the last article is cut
 * at a chunk boundary).
 */
export function generateCorpus(
  language: SyntheticLanguage,
  chunks: number,
  chunkSize: number,
): { articles: Article[]; sentenceWords: number } {
  const articles: Article[] = [];
  let total = 0;
  for (let i = 0; total < chunks; i++) {
    const article = language.article(i);
    const pieces = chunkArticle(article, chunkSize);
    if (total + pieces.length > chunks) {
      const keep = chunks - total;
      article.body = article.body.slice(0, pieces[keep - 1]!.end);
      const again = chunkArticle(article, chunkSize).length;
      if (again !== keep)
        throw new Error(`cutting article ${i} gave ${again} chunks, expected ${keep}`);
      total += keep;
    } else {
      total += pieces.length;
    }
    articles.push(article);
  }
  // Mean words per sentence over a sample, to report the statistics actually generated.
  let words = 0;
  let sentences = 0;
  for (const a of articles.slice(0, 200)) {
    for (const s of a.body.split(/(?<=[.?"])\s+(?=[A-Z"$\d])/)) {
      sentences++;
      words += s.split(/\s+/).length;
    }
  }
  return { articles, sentenceWords: sentences ? words / sentences : 0 };
}

// ---------------------------------------------------------------------------------------------
// Measurements (child processes)

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
const seconds = (ms: number): number => Math.round(ms) / 1000;

function benchConfig(indexDir: string): CoreConfig {
  // An explicit env: nothing from .env or the shell changes what is measured.
  return loadConfig({
    INDEX_DIR: indexDir,
    CACHE_DIR: path.join(ROOT, 'data', 'cache'),
    CORPUS_DIR: path.join(indexDir, 'no-corpus'),
    LOG_LEVEL: 'warn',
  });
}

async function language(): Promise<SyntheticLanguage> {
  const vectors = loadWordVectors(wordVectorDir({ CACHE_DIR: path.join(ROOT, 'data', 'cache') }));
  return new SyntheticLanguage(SEED, vectors?.words ?? []);
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

interface PhaseFigures {
  /** Seconds from the start of the build to the phase's first and last progress event. */
  start: number;
  end: number;
  /** Peak RSS of the process by the end of the phase (MB). */
  peakRssMb: number;
}

async function childBuild(size: number, indexDir: string): Promise<Record<string, unknown>> {
  const config = benchConfig(indexDir);
  const lang = await language();
  let t = performance.now();
  const { articles, sentenceWords } = generateCorpus(lang, size, config.CHUNK_SIZE);
  const generateSeconds = seconds(performance.now() - t);
  const corpusChars = articles.reduce((s, a) => s + a.body.length, 0);
  const corpusRssMb = peakRssMb();

  // Phases overlap (the vector index is built on a worker while chunks are embedded and their
  // words indexed), so each phase is reported as the span between its first and last progress
  // event, in seconds from the start of the build.
  const phases: Partial<Record<BuildPhase, PhaseFigures>> = {};
  let lastLog = 0;
  t = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await buildIndex({
    config,
    articles,
    noCache: true,
    onProgress: (p) => {
      const now = performance.now();
      const at = seconds(now - t);
      const known = phases[p.phase];
      phases[p.phase] = { start: known?.start ?? at, end: at, peakRssMb: peakRssMb() };
      if (now - lastLog > 10_000) {
        lastLog = now;
        process.stderr.write(`  [${size}] ${at.toFixed(0)} s ${p.phase}: ${p.message}\n`);
      }
    },
  });
  const end = performance.now();
  const buildSeconds = seconds(end - t);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    chunks: report.manifest.chunks,
    articles: report.manifest.articles,
    corpusMb: mb(corpusChars),
    meanChunksPerArticle:
      Math.round((report.manifest.chunks / report.manifest.articles) * 100) / 100,
    meanSentenceWords: Math.round(sentenceWords * 10) / 10,
    realWordShare: Math.round(lang.realShare * 100) / 100,
    generateSeconds,
    corpusRssMb,
    buildSeconds,
    // CPU time of all threads: unlike wall time, barely inflated when others share the machine.
    buildCpuSeconds: Math.round((cpu.user + cpu.system) / 1e3) / 1e3,
    chunksPerSecond: Math.round(report.manifest.chunks / buildSeconds),
    phases,
    indexMb: mb(dirBytes(report.dir)),
    files: Object.fromEntries(
      Object.entries(report.manifest.files).map(([f, { bytes }]) => [f, mb(bytes)]),
    ),
    hnsw: report.manifest.hnsw,
    buildPeakRssMb: peakRssMb(),
    // The machine may be shared: a 1-minute load average above the core count means contention.
    loadAverageAfterBuild: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

async function timeQueries(
  count: number,
  articleCount: number,
  run: (q: string) => Promise<unknown>,
): Promise<{ p50: number; p95: number; max: number; mean: number }> {
  const lang = await language();
  const queries = Array.from({ length: count + 10 }, (_, q) => lang.query(q, articleCount));
  for (const q of queries.slice(0, 10)) await run(q); // warm-up: JIT, first page faults
  const times: number[] = [];
  for (const q of queries.slice(10)) {
    const t = performance.now();
    await run(q);
    times.push(performance.now() - t);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x * 100) / 100;
  return {
    p50: r(percentile(sorted, 50, NaN)),
    p95: r(percentile(sorted, 95, NaN)),
    max: r(sorted.at(-1)!),
    mean: r(times.reduce((s, x) => s + x, 0) / times.length),
  };
}

/** Fresh process: load the index as the engine does, then time retrieval alone (rankChunks). */
async function childRetrieve(
  indexDir: string,
  queries: number,
  articleCount: number,
  recallQueries: number,
): Promise<Record<string, unknown>> {
  const config = benchConfig(indexDir);
  const t = performance.now();
  const embedder = await createEmbedder(config);
  const index = loadIndex(config.INDEX_DIR, embedder.id);
  const loadSeconds = seconds(performance.now() - t);
  const loadRssMb = Math.round(process.memoryUsage.rss() / 2 ** 20);
  const latency = await timeQueries(queries, articleCount, (q) =>
    rankChunks(index, embedder, q, { k: config.TOP_K }),
  );
  const retrievePeakRssMb = peakRssMb();
  // Measured after the latencies, so its scan of the vector file does not warm or pollute them.
  const recall =
    recallQueries > 0
      ? await vectorRecall(index, embedder, recallQueries, articleCount)
      : undefined;
  return { loadSeconds, loadRssMb, retrieveMs: latency, retrievePeakRssMb, vectorRecall: recall };
}

/**
 * Recall of the dense index against exact search: the share of the true 10 and 50 nearest
 * chunks (by brute force over every vector, read straight from the hnswlib file's level-0
 * records) that the index's own search returns, over `count` benchmark queries.
 */
async function vectorRecall(
  index: StoredIndex,
  embedder: Embedder,
  count: number,
  articleCount: number,
): Promise<Record<string, number>> {
  const lang = await language();
  const K = 50;
  const dims = index.manifest.embedder.dimensions;
  const qs = await Promise.all(
    Array.from({ length: count }, (_, q) =>
      embedder.embedQuery(lang.query(100_000 + q, articleCount)),
    ),
  );
  // Per query, the best K (similarity, label) so far, kept sorted best first.
  const best = qs.map(() => ({
    sims: new Float64Array(K).fill(-Infinity),
    labels: new Float64Array(K).fill(-1),
  }));
  const file = path.join(index.dir, 'vectors.hnsw');
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(96);
    readSync(fd, head, 0, 96, 0);
    const total = Number(head.readBigUInt64LE(16));
    const recordBytes = Number(head.readBigUInt64LE(24));
    const labelOffset = Number(head.readBigUInt64LE(32));
    const dataOffset = Number(head.readBigUInt64LE(40));
    const perRead = 8_192;
    const block = Buffer.alloc(perRead * recordBytes);
    const vec = new Float32Array(dims);
    for (let first = 0; first < total; first += perRead) {
      const n = Math.min(perRead, total - first);
      readSync(fd, block, 0, n * recordBytes, 96 + first * recordBytes);
      for (let r = 0; r < n; r++) {
        const at = r * recordBytes;
        for (let d = 0; d < dims; d++) vec[d] = block.readFloatLE(at + dataOffset + 4 * d);
        const label = Number(block.readBigUInt64LE(at + labelOffset));
        for (let q = 0; q < qs.length; q++) {
          const query = qs[q]!;
          let sim = 0;
          for (let d = 0; d < dims; d++) sim += query[d]! * vec[d]!;
          const b = best[q]!;
          if (sim <= b.sims[K - 1]!) continue;
          let i = K - 1;
          while (i > 0 && b.sims[i - 1]! < sim) {
            b.sims[i] = b.sims[i - 1]!;
            b.labels[i] = b.labels[i - 1]!;
            i--;
          }
          b.sims[i] = sim;
          b.labels[i] = label;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  let hit10 = 0;
  let hit50 = 0;
  qs.forEach((query, q) => {
    const exact = Array.from(best[q]!.labels);
    const got10 = new Set(index.vectors.search(query, 10).map((h) => h.doc));
    const got50 = new Set(index.vectors.search(query, K).map((h) => h.doc));
    hit10 += exact.slice(0, 10).filter((l) => got10.has(l)).length;
    hit50 += exact.filter((l) => got50.has(l)).length;
  });
  return {
    queries: count,
    recallAt10: Math.round((hit10 / (10 * count)) * 1000) / 1000,
    recallAt50: Math.round((hit50 / (K * count)) * 1000) / 1000,
  };
}

/** Fresh process: `openEngine`, then time full `engine.ask` (retrieval + extractive answer). */
async function childAsk(
  indexDir: string,
  queries: number,
  articleCount: number,
): Promise<Record<string, unknown>> {
  const config = benchConfig(indexDir);
  const t = performance.now();
  const engine = await openEngine(config);
  const openSeconds = seconds(performance.now() - t);
  let refused = 0;
  const latency = await timeQueries(queries, articleCount, async (q) => {
    if ((await engine.ask(q)).refused) refused++;
  });
  return {
    openEngineSeconds: openSeconds,
    askMs: latency,
    askRefusedShare: Math.round((refused / (queries + 10)) * 100) / 100,
    askPeakRssMb: peakRssMb(),
  };
}

// ---------------------------------------------------------------------------------------------
// Orchestration (parent process)

function runChild(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    // Same Node flags (the tsx loader) as this process; nothing else is shared.
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), ...args],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (code !== 0 || !line)
        reject(new Error(`child ${args.join(' ')} exited with ${code}\n${out.slice(-2_000)}`));
      else resolve(JSON.parse(line.slice(RESULT_MARK.length)) as Record<string, unknown>);
    });
  });
}

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      args.set(a.slice(2), next);
      i++;
    } else args.set(a.slice(2), 'true');
  }
  return args;
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim().replace(/_/g, ''));
  if (!m) throw new Error(`not a chunk count: ${text}`);
  const n =
    Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1e3 : m[2]?.toLowerCase() === 'm' ? 1e6 : 1);
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a chunk count: ${text}`);
  return n;
}

type Row = Record<string, any>;

function table(rows: Row[]): string {
  const cols: Array<[string, (r: Row) => string]> = [
    ['chunks', (r) => r.chunks.toLocaleString('en-US')],
    ['articles', (r) => r.articles.toLocaleString('en-US')],
    ['build s', (r) => r.buildSeconds.toFixed(1)],
    ['build CPU s', (r) => r.buildCpuSeconds.toFixed(1)],
    ['chunks/s', (r) => r.chunksPerSecond.toLocaleString('en-US')],
    [
      'phases from-to s: chunk | embed | lexical | vectors | write',
      (r) =>
        ['chunk', 'embed', 'lexical', 'vectors', 'write']
          .map((p) =>
            r.phases[p] ? `${r.phases[p].start.toFixed(0)}-${r.phases[p].end.toFixed(0)}` : '-',
          )
          .join(' | '),
    ],
    ['index MB', (r) => String(r.indexMb)],
    ['load s', (r) => r.loadSeconds.toFixed(2)],
    ['openEngine s', (r) => r.openEngineSeconds.toFixed(2)],
    [
      'retrieve p50/p95 ms',
      (r) => `${r.retrieveMs.p50.toFixed(1)} / ${r.retrieveMs.p95.toFixed(1)}`,
    ],
    ['ask p50/p95 ms', (r) => `${r.askMs.p50.toFixed(1)} / ${r.askMs.p95.toFixed(1)}`],
    [
      'dense recall@10/@50',
      (r) =>
        r.vectorRecall
          ? `${r.vectorRecall.recallAt10.toFixed(3)} / ${r.vectorRecall.recallAt50.toFixed(3)}`
          : '-',
    ],
    ['build peak MB', (r) => String(r.buildPeakRssMb)],
    ['query peak MB', (r) => String(Math.max(r.retrievePeakRssMb, r.askPeakRssMb))],
  ];
  const cells = [cols.map(([h]) => h), ...rows.map((r) => cols.map(([, f]) => f(r)))];
  const widths = cols.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    `| ${c.map((x, i) => x.padStart(widths[i]!)).join(' | ')} |`;
  return [
    line(cells[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** Growth exponents between the smallest and largest size: 1.0 is linear. */
function growth(rows: Row[]): Record<string, number> | undefined {
  if (rows.length < 2) return undefined;
  const a = rows[0]!;
  const b = rows.at(-1)!;
  const ln = Math.log(b.chunks / a.chunks);
  const exp = (x: number, y: number): number => Math.round((Math.log(y / x) / ln) * 100) / 100;
  return {
    buildTimeExponent: exp(a.buildSeconds, b.buildSeconds),
    loadTimeExponent: exp(a.loadSeconds, b.loadSeconds),
    retrieveP95Exponent: exp(a.retrieveMs.p95, b.retrieveMs.p95),
    askP95Exponent: exp(a.askMs.p95, b.askMs.p95),
    buildPeakRssExponent: exp(a.buildPeakRssMb, b.buildPeakRssMb),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const child = args.get('child');
  if (child) {
    setLogger(createLogger('warn'));
    const dir = args.get('dir')!;
    const queries = Number(args.get('queries') ?? 200);
    const articles = Number(args.get('articles') ?? 0);
    const result =
      child === 'build'
        ? await childBuild(parseSize(args.get('size')!), dir)
        : child === 'retrieve'
          ? await childRetrieve(dir, queries, articles, Number(args.get('recall-queries') ?? 50))
          : await childAsk(dir, queries, articles);
    process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
    return;
  }

  const sizes = (args.get('chunks') ?? '10000,100000').split(',').map(parseSize);
  const queries = Number(args.get('queries') ?? 200);
  const json = args.has('json');
  const base = path.join(args.get('tmp') ?? os.tmpdir(), `storybot-scale-${process.pid}`);
  mkdirSync(base, { recursive: true });
  const rows: Row[] = [];
  try {
    for (const size of sizes) {
      const dir = path.join(base, `n${size}`);
      process.stderr.write(
        `scale ${size.toLocaleString('en-US')} chunks: generating and building…\n`,
      );
      const build = await runChild(['--child', 'build', '--size', String(size), '--dir', dir]);
      process.stderr.write(
        `  built in ${String(build.buildSeconds)} s; loading and querying in fresh processes…\n`,
      );
      const common = [
        '--dir',
        dir,
        '--queries',
        String(queries),
        '--articles',
        String(build.articles),
      ];
      const retrieve = await runChild([
        '--child',
        'retrieve',
        ...common,
        '--recall-queries',
        args.get('recall-queries') ?? '50',
      ]);
      const ask = await runChild(['--child', 'ask', ...common]);
      const row = { ...build, ...retrieve, ...ask };
      rows.push(row);
      if (!args.has('keep')) rmSync(dir, { recursive: true, force: true });
      if (!json) process.stderr.write(`${JSON.stringify(row)}\n`);
    }
  } finally {
    if (!args.has('keep')) rmSync(base, { recursive: true, force: true });
  }
  const summary = {
    machine: { cpus: os.cpus().length, memoryMb: mb(os.totalmem()), node: process.version },
    queries,
    sizes: rows,
    growth: growth(rows),
  };
  if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    process.stdout.write(`${table(rows)}\n`);
    if (summary.growth)
      process.stdout.write(
        `growth exponents smallest→largest (1.0 = linear): ${JSON.stringify(summary.growth)}\n`,
      );
  }
}

// Run only as a script, so the corpus generator can be imported (tests, experiments).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:scale failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
