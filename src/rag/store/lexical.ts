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
    return new LexicalIndex(this.termList, offsets, postings, tfs, Uint32Array.from(this.docLengths.view()));
  }
}

export class LexicalIndex {
  private readonly termIds = new Map<string, number>();
  private readonly avgLength: number;
  /** Per document, the BM25 length normalization `k1 · (1 − b + b · len / avgLen)`. */
  private readonly norms: Float64Array;
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
    for (let d = 0; d < docLengths.length; d++) this.norms[d] = BM25_K1 * (1 - BM25_B + (BM25_B * docLengths[d]!) / this.avgLength);
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
    for (const [stem, weight] of query) {
      const id = this.termIds.get(stem);
      if (id === undefined || weight <= 0) continue;
      const from = this.offsets[id]!;
      const to = this.offsets[id + 1]!;
      const idf = Math.log(1 + (n - (to - from) + 0.5) / (to - from + 0.5)) * weight;
      for (let p = from; p < to; p++) {
        const d = postings[p]!;
        const tf = tfs[p]!;
        if (scores[d] === 0) touched[count++] = d;
        scores[d]! += (idf * tf * (BM25_K1 + 1)) / (tf + norms[d]!);
      }
    }
    const out = topKOf(touched, count, scores, k, filter);
    for (let i = 0; i < count; i++) scores[touched[i]!] = 0;
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

/** True when (score a, doc a) ranks before (score b, doc b): higher score, then lower doc id. */
const before = (sa: number, da: number, sb: number, db: number): boolean => sa > sb || (sa === sb && da < db);

/**
 * Picks the `k` best of the first `count` entries of `candidates`, best first (higher score, then
 * lower doc id), with a bounded heap: O(count · log k) and no allocation proportional to count.
 */
function topKOf(candidates: Uint32Array, count: number, scores: ArrayLike<number>, k: number, filter?: (doc: number) => boolean): ScoredDoc[] {
  // Min-heap on rank: the root is the worst of the best k seen so far.
  const heapDoc: number[] = [];
  const heapScore: number[] = [];
  const siftDown = (i: number): void => {
    const size = heapDoc.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < size && before(heapScore[worst]!, heapDoc[worst]!, heapScore[l]!, heapDoc[l]!)) worst = l;
      if (r < size && before(heapScore[worst]!, heapDoc[worst]!, heapScore[r]!, heapDoc[r]!)) worst = r;
      if (worst === i) return;
      [heapDoc[i], heapDoc[worst]] = [heapDoc[worst]!, heapDoc[i]!];
      [heapScore[i], heapScore[worst]] = [heapScore[worst]!, heapScore[i]!];
      i = worst;
    }
  };
  for (let c = 0; c < count; c++) {
    const d = candidates[c]!;
    const s = scores[d]!;
    if (heapDoc.length === k && !before(s, d, heapScore[0]!, heapDoc[0]!)) continue;
    if (filter && !filter(d)) continue;
    if (heapDoc.length < k) {
      heapDoc.push(d);
      heapScore.push(s);
      for (let i = heapDoc.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!before(heapScore[parent]!, heapDoc[parent]!, heapScore[i]!, heapDoc[i]!)) break;
        [heapDoc[i], heapDoc[parent]] = [heapDoc[parent]!, heapDoc[i]!];
        [heapScore[i], heapScore[parent]] = [heapScore[parent]!, heapScore[i]!];
        i = parent;
      }
    } else {
      heapDoc[0] = d;
      heapScore[0] = s;
      siftDown(0);
    }
  }
  return heapDoc.map((doc, i) => ({ doc, score: heapScore[i]! })).sort((a, b) => b.score - a.score || a.doc - b.doc);
}

/** Picks the `k` highest-scoring of `candidates` (ties broken by lower doc id). */
export function topK(candidates: number[], scores: ArrayLike<number>, k: number, filter?: (doc: number) => boolean): ScoredDoc[] {
  if (k <= 0) return [];
  return topKOf(Uint32Array.from(candidates), candidates.length, scores, k, filter);
}
