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

  /** Term frequencies of the document being added, by term id (zeroed again after each add). */
  private tf = new Uint32Array(1 << 12);
  private readonly seen: number[] = [];

  /** Adds the next document (ids are assigned 0, 1, 2… in call order). */
  add(stems: string[]): void {
    // Terms are recorded in order of first occurrence, with a reusable counter array rather
    // than a Map per document (a million-chunk build adds a million documents).
    const seen = this.seen;
    seen.length = 0;
    for (const s of stems) {
      let id = this.terms.get(s);
      if (id === undefined) {
        id = this.termList.length;
        this.terms.set(s, id);
        this.termList.push(s);
        if (id >= this.tf.length) {
          const grown = new Uint32Array(this.tf.length * 2);
          grown.set(this.tf);
          this.tf = grown;
        }
      }
      if (this.tf[id]! === 0) seen.push(id);
      this.tf[id]!++;
    }
    for (const id of seen) {
      this.docTerms.push(id);
      this.docTfs.push(Math.min(this.tf[id]!, 0xffff));
      this.tf[id] = 0;
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
    return new LexicalIndex(
      this.termList,
      offsets,
      postings,
      tfs,
      Uint32Array.from(this.docLengths.view()),
    );
  }
}

export class LexicalIndex {
  private readonly termIds = new Map<string, number>();
  private readonly avgLength: number;
  /** Per document, the BM25 length normalization `k1 · (1 − b + b · len / avgLen)`. */
  private readonly norms: Float64Array;
  private readonly maxGain: Float64Array;
  private scratch: Float32Array | undefined;
  private touched: Uint32Array | undefined;

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
    // Same expression as per posting, computed once per document instead of once per posting.
    this.norms = new Float64Array(docLengths.length);
    for (let d = 0; d < docLengths.length; d++)
      this.norms[d] = BM25_K1 * (1 - BM25_B + (BM25_B * docLengths[d]!) / this.avgLength);
    // Per term, the largest `tf·(k1+1) / (tf + norm)` over its postings: times the term's idf,
    // the most it can add to any document's score (what lets a search skip documents).
    this.maxGain = new Float64Array(terms.length);
    for (let t = 0; t < terms.length; t++) {
      let max = 0;
      for (let p = offsets[t]!; p < offsets[t + 1]!; p++) {
        const tf = tfs[p]!;
        const gain = (tf * (BM25_K1 + 1)) / (tf + this.norms[postings[p]!]!);
        if (gain > max) max = gain;
      }
      this.maxGain[t] = max;
    }
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
   * Scores documents for weighted query stems and returns the best `k`, best first (higher
   * score, then lower doc id). `filter` (optional) removes documents before ranking.
   */
  search(query: Map<string, number>, k: number, filter?: (doc: number) => boolean): ScoredDoc[] {
    const n = this.docCount;
    if (n === 0 || k <= 0) return [];
    const terms: QueryTerm[] = [];
    let postings = 0;
    for (const [stem, weight] of query) {
      const id = this.termIds.get(stem);
      if (id === undefined || weight <= 0) continue;
      const from = this.offsets[id]!;
      const to = this.offsets[id + 1]!;
      const idf = Math.log(1 + (n - (to - from) + 0.5) / (to - from + 0.5)) * weight;
      terms.push({ order: terms.length, from, to, idf, bound: idf * this.maxGain[id]! });
      postings += to - from;
    }
    if (terms.length === 0) return [];
    return terms.length > 1 && postings > PRUNE_MIN_POSTINGS
      ? this.searchPruned(terms, k, filter)
      : this.searchAll(terms, k, filter);
  }

