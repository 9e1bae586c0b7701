/**
 * Chooses the embedder from config and puts the on-disk cache in front of it.
 */
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import path from 'node:path';
import type { CoreConfig } from '../../config.js';
import { EmbeddingCache, textKey } from './cache.js';
import { LocalEmbeddings } from './local.js';
import { loadWordVectors, type WordVectors } from './wordvectors.js';

/** An embedder as the pipeline uses it: identified, sized, cached, returning Float32Arrays. */
export interface Embedder {
  readonly id: string;
  /** The LangChain interface underneath (local or OpenAI). */
  readonly embeddings: EmbeddingsInterface<number[]>;
  /** Word vectors when the local embedder has them; the answerer uses them for paraphrases. */
  readonly wordVectors: WordVectors | null;
  /** Vector width; remote providers learn it from one probe request. */
  dimensions(): Promise<number>;
  embedQuery(text: string): Promise<Float32Array>;
}

export interface EmbedProgress {
  done: number;
  total: number;
  cached: number;
}

/**
 * Where the compact word-vector table lives (shared by every index on the machine):
 * `WORD_VECTORS_DIR` when set, so a throwaway CACHE_DIR need not convert the package again.
 */
export function wordVectorDir(
  config: Pick<CoreConfig, 'CACHE_DIR'> & Partial<Pick<CoreConfig, 'WORD_VECTORS_DIR'>>,
): string {
  return config.WORD_VECTORS_DIR ?? path.join(config.CACHE_DIR, 'wordvectors');
}

/** Creates the configured embedder. The OpenAI client is only loaded when asked for. */
export async function createEmbedder(config: CoreConfig): Promise<Embedder> {
  if (config.EMBEDDINGS_PROVIDER === 'openai') {
    const { createOpenAiEmbeddings, openAiEmbedderId, probeDimensions } =
      await import('./openai.js');
    const embeddings = createOpenAiEmbeddings(config);
    let dims: Promise<number> | undefined;
    return {
      id: openAiEmbedderId(config),
      embeddings,
      wordVectors: null,
      dimensions: () => (dims ??= probeDimensions(embeddings)),
      embedQuery: async (text) => Float32Array.from(await embeddings.embedQuery(text)),
    };
  }
  const vectors = loadWordVectors(wordVectorDir(config));
  const local = new LocalEmbeddings(vectors);
  return {
    id: local.id,
    embeddings: local,
    wordVectors: vectors,
    dimensions: async () => local.dimensions,
    embedQuery: async (text) => local.vector(text),
  };
}

/**
 * Embeds many texts through the cache: only texts never embedded by this embedder are sent to
 * it, in batches, with progress reported after each batch.
 */
export async function embedAll(
  embedder: Embedder,
  texts: string[],
  options: { cacheDir?: string; batchSize?: number; onProgress?: (p: EmbedProgress) => void } = {},
): Promise<Float32Array[]> {
  const dims = await embedder.dimensions();
  const local = embedder.embeddings instanceof LocalEmbeddings ? embedder.embeddings : undefined;
  const cache = options.cacheDir
    ? new EmbeddingCache(path.join(options.cacheDir, 'embeddings'), embedder.id, dims)
    : undefined;
  const out: Float32Array[] = new Array(texts.length);
  const missing: number[] = [];
  const keys = texts.map((t) => (cache ? textKey(t) : ''));
  texts.forEach((_, i) => {
    const hit = cache?.get(keys[i]!);
    if (hit) out[i] = hit;
    else missing.push(i);
  });
  const cached = texts.length - missing.length;
  const batchSize = options.batchSize ?? (local ? 2_000 : 256);
  options.onProgress?.({ done: cached, total: texts.length, cached });
  for (let b = 0; b < missing.length; b += batchSize) {
    const batch = missing.slice(b, b + batchSize);
    const vectors = local
      ? batch.map((i) => local.vector(texts[i]!))
      : (await embedder.embeddings.embedDocuments(batch.map((i) => texts[i]!))).map((v) =>
          Float32Array.from(v),
        );
    vectors.forEach((v, j) => {
      if (v.length !== dims)
        throw new Error(`embedder returned ${v.length} dimensions, expected ${dims}`);
      out[batch[j]!] = v;
    });
    cache?.putMany(batch.map((i, j) => ({ key: keys[i]!, vector: vectors[j]! })));
    options.onProgress?.({
      done: cached + Math.min(b + batchSize, missing.length),
      total: texts.length,
      cached,
    });
    // Let other work (progress output, a bot's event loop) run between batches.
    await new Promise((r) => setImmediate(r));
  }
  return out;
}
