/**
 * Ingestion, an offline step: corpus → chunks → embeddings + lexical postings → a new build on
 * disk, published only when complete.
 */
import type { CoreConfig } from '../config.js';
import { loadCorpus } from '../corpus/load.js';
import type { CorpusError } from '../errors.js';
import { chunkArticle, chunkSearchText } from './chunk.js';
import { createEmbedder, embedAll, type Embedder } from './embeddings/index.js';
import {
  acquireBuildLock,
  corpusFingerprint,
  discardBuild,
  FORMAT_VERSION,
  newBuildDir,
  publishBuild,
  writeBuild,
  type StoredManifest,
} from './store/index-store.js';
import { LexicalIndexBuilder } from './store/lexical.js';
import { DEFAULT_HNSW, HnswVectorIndex, type HnswParams } from './store/vectors.js';
import { contentStems } from './text.js';
import type { Article, ArticleMeta, Chunk } from './types.js';

export type BuildPhase = 'load' | 'chunk' | 'embed' | 'lexical' | 'vectors' | 'write' | 'swap';

export interface BuildProgress {
  phase: BuildPhase;
  done: number;
  total: number;
  message: string;
}

export interface BuildOptions {
  config: CoreConfig;
  /** Defaults to `config.CORPUS_DIR`. */
  corpusDir?: string;
  /** Index these articles instead of reading a corpus directory (benchmarks). */
  articles?: Article[];
  skipInvalid?: boolean;
  onProgress?: (progress: BuildProgress) => void;
  /** Reuse an embedder (tests, benchmarks); otherwise one is created from config. */
  embedder?: Embedder;
  hnsw?: HnswParams;
  /** Skip the on-disk embedding cache (benchmarks measuring cold builds). */
  noCache?: boolean;
}

export interface BuildReport {
  manifest: StoredManifest;
  dir: string;
  skipped: CorpusError[];
  ignored: string[];
  /** Chunks embedded in this build (not found in the cache). */
  embedded: number;
  cached: number;
}

/**
 * Builds a new index from the corpus and swaps it in. On any error the temporary build is
 * removed and the current index is left exactly as it was.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildReport> {
  const { config } = options;
  const started = Date.now();
  const progress = (phase: BuildPhase, done: number, total: number, message: string): void =>
    options.onProgress?.({ phase, done, total, message });
  const release = acquireBuildLock(config.INDEX_DIR);
  const tmpDir = newBuildDir(config.INDEX_DIR);
  try {
    const corpusDir = options.corpusDir ?? config.CORPUS_DIR;
    progress('load', 0, 0, `reading ${corpusDir}`);
    const corpus = options.articles
      ? { articles: options.articles, skipped: [], ignored: [] }
      : await loadCorpus(corpusDir, { skipInvalid: options.skipInvalid });
    progress('load', corpus.articles.length, corpus.articles.length, `read ${corpus.articles.length} articles`);

    const chunks: Chunk[] = [];
    const chunkArticle_: number[] = [];
    const articles: Array<ArticleMeta & { body: string }> = corpus.articles.map((article, row) => {
      const pieces = chunkArticle(article, config.CHUNK_SIZE);
      for (const c of pieces) {
        chunks.push(c);
        chunkArticle_.push(row);
      }
      return { ...article, chunks: pieces.length, chars: article.body.length };
    });
    progress('chunk', chunks.length, chunks.length, `${chunks.length} chunks`);

    const searchTexts = chunks.map((c, i) => chunkSearchText(c, articles[chunkArticle_[i]!]!));
    const embedder = options.embedder ?? (await createEmbedder(config));
    let cached = 0;
    const vectors = await embedAll(embedder, searchTexts, {
      cacheDir: options.noCache ? undefined : config.CACHE_DIR,
      onProgress: (p) => {
        cached = p.cached;
        progress('embed', p.done, p.total, `embedded ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} chunks`);
      },
    });

    const lexicalBuilder = new LexicalIndexBuilder();
    searchTexts.forEach((t) => lexicalBuilder.add(contentStems(t)));
    const lexical = lexicalBuilder.build();
    progress('lexical', chunks.length, chunks.length, 'lexical index built');

    const dims = await embedder.dimensions();
    const hnsw = options.hnsw ?? DEFAULT_HNSW;
    const vectorIndex = HnswVectorIndex.build(vectors, dims, hnsw, (done) =>
      progress('vectors', done, chunks.length, `vector index ${done.toLocaleString('en-US')}/${chunks.length.toLocaleString('en-US')}`),
    );
    progress('vectors', chunks.length, chunks.length, 'vector index built');

    progress('write', 0, 1, 'writing index');
    const manifest = writeBuild(tmpDir, {
      manifest: {
        formatVersion: FORMAT_VERSION,
        embedder: { id: embedder.id, dimensions: dims },
        chunkSize: config.CHUNK_SIZE,
        chunks: chunks.length,
        articles: articles.length,
        corpusFingerprint: corpusFingerprint(corpus.articles),
        builtAt: new Date().toISOString(),
        buildMs: Date.now() - started,
        hnsw: { m: hnsw.m, efConstruction: hnsw.efConstruction },
      },
      articles,
      chunks,
      chunkArticle: Uint32Array.from(chunkArticle_),
      lexical,
      vectors: vectorIndex,
    });
    const dir = publishBuild(config.INDEX_DIR, tmpDir);
    progress('swap', 1, 1, 'new index is live');
    return { manifest, dir, skipped: corpus.skipped, ignored: corpus.ignored, embedded: chunks.length - cached, cached };
  } catch (error) {
    discardBuild(tmpDir);
    throw error;
  } finally {
    release();
  }
}