  /** Scores every posting of every term (term at a time). */
  private searchAll(terms: QueryTerm[], k: number, filter?: (doc: number) => boolean): ScoredDoc[] {
    const n = this.docCount;
    // Scratch arrays live as long as the index: a query allocates nothing proportional to n.
    if (!this.scratch || this.scratch.length !== n) {
      this.scratch = new Float32Array(n);
      this.touched = new Uint32Array(n);
    }
    const scores = this.scratch;
    const touched = this.touched!;
    const postings = this.postings;
    const tfs = this.tfs;
    const norms = this.norms;
    let count = 0;
    for (const { from, to, idf } of terms) {
      for (let p = from; p < to; p++) {
        const d = postings[p]!;
        const tf = tfs[p]!;
        if (scores[d] === 0) touched[count++] = d;
        scores[d]! += (idf * tf * (BM25_K1 + 1)) / (tf + norms[d]!);
      }
    }
    const top = new TopK(k);
    for (let i = 0; i < count; i++) {
      const d = touched[i]!;
      const score = scores[d]!;
      if (top.admits(score, d) && (!filter || filter(d))) top.push(score, d);
    }
    for (let i = 0; i < count; i++) scores[touched[i]!] = 0;
    return top.result();
  }

  /**
   * Same result as `searchAll`, document at a time with MaxScore pruning: once k documents are
   * held, the terms whose bounds together cannot lift a document above the k-th score only
   * ever look up documents the other terms found, so the long posting lists of common words
   * are skipped through instead of scored in full. Scores are summed in query order in
   * float32, exactly as `searchAll` accumulates them; bounds carry a margin for rounding.
   */
  private searchPruned(
    terms: QueryTerm[],
    k: number,
    filter?: (doc: number) => boolean,
  ): ScoredDoc[] {
    const postings = this.postings;
    const tfs = this.tfs;
    const norms = this.norms;
    const m = terms.length;
    const byBound = [...terms].sort((a, b) => a.bound - b.bound);
    const cursor = Int32Array.from(byBound, (t) => t.from);
    // below[i]: the most the terms byBound[0..i-1] together can add (inflated for rounding).
    const below = new Float64Array(m + 1);
    for (let i = 0; i < m; i++) below[i + 1] = below[i]! + byBound[i]!.bound;
    for (let i = 0; i <= m; i++) below[i] = below[i]! * (1 + BOUND_MARGIN);
    const gain = new Float64Array(m);
    const present = new Uint8Array(m);
    const top = new TopK(k);
    // Terms byBound[0..firstEssential-1] cannot bring a document into the top k on their own.
    let firstEssential = 0;
    for (;;) {
      let d = 0xffffffff;
      for (let i = firstEssential; i < m; i++) {
        const c = cursor[i]!;
        if (c < byBound[i]!.to && postings[c]! < d) d = postings[c]!;
      }
      if (d === 0xffffffff) break;
      present.fill(0);
      let partial = 0;
      for (let i = firstEssential; i < m; i++) {
        const c = cursor[i]!;
        if (c < byBound[i]!.to && postings[c] === d) {
          const t = byBound[i]!;
          const tf = tfs[c]!;
          const g = (t.idf * tf * (BM25_K1 + 1)) / (tf + norms[d]!);
          gain[t.order] = g;
          present[t.order] = 1;
          partial += g;
          cursor[i] = c + 1;
        }
      }
      if (filter && !filter(d)) continue;
      let hopeless =
        top.full && partial * (1 + BOUND_MARGIN) + below[firstEssential]! <= top.worstScore;
      for (let i = firstEssential - 1; i >= 0 && !hopeless; i--) {
        const t = byBound[i]!;
        const c = seek(postings, cursor[i]!, t.to, d);
        cursor[i] = c;
        if (c < t.to && postings[c] === d) {
          const tf = tfs[c]!;
          const g = (t.idf * tf * (BM25_K1 + 1)) / (tf + norms[d]!);
          gain[t.order] = g;
          present[t.order] = 1;
          partial += g;
        }
        hopeless = top.full && partial * (1 + BOUND_MARGIN) + below[i]! <= top.worstScore;
      }
      if (hopeless) continue;
      let score = 0;
      for (let o = 0; o < m; o++) if (present[o]) score = Math.fround(score + gain[o]!);
      if (!top.admits(score, d)) continue;
      top.push(score, d);
      if (top.full)
        while (firstEssential < m && below[firstEssential + 1]! <= top.worstScore) firstEssential++;
    }
    return top.result();
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
    const text = Buffer.from(termBytes.buffer, termBytes.byteOffset, termBytes.byteLength).toString(
      'utf8',
    );
    const terms = text === '' ? [] : text.split('\n');
    if (meta.kind !== 'bm25' || terms.length !== meta.terms)
      throw new Error(`${file} is not a consistent lexical index`);
    const offsets = sections.offsets as Uint32Array;
    const postings = sections.postings as Uint32Array;
    if (offsets.length !== terms.length + 1 || offsets[terms.length] !== postings.length)
      throw new Error(`${file} is damaged`);
    return new LexicalIndex(
      terms,
      offsets,
      postings,
      sections.tfs as Uint16Array,
      sections.docLengths as Uint32Array,
    );
  }
}

