/**
 * The offline embedder: deterministic, nothing downloaded, microseconds per chunk.
 *
 * A vector is two L2-normalized blocks, concatenated and normalized again:
 * - lexical block: signed feature hashing of word stems, stem bigrams and character 4-grams,
 *   weighted by word rarity. Catches shared words, inflections ("tariff"/"tariffs") and spelling
 *   variants ("stabilised"/"stabilized").
 * - semantic block: the rarity-weighted mean of pre-trained word vectors (see wordvectors.ts).
 *   Catches related words that share no letters ("phone call" ~ "spoke", "soybeans" ~ "crops").
 *
 * It cannot read word order or negation beyond bigrams, knows no words coined after its vectors
 * were trained, and treats each unknown word (names, numbers) as a rare, exact-match feature.
 */
import { Embeddings } from '@langchain/core/embeddings';
import { fnv1a, STOPWORDS, tokenize } from '../text.js';
import type { WordVectors } from './wordvectors.js';

export interface LocalEmbeddingsOptions {
  /** Width of the hashed lexical block. */
  hashDims?: number;
  /** Share of the final vector's energy given to the semantic block (0..1). */
  semanticShare?: number;
}

const DEFAULT_HASH_DIMS = 256;
const DEFAULT_SEMANTIC_SHARE = 0.5;
const UNKNOWN_RANK = 60_000;
/** Words whose features are kept (cleared when full; a news vocabulary fits many times). */
const FEATURE_CACHE_WORDS = 200_000;
const WORD_STATE = fnv1a('w:');
const BIGRAM_STATE = fnv1a('b:');
const GRAM_STATE = fnv1a('c:');
const EMPTY_GRAMS = new Uint32Array(0);

/** Everything one word contributes to the lexical block, whatever its neighbours. */
interface WordFeatures {
  /** Rarity weight. */
  w: number;
  stem: string;
  stemHash: number;
  /** FNV state after `b:${stem} `, from which the next word's bigram hash continues. */
  bigramState: number;
  /** Hashes of the word's character 4-grams (padded with #), if it is long enough to have them. */
  grams: Uint32Array;
  gramWeight: number;
}

export class LocalEmbeddings extends Embeddings<number[]> {
  readonly hashDims: number;
  readonly semanticDims: number;
  readonly dimensions: number;
  /** Names the algorithm and its parameters; an index built with another id is refused. */
  readonly id: string;
  private readonly lexicalWeight: number;
  private readonly semanticWeight: number;
  private readonly featureCache = new Map<string, WordFeatures>();

  constructor(
    private readonly vectors: WordVectors | null,
    options: LocalEmbeddingsOptions = {},
  ) {
    super({});
    this.hashDims = options.hashDims ?? DEFAULT_HASH_DIMS;
    this.semanticDims = vectors?.dims ?? 0;
    this.dimensions = this.hashDims + this.semanticDims;
    const share = vectors ? (options.semanticShare ?? DEFAULT_SEMANTIC_SHARE) : 0;
    this.semanticWeight = Math.sqrt(share);
    this.lexicalWeight = Math.sqrt(1 - share);
    this.id = vectors
      ? `local:hash${this.hashDims}+sg${this.semanticDims}:s${share}:v1`
      : `local:hash${this.hashDims}:v1`;
  }

  /** Rarity weight of a word: frequent words count little, rare and unknown words count most. */
  weight(word: string): number {
    const rank = this.vectors?.rank(word);
    return Math.log(2 + (rank ?? UNKNOWN_RANK) / 100);
  }

  /**
   * Hashed features of one word, computed once per word (the same words recur constantly, and a
   * million-chunk build would otherwise build and hash ~10 short strings per token).
   */
  private features(word: string, stem: string): WordFeatures {
    let f = this.featureCache.get(word);
    if (f === undefined) {
      const w = this.weight(word);
      const padded = `#${word}#`;
      const grams = padded.length > 5 ? new Uint32Array(padded.length - 3) : EMPTY_GRAMS;
      for (let i = 0; i < grams.length; i++) grams[i] = fnv1a(padded.slice(i, i + 4), GRAM_STATE);
      f = {
        w,
        stemHash: fnv1a(stem, WORD_STATE),
        // The bigram feature is `b:${previous stem} ${stem}`; FNV-1a is sequential, so hashing
        // the stem onward from the previous word's state gives the same number without the string.
        bigramState: fnv1a(`${stem} `, BIGRAM_STATE),
        stem,
        grams,
        gramWeight: grams.length > 0 ? (0.6 * w) / grams.length : 0,
      };
      if (this.featureCache.size >= FEATURE_CACHE_WORDS) this.featureCache.clear();
      this.featureCache.set(word, f);
    }
    return f;
  }

  /** Embeds one text into a unit-length Float32Array. */
  vector(text: string): Float32Array {
    const out = new Float32Array(this.dimensions);
    const hd = this.hashDims;
    // Same features, weights and order of additions as hashing each feature string in turn.
    const add = (h: number, w: number): void => {
      out[h % hd]! += (h & 0x80000000 ? -1 : 1) * w;
    };
    let prev: WordFeatures | undefined;
    for (const t of tokenize(text)) {
      if (STOPWORDS.has(t.word)) continue;
      const f = this.features(t.word, t.stem);
      add(f.stemHash, f.w);
      if (prev) add(fnv1a(f.stem, prev.bigramState), 0.5 * Math.min(f.w, prev.w));
      prev = f;
      for (let i = 0; i < f.grams.length; i++) add(f.grams[i]!, f.gramWeight);
      if (this.vectors) this.vectors.addTo(t.word, f.w, out, hd);
    }
    scaleBlock(out, 0, hd, this.lexicalWeight);
    if (this.semanticDims > 0) scaleBlock(out, hd, this.dimensions, this.semanticWeight);
    // A text with no known words has an empty semantic block; keep every vector unit-length so
    // inner products stay cosines.
    scaleBlock(out, 0, this.dimensions, 1);
    return out;
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => Array.from(this.vector(d)));
  }

  override async embedQuery(document: string): Promise<number[]> {
    return Array.from(this.vector(document));
  }
}

/** Normalizes `v[from..to)` to length `target` (leaves an all-zero block at zero). */
function scaleBlock(v: Float32Array, from: number, to: number, target: number): void {
  let norm = 0;
  for (let i = from; i < to; i++) norm += v[i]! * v[i]!;
  if (norm === 0) return;
  const k = target / Math.sqrt(norm);
  for (let i = from; i < to; i++) v[i]! *= k;
}
