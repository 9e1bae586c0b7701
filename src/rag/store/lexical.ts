/**
 * Okapi BM25 over stemmed words, stored as a compressed-free inverted index in typed arrays.
 *
 * Written here rather than taken from an npm BM25 package: those keep postings in JS objects and
 * serialize to JSON, which does not load in seconds at a million chunks. Typed-array postings
 * do, and a query touches only the postings of its own terms.
 */
import { GrowableU32, readSections, writeSections } from './sections.js';

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

export interface ScoredDoc {
  doc: number;
  score: number;
}

/** Collects documents, then inverts them into a `LexicalIndex`. */
export class LexicalIndexBuilder {
  private readonly terms = new Map<string, number>();
  private readonly termList: string[] = [];
  private readonly docTerms = new GrowableU32(1 << 16);
  private readonly docTfs = new GrowableU32(1 << 16);
  private readonly docStarts = new GrowableU32(1 << 10);
  private readonly docLengths = new GrowableU32(1 << 10);

  constructor() {
    this.docStarts.push(0);
  }

  /** Adds the next document (ids are assigned 0, 1, 2… in call order). */
  add(stems: string[]): void {
    const counts = new Map<number, number>();
    for (const s of stems) {
      let id = this.terms.get(s);
      if (id === undefined) {
        id = this.termList.length;
        this.terms.set(s, id);
        this.termList.push(s);
      }
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const [id, tf] of counts) {
      this.docTerms.push(id);
      this.docTfs.push(Math.min(tf, 0xffff));
    }
    this.docStarts.push(this.docTerms.length);
    this.docLengths.push(stems.length);
  }

  /** Inverts document-major postings into term-major ones with a counting sort. */
  build(): LexicalIndex {
    const nTerms = this.termList.length;
    const nDocs = this.docLengths.length;
    const df = new Uint32Array(nTerms);
    const dt = this.docTerms.view();
    for (let i = 0; i < dt.length; i++) df[dt[i]!]!++;
    const offsets = new Uint32Array(nTerms + 1);
    for (let t = 0; t < nTerms; t++) offsets[t + 1] = offsets[t]! + df[t]!;
    const fill = offsets.slice(0, nTerms);
    const postings = new Uint32Array(dt.length);
    const tfs = new Uint16Array(dt.length);
    const starts = this.docStarts.view();
    const dtf = this.docTfs.view();
    for (let d = 0; d < nDocs; d++) {
      for (let p = starts[d]!; p < starts[d + 1]!; p++) {
        const t = dt[p]!;
        const at = fill[t]!++;
        postings[at] = d;
        tfs[at] = dtf[p]!;
      }
    }
    return new LexicalIndex(this.termList, offsets, postings, tfs, Uint32Array.from(this.docLengths.view()));
  }
}

export class LexicalIndex {
  private readonly termIds = new Map<string, number>();
  private readonly avgLength: number;
  private scratch: Float32Array | undefined;

  constructor(
    private readonly terms: string[],
    private readonly offsets: Uint32Array,
    private readonly postings: Uint32Array,
    private readonly tfs: Uint16Array,
    private readonly docLengths: Uint32Array,
  ) {
    terms.forEach((t, i) => this.termIds.set(t, i));
    let total = 0;
    for (let d = 0; d < docLengths.length; d++) total += docLengths[d]!;
    this.avgLength = docLengths.length ? total / docLengths.length : 0;
  }

  get docCount(): number {
    return this.docLengths.length;
  }

  /** Number of documents containing the stem. */
  df(stem: string): number {
    const id = this.termIds.get(stem);
    return id === undefined ? 0 : this.offsets[id + 1]! - this.offsets[id]!;
  }

  /** BM25 inverse document frequency (never negative); unknown stems get the maximum. */
  idf(stem: string): number {
    const n = this.docCount;
    const df = this.df(stem);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * Scores documents for weighted query stems and returns the best `k`, best first.
   * `filter` (optional) removes documents before ranking.
   */
  search(query: Map<string, number>, k: number, filter?: (doc: number) => boolean): ScoredDoc[] {
    const n = this.docCount;
    if (n === 0 || k <= 0) return [];
    if (!this.scratch || this.scratch.length !== n) this.scratch = new Float32Array(n);
    const scores = this.scratch;
    const touched: number[] = [];
    for (const [stem, weight] of query) {
      const id = this.termIds.get(stem);
      if (id === undefined || weight <= 0) continue;
      const from = this.offsets[id]!;
      const to = this.offsets[id + 1]!;
      const idf = Math.log(1 + (n - (to - from) + 0.5) / (to - from + 0.5)) * weight;
      for (let p = from; p < to; p++) {
        const d = this.postings[p]!;
        const tf = this.tfs[p]!;
        const norm = BM25_K1 * (1 - BM25_B + (BM25_B * this.docLengths[d]!) / this.avgLength);
        if (scores[d] === 0) touched.push(d);
        scores[d]! += (idf * tf * (BM25_K1 + 1)) / (tf + norm);
      }
    }
    const out = topK(touched, scores, k, filter);
    for (const d of touched) scores[d] = 0;
    return out;
  }

  save(file: string): void {
    writeSections(
      file,
      { kind: 'bm25', terms: this.terms.length },
      {
        terms: Buffer.from(this.terms.join('\n'), 'utf8'),
        offsets: this.offsets,
        postings: this.postings,
        tfs: this.tfs,
        docLengths: this.docLengths,
      },
    );
  }

  static load(file: string): LexicalIndex {
    const { meta, sections } = readSections(file);
    const termBytes = sections.terms as Uint8Array;
    const text = Buffer.from(termBytes.buffer, termBytes.byteOffset, termBytes.byteLength).toString('utf8');
    const terms = text === '' ? [] : text.split('\n');
    if (meta.kind !== 'bm25' || terms.length !== meta.terms) throw new Error(`${file} is not a consistent lexical index`);
    const offsets = sections.offsets as Uint32Array;
    const postings = sections.postings as Uint32Array;
    if (offsets.length !== terms.length + 1 || offsets[terms.length] !== postings.length) throw new Error(`${file} is damaged`);
    return new LexicalIndex(terms, offsets, postings, sections.tfs as Uint16Array, sections.docLengths as Uint32Array);
  }
}

/** Picks the `k` highest-scoring of `candidates` (ties broken by lower doc id). */
export function topK(candidates: number[], scores: ArrayLike<number>, k: number, filter?: (doc: number) => boolean): ScoredDoc[] {
  const pool = filter ? candidates.filter(filter) : candidates;
  if (pool.length > k * 4 && pool.length > 256) {
    // Cheap threshold from a sample keeps the sort small on long posting lists.
    const sample = pool.filter((_, i) => i % Math.ceil(pool.length / 512) === 0).map((d) => scores[d]!).sort((a, b) => b - a);
    const cut = sample[Math.min(sample.length - 1, Math.ceil((k * sample.length) / pool.length) + 2)] ?? -Infinity;
    const kept = pool.filter((d) => scores[d]! >= cut);
    if (kept.length >= k) return sortTop(kept, scores, k);
  }
  return sortTop(pool, scores, k);
}

function sortTop(pool: number[], scores: ArrayLike<number>, k: number): ScoredDoc[] {
  return pool
    .map((doc) => ({ doc, score: scores[doc]! }))
    .sort((a, b) => b.score - a.score || a.doc - b.doc)
    .slice(0, k);
}