/** Below this many postings a query is scored in full: pruning would not pay for itself. */
const PRUNE_MIN_POSTINGS = 2_000;
/** Relative margin on score bounds, covering float32 rounding of the summed score. */
const BOUND_MARGIN = 1e-5;

interface QueryTerm {
  /** Position in the query (scores are summed in this order). */
  order: number;
  from: number;
  to: number;
  /** idf × query weight. */
  idf: number;
  /** The most this term adds to any document's score. */
  bound: number;
}

/** First position in `postings[from..to)` holding a doc ≥ `doc` (galloping, then binary search). */
function seek(postings: Uint32Array, from: number, to: number, doc: number): number {
  if (from >= to || postings[from]! >= doc) return from;
  let lo = from;
  let step = 1;
  while (lo + step < to && postings[lo + step]! < doc) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(lo + step, to);
  // postings[lo] < doc; the answer is in (lo, hi].
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if (postings[mid]! < doc) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** True when (score a, doc a) ranks before (score b, doc b): higher score, then lower doc id. */
const before = (sa: number, da: number, sb: number, db: number): boolean =>
  sa > sb || (sa === sb && da < db);

/** The best `k` (score, doc) pairs seen, in a min-heap on rank (the root is the k-th best). */
class TopK {
  private readonly docs: number[] = [];
  private readonly scores: number[] = [];

  constructor(private readonly k: number) {}

  get full(): boolean {
    return this.docs.length >= this.k;
  }

  /** Score of the k-th best so far (only meaningful when `full`). */
  get worstScore(): number {
    return this.scores[0]!;
  }

  /** Whether (score, doc) would enter. */
  admits(score: number, doc: number): boolean {
    return !this.full || before(score, doc, this.scores[0]!, this.docs[0]!);
  }

  push(score: number, doc: number): void {
    const docs = this.docs;
    const scores = this.scores;
    if (!this.full) {
      docs.push(doc);
      scores.push(score);
      for (let i = docs.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!before(scores[parent]!, docs[parent]!, scores[i]!, docs[i]!)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    docs[0] = doc;
    scores[0] = score;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < docs.length && before(scores[worst]!, docs[worst]!, scores[l]!, docs[l]!)) worst = l;
      if (r < docs.length && before(scores[worst]!, docs[worst]!, scores[r]!, docs[r]!)) worst = r;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }

  private swap(i: number, j: number): void {
    [this.docs[i], this.docs[j]] = [this.docs[j]!, this.docs[i]!];
    [this.scores[i], this.scores[j]] = [this.scores[j]!, this.scores[i]!];
  }

  /** Best first. */
  result(): ScoredDoc[] {
    return this.docs
      .map((doc, i) => ({ doc, score: this.scores[i]! }))
      .sort((a, b) => b.score - a.score || a.doc - b.doc);
  }
}

/** Picks the `k` highest-scoring of `candidates` (ties broken by lower doc id). */
export function topK(
  candidates: number[],
  scores: ArrayLike<number>,
  k: number,
  filter?: (doc: number) => boolean,
): ScoredDoc[] {
  if (k <= 0) return [];
  const top = new TopK(k);
  for (const d of candidates)
    if (top.admits(scores[d]!, d) && (!filter || filter(d))) top.push(scores[d]!, d);
  return top.result();
}
