/**
 * Ingestion, an offline step: corpus → chunks → embeddings + lexical postings → a new build on
 * disk, published only when complete.
 */
import type { CoreConfig } from '../config.js';
import { loadCorpus } from '../corpus/load.js';
import type { CorpusError } from '../errors.js';
import { chunkArticle, chunkSearchText } from './chunk.js';
import { createEmbedder, embedAll, type Embedder } from './embeddings/index.js';
import { LocalEmbeddings } from './embeddings/local.js';
import {
  acquireBuildLock,
  ChunkTableBuilder,
  corpusFingerprint,
  discardBuild,
  FORMAT_VERSION,
  newBuildDir,
  publishBuild,
  writeBuild,
  type StoredManifest,
} from './store/index-store.js';
import { LexicalIndexBuilder } from './store/lexical.js';
import { previousRevisions, revisionMark } from './store/revisions.js';
import { HnswBuildWorker, hnswParamsFor, type HnswParams } from './store/vectors.js';
import { contentStems, contentStemsOf, tokenize } from './text.js';
import type { Article, ArticleMeta } from './types.js';

/** Chunks embedded per embedAll call when there is no cache (bounds the vectors held at once). */
const EMBED_SLICE = 16_384;
/** Vectors handed to the vector-index worker at a time. */
const VECTOR_BATCH = 4_096;

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
  let vectorBuilder: HnswBuildWorker | undefined;
  try {
    const corpusDir = options.corpusDir ?? config.CORPUS_DIR;
    progress('load', 0, 0, `reading ${corpusDir}`);
    const corpus = options.articles
      ? { articles: options.articles, skipped: [], ignored: [] }
      : await loadCorpus(corpusDir, { skipInvalid: options.skipInvalid });
    progress(
      'load',
      corpus.articles.length,
      corpus.articles.length,
      `read ${corpus.articles.length} articles`,
    );

    // Chunks go straight into the stored table's columns: at a million chunks, keeping a Chunk
    // object (id, text, sentence spans) per chunk costs over a gigabyte for nothing.
    progress('chunk', 0, corpus.articles.length, 'chunking');
    const table = new ChunkTableBuilder();
    // Articles whose text changed since the live build are marked revised (see revisions.ts).
    const previous = previousRevisions(config.INDEX_DIR);
    const now = new Date().toISOString();
    const articles: Array<ArticleMeta & { body: string }> = corpus.articles.map((article, row) => {
      const pieces = chunkArticle(article, config.CHUNK_SIZE);
      for (const c of pieces) table.add(row, c);
      const revised = revisionMark(previous, article, now);
      return { ...article, chunks: pieces.length, chars: article.body.length, ...revised };
    });
    const n = table.length;
    progress('chunk', n, n, `${n} chunks`);

    const embedder = options.embedder ?? (await createEmbedder(config));
    const dims = await embedder.dimensions();
    const hnsw = options.hnsw ?? hnswParamsFor(n);
    const lexicalBuilder = new LexicalIndexBuilder();
    vectorBuilder = new HnswBuildWorker(dims, n, hnsw, (done) =>
      progress(
        'vectors',
        done,
        n,
        `vector index ${done.toLocaleString('en-US')}/${n.toLocaleString('en-US')}`,
      ),
    );
    const searchText = (i: number): string => {
      const article = articles[table.articleRow(i)]!;
      return chunkSearchText(table.chunk(i, article), article);
    };

    // Embedding, word postings and vector insertion overlap: the vector index is built on a
    // worker thread (hnswlib inserts on one thread, and it is the longest phase at scale) while
    // this thread embeds and indexes words, a batch at a time.
    let cached = 0;
    progress('embed', 0, n, `embedding ${n.toLocaleString('en-US')} chunks`);
    const local =
      options.noCache && embedder.embeddings instanceof LocalEmbeddings
        ? embedder.embeddings
        : undefined;
    if (local) {
      // The offline embedder and the word index read the same tokens: tokenize each chunk once.
      for (let from = 0; from < n; from += VECTOR_BATCH) {
        const count = Math.min(VECTOR_BATCH, n - from);
        const vectors = new Array<Float32Array>(count);
        for (let j = 0; j < count; j++) {
          const tokens = tokenize(searchText(from + j));
          vectors[j] = local.vectorOf(tokens);
          lexicalBuilder.add(contentStemsOf(tokens));
        }
        progress(
          'embed',
          from + count,
          n,
          `embedded ${(from + count).toLocaleString('en-US')}/${n.toLocaleString('en-US')} chunks`,
        );
        progress('lexical', from + count, n, 'indexing words');
        await vectorBuilder.add(vectors);
        // Let other work (progress output, a bot's event loop, the worker's replies) run.
        await new Promise((r) => setImmediate(r));
      }
    } else {
      // Through embedAll and its cache. The cache is read whole on each embedAll call, so with
      // it everything is embedded in one call and then handed over; without it, in slices.
      const embedSlice = options.noCache ? EMBED_SLICE : Math.max(1, n);
      for (let from = 0; from < n; from += embedSlice) {
        const texts = Array.from({ length: Math.min(embedSlice, n - from) }, (_, j) =>
          searchText(from + j),
        );
        let sliceCached = 0;
        const vectors = await embedAll(embedder, texts, {
          cacheDir: options.noCache ? undefined : config.CACHE_DIR,
          onProgress: (p) => {
            sliceCached = p.cached;
            const done = from + p.done;
            progress(
              'embed',
              done,
              n,
              `embedded ${done.toLocaleString('en-US')}/${n.toLocaleString('en-US')} chunks`,
            );
          },
        });
        cached += sliceCached;
        for (let at = 0; at < texts.length; at += VECTOR_BATCH) {
          await vectorBuilder.add(vectors.slice(at, at + VECTOR_BATCH));
          for (let j = at; j < Math.min(at + VECTOR_BATCH, texts.length); j++)
            lexicalBuilder.add(contentStems(texts[j]!));
          progress(
            'lexical',
            from + Math.min(at + VECTOR_BATCH, texts.length),
            n,
            'indexing words',
          );
        }
      }
    }
    const lexical = lexicalBuilder.build();
    progress('lexical', n, n, 'lexical index built');

    progress('write', 0, 1, 'writing index');
    const manifest = await writeBuild(tmpDir, {
      manifest: {
        formatVersion: FORMAT_VERSION,
        embedder: { id: embedder.id, dimensions: dims },
        chunkSize: config.CHUNK_SIZE,
        chunks: n,
        articles: articles.length,
        corpusFingerprint: corpusFingerprint(corpus.articles),
        builtAt: new Date().toISOString(),
        buildMs: Date.now() - started,
        hnsw: { m: hnsw.m, efConstruction: hnsw.efConstruction, efSearch: hnsw.efSearch },
      },
      articles,
      chunks: table,
      lexical,
      // Written last: the worker finishes its queue while the other files are written.
      vectors: {
        save: async (file) => {
          await vectorBuilder!.save(file);
          progress('vectors', n, n, 'vector index built');
        },
      },
    });
    progress('write', 1, 1, 'index written');
    const dir = publishBuild(config.INDEX_DIR, tmpDir);
    progress('swap', 1, 1, 'new index is live');
    return {
      manifest,
      dir,
      skipped: corpus.skipped,
      ignored: corpus.ignored,
      embedded: n - cached,
      cached,
    };
  } catch (error) {
    discardBuild(tmpDir);
    throw error;
  } finally {
    await vectorBuilder?.dispose();
    release();
  }
}
