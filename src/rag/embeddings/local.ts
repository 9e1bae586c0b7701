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
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { fnv1a, STOPWORDS, tokenize, type Token } from '../text.js';
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

/** Everything one word contributes to the lexical block, whatever its neighbours. */
interface WordFeatures {
  /** A stopword: contributes nothing, and is not anyone's bigram neighbour. */
  stop: boolean;
  /** Rarity weight. */
  w: number;
  stem: string;
  stemSlot: number;
  stemSign: number;
  /** FNV state after `b:${stem} `, from which the next word's bigram hash continues. */
  bigramState: number;
  /** Slots and signs of the word's character 4-grams (padded with #), if it has any. */
  gramSlots: Uint32Array;
  gramSigns: Float64Array;
  gramWeight: number;
}

/**
 * FNV-1a of `text` continued from `state`, as `fnv1a(text, state)` computes it, but in int32
 * arithmetic (the same bits) so that V8 keeps it off the heap; called once per token pair.
 */
function continueFnv(text: string, state: number): number {
  let h = state | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * LangChain's embeddings interface, implemented rather than inherited: the `Embeddings` base
 * class brings a retrying, rate-limiting caller (p-queue and ~10 modules, ~15 ms of a CLI
 * start-up) that a computation with no network never calls.
 */
export class LocalEmbeddings implements EmbeddingsInterface<number[]> {
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
   * Hashed features of one word, computed once per word: the same words recur constantly, and a
   * million-chunk build would otherwise build and hash ~10 short strings per token. Each hash is
   * kept as the slot it lands in and its sign, which is all the vector needs of it.
   */
  private features(word: string, stem: string): WordFeatures {
    let f = this.featureCache.get(word);
    if (f === undefined) {
      const hd = this.hashDims;
      const w = this.weight(word);
      const padded = `#${word}#`;
      const grams = padded.length > 5 ? padded.length - 3 : 0;
      const gramSlots = new Uint32Array(grams);
      const gramSigns = new Float64Array(grams);
      for (let i = 0; i < grams; i++) {
        const h = fnv1a(padded.slice(i, i + 4), GRAM_STATE);
        gramSlots[i] = h % hd;
        gramSigns[i] = h & 0x80000000 ? -1 : 1;
      }
      const stemHash = fnv1a(stem, WORD_STATE);
      f = {
        stop: STOPWORDS.has(word),
        w,
        stemSlot: stemHash % hd,
        stemSign: stemHash & 0x80000000 ? -1 : 1,
        // The bigram feature is `b:${previous stem} ${stem}`; FNV-1a is sequential, so hashing
        // the stem onward from the previous word's state gives the same number without the string.
        bigramState: fnv1a(`${stem} `, BIGRAM_STATE),
        stem,
        gramSlots,
        gramSigns,
        gramWeight: grams > 0 ? (0.6 * w) / grams : 0,
      };
      if (this.featureCache.size >= FEATURE_CACHE_WORDS) this.featureCache.clear();
      this.featureCache.set(word, f);
    }
    return f;
  }

  /** Embeds one text into a unit-length Float32Array. */
  vector(text: string): Float32Array {
    return this.vectorOf(tokenize(text));
  }

  /** `vector` of a text already tokenized with `tokenize` (an index build tokenizes once). */
  vectorOf(tokens: Token[]): Float32Array {
    const out = new Float32Array(this.dimensions);
    const hd = this.hashDims;
    // Same features, weights and order of additions as hashing each feature string in turn.
    let prev: WordFeatures | undefined;
    for (const t of tokens) {
      const f = this.features(t.word, t.stem);
      if (f.stop) continue;
      const w = f.w;
      out[f.stemSlot]! += f.stemSign * w;
      if (prev) {
        const h = continueFnv(f.stem, prev.bigramState);
        out[h % hd]! += (h & 0x80000000 ? -1 : 1) * (0.5 * Math.min(w, prev.w));
      }
      prev = f;
      const slots = f.gramSlots;
      const signs = f.gramSigns;
      for (let i = 0; i < slots.length; i++) out[slots[i]!]! += signs[i]! * f.gramWeight;
      if (this.vectors) this.vectors.addTo(t.word, w, out, hd);
    }
    scaleBlock(out, 0, hd, this.lexicalWeight);
    if (this.semanticDims > 0) scaleBlock(out, hd, this.dimensions, this.semanticWeight);
    // A text with no known words has an empty semantic block; keep every vector unit-length so
    // inner products stay cosines.
    scaleBlock(out, 0, this.dimensions, 1);
    return out;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => Array.from(this.vector(d)));
  }

  async embedQuery(document: string): Promise<number[]> {
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
