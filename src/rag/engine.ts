/**
 * The pipeline's front door: everything outside `src/rag` (CLI, Discord) talks to an `Engine`.
 */
import type { CoreConfig } from '../config.js';
import { log, type Logger } from '../log.js';
import type { Answerer } from './answer/answerer.js';
import { ExtractiveAnswerer, PREREAD_SENTENCES, type Decision } from './answer/extractive.js';
import { isYesNoQuestion } from './answer/yesno.js';
import { createEmbedder, type Embedder } from './embeddings/index.js';
import { indexExists, loadIndex, type StoredIndex } from './store/index-store.js';
import { foreignLanguageOf, languageName } from './language.js';
import { setNlpCacheDir } from './nlp/cache.js';
import { retrieve } from './retrieve.js';
import { cleanUserText } from './text.js';
import { maskMentions, SourceMatcher } from './query.js';
import {
  answerInTime,
  asksOnlyWhatsNew,
  timeIntent,
  withTimeNote,
  type TimeIntent,
} from './time.js';
import { catchUp, timeline } from './timeline.js';
import { quoteStatus, type QuoteStatus } from './store/revisions.js';
import type {
  Answer,
  ArticleMeta,
  Citation,
  Manifest,
  Passage,
  Summary,
  SummaryLength,
  Turn,
} from './types.js';

export interface AskOptions {
  /** Earlier turns, oldest first; used to resolve follow-ups like "and what about Japan?". */
  history?: Turn[];
  signal?: AbortSignal;
  /** Answer with the offline extractive answerer even when a model is configured (a server's choice). */
  extractive?: boolean;
  /** "Now" for relative dates in the question ("since Monday"); defaults to the current time. */
  now?: Date;
}

export interface SummaryOptions {
  length?: SummaryLength;
  focus?: string;
  signal?: AbortSignal;
}

/** What `/status` and `--json` outputs show about the loaded index. */
export interface EngineInfo {
  embedder: string;
  answerer: string;
  chunks: number;
  articles: number;
  builtAt: string;
  indexDir: string;
}

/** A loaded, read-only index plus the configured answerer. Safe to share between requests. */
export interface Engine {
  readonly manifest: Manifest;
  readonly articles: ArticleMeta[];
  ask(question: string, options?: AskOptions): Promise<Answer>;
  summarize(options?: SummaryOptions): Promise<Summary>;
  /** What is new in the articles published since `since` (`YYYY-MM-DD`), cited, oldest first. */
  catchUp(since: string): Summary;
  /** Dated events across the corpus, in the order they happened, each cited. */
  timeline(limit?: number): Summary;
  /** Whether a quote from an earlier answer is still in its article (corrections noticed). */
  quoteStatus(citation: Pick<Citation, 'articleId' | 'quote'>): QuoteStatus;
  info(): EngineInfo;
  /**
   * Reads the sentences of the most recently published articles ahead of any question, a few
   * milliseconds at a time so that questions arriving meanwhile are not held up; resolves to how
   * many sentences it read. Optional: stand-in engines need not have it.
   */
  preread?(options?: PrereadOptions): Promise<number>;
}

export interface PrereadOptions {
  /** Most sentences to read (default: half the answerer's analysis cache). */
  maxSentences?: number;
  signal?: AbortSignal;
}

/** Longest stretch `preread` works before letting other work run. */
const PREREAD_SLICE_MS = 10;

export type { CoreConfig };

/** Passages a summary without focus draws from: chunks of the most recent articles. */
const SUMMARY_ARTICLES = 20;
const SUMMARY_PASSAGES = 48;
const FOCUS_PASSAGES = 12;

class LoadedEngine implements Engine {
  readonly articles: ArticleMeta[];

  constructor(
    private readonly config: CoreConfig,
    private readonly index: StoredIndex,
    private readonly embedder: Embedder,
    private readonly answerer: Answerer,
    private readonly logger: Logger,
    /** The offline answerer, for callers that ask for it (`AskOptions.extractive`). */
    private readonly extractive: ExtractiveAnswerer,
  ) {
    this.articles = index.articles;
  }

  /** Outlet names of the corpus, for reading questions (built on first use). */
  private sources?: SourceMatcher;

