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

export class LocalEmbeddings extends Embeddings<number[]> {
  readonly hashDims: number;
  readonly semanticDims: number;
  readonly dimensions: number;
  /** Names the algorithm and its parameters; an index built with another id is refused. */
  readonly id: string;
  private readonly lexicalWeight: number;
  private readonly semanticWeight: number;

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

  /** Embeds one text into a unit-length Float32Array. */
  vector(text: string): Float32Array {
    const out = new Float32Array(this.dimensions);
    const tokens = tokenize(text).filter((t) => !STOPWORDS.has(t.word));
    const hd = this.hashDims;
    const addHashed = (feature: string, w: number): void => {
      const h = fnv1a(feature);
      out[h % hd]! += (h & 0x80000000 ? -1 : 1) * w;
    };
    let prev: { stem: string; w: number } | undefined;
    for (const t of tokens) {
      const w = this.weight(t.word);
      addHashed(`w:${t.stem}`, w);
      if (prev) addHashed(`b:${prev.stem} ${t.stem}`, 0.5 * Math.min(w, prev.w));
      prev = { stem: t.stem, w };
      const padded = `#${t.word}#`;
      if (padded.length > 5) {
        const per = (0.6 * w) / (padded.length - 3);
        for (let i = 0; i + 4 <= padded.length; i++) addHashed(`c:${padded.slice(i, i + 4)}`, per);
      }
      if (this.vectors) this.vectors.addTo(t.word, w, out, hd);
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