  get manifest(): Manifest {
    return this.index.manifest;
  }

  async ask(rawQuestion: string, options: AskOptions = {}): Promise<Answer> {
    const question = cleanUserText(rawQuestion);
    const refusal = (answer: string): Answer => ({
      question,
      answer,
      refused: true,
      citations: [],
      answerer: this.answerer.id,
    });
    if (question.length > this.config.MAX_QUESTION_CHARS) {
      return refusal(
        `Your question is too long (${question.length} characters; the limit is ${this.config.MAX_QUESTION_CHARS}). Please ask it more briefly.`,
      );
    }
    if (!/[\p{L}\p{N}]/u.test(question))
      return refusal('Please ask a question about the story in words.');
    const language = foreignLanguageOf(question);
    if (language)
      return refusal(
        `I can only read questions in English for now, and this one looks like ${languageName(language)}. Please ask it in English.`,
      );
    const history = (options.history ?? []).slice(-3).map((t) => ({
      question: cleanUserText(t.question).slice(0, this.config.MAX_QUESTION_CHARS),
      answer: t.answer,
    }));
    const search = (text: string, k: number): Promise<Passage[]> =>
      retrieve(this.index, this.embedder, text, { k, history: text === question ? history : [] });
    const answer = (passages: Passage[], text = question): Promise<Answer> =>
      (options.extractive ? this.extractive : this.answerer).answer(text, {
        passages,
        history,
        signal: options.signal,
      });
    // Time-aware hook (src/rag/time.ts): "latest", "since …", "before/after …" questions.
    const intent = this.timeIntentOf(question, options.now);
    if (intent) {
      const catchUp = (since: string) => this.catchUp(since);
      const io = { k: this.config.TOP_K, search, answer, refusal, catchUp };
      return answerInTime(intent, question, io);
    }
    return withTimeNote(await answer(await search(question, this.config.TOP_K)));
  }

  /**
   * What the question asks of time, read with the outlets it names blanked out ("Business Today |
   * Latest Stock Market…" is a name, not "latest"). In a yes/no question "before", "after" and
   * "since" order or date its own claims ("Was A reported before B?"), which the answerer checks
   * against publication dates itself; only "has anything happened since…" stays a catch-up.
   */
  private timeIntentOf(question: string, now?: Date): TimeIntent | undefined {
    this.sources ??= new SourceMatcher(this.articles.flatMap((a) => a.source ?? []));
    const masked = maskMentions(question, this.sources.find(question));
    const intent = timeIntent(masked, now);
    if (!intent || intent.kind === 'latest' || !isYesNoQuestion(question)) return intent;
    if (intent.kind === 'since' && asksOnlyWhatsNew(masked.replace(intent.phrase, ' ')))
      return intent;
    return undefined;
  }

  async summarize(options: SummaryOptions = {}): Promise<Summary> {
    const focus = options.focus
      ? cleanUserText(options.focus).slice(0, this.config.MAX_QUESTION_CHARS)
      : undefined;
    const passages = focus
      ? await retrieve(this.index, this.embedder, focus, { k: FOCUS_PASSAGES })
      : this.leadPassages();
    return this.answerer.summarize({
      passages,
      length: options.length ?? 'medium',
      focus: focus || undefined,
      signal: options.signal,
    });
  }

  /**
   * Chunks of the most recently published articles, most recent first, taken in rounds (every
   * article's first chunk, then every second chunk…) so a short story is read whole and a large
   * corpus still contributes each recent article's opening.
   */
  private leadPassages(): Passage[] {
    const rows = this.newestFirst()
      .slice(0, SUMMARY_ARTICLES)
      .map((row) => ({ row, chunks: this.index.chunksOfArticle(row) }));
    const passages: Passage[] = [];
    for (let round = 0; passages.length < SUMMARY_PASSAGES; round++) {
      const before = passages.length;
      for (const { row, chunks } of rows) {
        const chunkRow = chunks[round];
        if (chunkRow === undefined || passages.length >= SUMMARY_PASSAGES) continue;
        passages.push({
          n: passages.length + 1,
          chunk: this.index.chunk(chunkRow),
          article: this.index.article(row),
          score: 0,
        });
      }
      if (passages.length === before) break;
    }
    return passages;
  }

  async preread(options: PrereadOptions = {}): Promise<number> {
    const budget = options.maxSentences ?? PREREAD_SENTENCES;
    let read = 0;
    let slice = performance.now();
    for (const row of this.newestFirst()) {
      const article = this.index.article(row);
      for (const chunkRow of this.index.chunksOfArticle(row)) {
        if (read >= budget || options.signal?.aborted) return read;
        const chunk = this.index.chunk(chunkRow);
        read += this.extractive.preread({ n: 0, chunk, article, score: 0 });
        if (performance.now() - slice >= PREREAD_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
      }
    }
    return read;
  }

  /** Article rows, most recently published first (undated last, corpus order among equals). */
  private newestFirst(): number[] {
    return this.index.articles
      .map((a, row) => ({ a, row }))
      .sort((x, y) => (y.a.publishedAt ?? '').localeCompare(x.a.publishedAt ?? '') || x.row - y.row)
      .map(({ row }) => row);
  }

  catchUp(since: string): Summary {
    return catchUp(this.index, since);
  }

  timeline(limit?: number): Summary {
    return timeline(this.index, limit);
  }

  quoteStatus(citation: Pick<Citation, 'articleId' | 'quote'>): QuoteStatus {
    return quoteStatus(this.index, citation);
  }

  info(): EngineInfo {
    const m = this.index.manifest;
    return {
      embedder: m.embedder.id,
      answerer: this.answerer.id,
      chunks: m.chunks,
      articles: m.articles,
      builtAt: m.builtAt,
      indexDir: this.config.INDEX_DIR,
    };
  }
}

/** Creates the configured answerer; the OpenAI client is only loaded when asked for. */
async function createAnswerer(
  config: CoreConfig,
  extractive: ExtractiveAnswerer,
  logger: Logger,
): Promise<Answerer> {
  if (config.ANSWERER !== 'openai') return extractive;
  const { OpenAiAnswerer } = await import('./answer/openai.js');
  return new OpenAiAnswerer(config, extractive, logger);
}

/** Loads the index in `config.INDEX_DIR` for the configured embedder (IndexError if unusable). */
export async function openEngine(
  config: CoreConfig,
  options: { logger?: Logger; embedder?: Embedder; onDecision?: (d: Decision) => void } = {},
): Promise<Engine> {
  const logger = options.logger ?? log();
  const embedder = options.embedder ?? (await createEmbedder(config));
  const index = loadIndex(config.INDEX_DIR, embedder.id);
  setNlpCacheDir(config.CACHE_DIR);
  const outlets = [...new Set(index.articles.flatMap((a) => a.source ?? []))].map(
    (o) => ` ${wordsOf(o)} `,
  );
  const extractive = new ExtractiveAnswerer({
    idf: (stem) => index.lexical.idf(stem),
    wordVectors: embedder.wordVectors,
    knownName: (name) => {
      const words = wordsOf(name);
      return words.length >= 3 && outlets.some((o) => o.includes(` ${words} `));
    },
    onDecision: options.onDecision,
  });
  const answerer = await createAnswerer(config, extractive, logger);
  return new LoadedEngine(config, index, embedder, answerer, logger, extractive);
}

/** Lowercase words joined by single spaces ("CBSSports.com" → "cbssports com"). */
function wordsOf(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Builds the index first when none exists (saying so through the logger), then opens it. */
export async function openOrBuildEngine(
  config: CoreConfig,
  options: { logger?: Logger } = {},
): Promise<Engine> {
  const logger = options.logger ?? log();
  if (!indexExists(config.INDEX_DIR)) {
    logger.info(
      { indexDir: config.INDEX_DIR, corpus: config.CORPUS_DIR },
      'no index yet: building it from the corpus first',
    );
    // Loaded only here: the corpus readers and the builder cost start-up time every ask skips.
    const { buildIndex } = await import('./build.js');
    const report = await buildIndex({ config });
    logger.info(
      {
        chunks: report.manifest.chunks,
        articles: report.manifest.articles,
        ms: report.manifest.buildMs,
      },
      'index built',
    );
  }
  return openEngine(config, options);
}
