/**
 * Question → numbered, de-duplicated passages.
 *
 * 1. Candidates: the best BM25 chunks for the whole question, the best dense (vector) chunks,
 *    and the best BM25 chunks of each outlet the question names.
 * 2. Scoring: BM25 (normalized to the best hit), plus how much of the question its single
 *    best-matching sentence covers (a fact is one sentence; a chunk that spreads the question's
 *    words over unrelated sentences is a weaker match), plus small boosts when the article comes
 *    from an outlet or was published on a date the question names, and for dense neighbours.
 * 3. Parts: a question that is several questions in one ("did outlet A report X, while outlet B
 *    reported Y?") is split into parts (see query.ts). Each part is searched on its own, among the
 *    articles of the outlets and dates it names, with its own words weighted up.
 * 4. Agreement: a whole-question candidate that also ranks well for one of the parts moves up.
 * 5. Selection for coverage: the best chunk for the whole question first, then each part's best
 *    chunk in turn (a part the first chunk already answers waits a round), then the rest by
 *    whole-question score — so every part of the question gets passages rather than ten
 *    near-duplicates about the first part.
 *
 * Weights were set on the dev half of MultiHop-RAG and checked on its test half (see
 * src/bench/multihop.ts); nothing here knows that dataset's outlets or wording.
 */
import { LRUCache } from 'lru-cache';
import { isFollowUp } from './answer/analyze.js';
import { sentenceText } from './chunk.js';
import type { Embedder } from './embeddings/index.js';
import { daysApart, findDates, questionParts, SourceMatcher, type QuestionPart } from './query.js';
import type { StoredIndex } from './store/index-store.js';
import { contentStems, fold, stem, STOPWORDS, tokenize, WORD } from './text.js';
import type { Passage, Turn } from './types.js';

export interface RetrieveOptions {
  /** Passages to return. */
  k: number;
  history?: Turn[];
  /** BM25 candidates scored for the whole question (default 30, at least 3 × k). */
  depth?: number;
}

export interface RankedChunk {
  row: number;
  score: number;
}

/** Weighted stems for the lexical query; a follow-up also carries the previous question. */
export function lexicalQuery(question: string, previous?: string): Map<string, number> {
  const q = new Map<string, number>();
  for (const s of contentStems(question)) q.set(s, (q.get(s) ?? 0) + 1);
  if (previous) for (const s of contentStems(previous)) if (!q.has(s)) q.set(s, 0.5);
  return q;
}

/** Tuning, measured on the MultiHop-RAG dev split (notes in the benchmark log). */
export const RETRIEVAL_TUNING = {
  /** BM25 candidates for the whole question. Deeper pools changed nothing measurable. */
  depth: 30,
  /** Dense candidates added to the pool. */
  denseDepth: 20,
  /** BM25 candidates per named outlet, and per question part. */
  partDepth: 15,
  /** Weight of the best sentence's share of the question, next to normalized BM25 (1). */
  sentence: 2,
  /** Bonus for a chunk whose article comes from an outlet the question names. */
  sourceBonus: 0.3,
  /** Bonus for a chunk whose article was published on a date the question names (±1 day). */
  dateBonus: 0.2,
  /** Bonus for the dense ranking, falling linearly from the first dense hit to the last. */
  dense: 0.1,
  /** Weight of the rest of the question when searching for one part of it. */
  partContext: 0.3,
  /** Weight, in the whole-question ranking, of a chunk's best score relative to the top of a part's ranking. */
  partAgreement: 4,
  /** Rounds of taking each part's next-best chunk before the whole-question ranking fills up. */
  partRounds: 4,
  /** Days a publication date may differ from a named date (time zones, late editions). */
  dateTolerance: 1,
  /** Largest share of chunks a word may occur in and still count as a topic word of a question part. */
  topicMaxDocShare: 0.05,
  /** …and a word in at most this many chunks always counts (small corpora have no common words to learn). */
  topicMinDocs: 20,
} as const;

/** Sentence stem sets kept per index (a hot story's chunks are scored again and again). */
const SENTENCE_CACHE_SIZE = 2_048;

/**
 * Content stems of a text: the same terms `contentStems` gives, but folding the text once
 * rather than per word (this runs on every candidate chunk of every question).
 */
function quickStems(text: string): Set<string> {
  const out = new Set<string>();
  const folded = fold(text.replace(/\bU\.S\.(?!\w)|\bUS\b/g, 'usa'));
  for (const m of folded.matchAll(WORD)) {
    let w = m[0];
    if (w.includes("'") || w.includes('’')) w = w.replace(/['’]s$/, '').replace(/['’]/g, '');
    if (w !== '' && !STOPWORDS.has(w)) out.add(stem(w));
  }
  return out;
}

/** What retrieval needs about an index beyond the index itself; built once per loaded index. */
class IndexFacts {
  readonly matcher: SourceMatcher;
  private readonly sourceIds = new Map<string, number>();
  /** Source id of each article row (-1: none). */
  private readonly articleSource: Int32Array;
  /** Publication date of each article row as a `YYYY-MM-DD` string ('' when unknown). */
  private readonly articleDate: string[];
  private readonly sentences = new LRUCache<number, Array<Set<string>>>({
    max: SENTENCE_CACHE_SIZE,
  });

  constructor(private readonly index: StoredIndex) {
    const articles = index.articles;
    this.articleSource = new Int32Array(articles.length).fill(-1);
    this.articleDate = articles.map((a) =>
      a.publishedAt && /^\d{4}-\d{2}-\d{2}/.test(a.publishedAt) ? a.publishedAt.slice(0, 10) : '',
    );
    articles.forEach((a, row) => {
      if (!a.source) return;
      let id = this.sourceIds.get(a.source);
      if (id === undefined) this.sourceIds.set(a.source, (id = this.sourceIds.size));
      this.articleSource[row] = id;
    });
    this.matcher = new SourceMatcher(this.sourceIds.keys());
  }

  /** A chunk filter: its article is from one of `sources` (all when empty) and, if given, dated near one of `dates`. */
  filter(
    sources: readonly string[],
    dates: readonly string[],
  ): ((row: number) => boolean) | undefined {
    if (sources.length === 0 && dates.length === 0) return undefined;
    const allowed = new Set(sources.map((s) => this.sourceIds.get(s) ?? -2));
    const dateOk = this.dateTest(dates);
    return (row) => {
      const a = this.index.articleRow(row);
      return (
        (allowed.size === 0 || allowed.has(this.articleSource[a]!)) &&
        (dateOk === undefined || dateOk(a))
      );
    };
  }

  /** Whether an article row was published within the tolerance of one of `dates`. */
  dateTest(dates: readonly string[]): ((article: number) => boolean) | undefined {
    if (dates.length === 0) return undefined;
    const memo = new Map<string, boolean>();
    return (article) => {
      const d = this.articleDate[article]!;
      if (d === '') return false;
      let ok = memo.get(d);
      if (ok === undefined)
        memo.set(d, (ok = dates.some((x) => daysApart(d, x) <= RETRIEVAL_TUNING.dateTolerance)));
      return ok;
    };
  }

  hasSource(article: number, sources: ReadonlySet<number>): boolean {
    return sources.has(this.articleSource[article]!);
  }

  sourceIdsOf(names: readonly string[]): Set<number> {
    return new Set(names.map((n) => this.sourceIds.get(n) ?? -2));
  }

  /** Stem sets of a chunk's sentences (title and metadata excluded), cached. */
  sentenceStems(row: number): Array<Set<string>> {
    let sets = this.sentences.get(row);
    if (sets) return sets;
    const chunk = this.index.chunk(row);
    sets = chunk.sentences.map((span) => quickStems(sentenceText(chunk, span)));
    this.sentences.set(row, sets);
    return sets;
  }
}

const facts = new WeakMap<StoredIndex, IndexFacts>();
function factsOf(index: StoredIndex): IndexFacts {
  let f = facts.get(index);
  if (!f) facts.set(index, (f = new IndexFacts(index)));
  return f;
}

interface Candidate {
  row: number;
  /** BM25 for the list's own query (0 when the chunk came from another source of candidates). */
  bm25: number;
}

/**
 * Scores candidates for one query: normalized BM25, plus the weight of the query covered by the
 * chunk's best sentence, plus `bonus`. Best first.
 */
function scoreCandidates(
  index: StoredIndex,
  f: IndexFacts,
  candidates: Candidate[],
  query: Map<string, number>,
  bonus: (row: number) => number,
): RankedChunk[] {
  const top = Math.max(...candidates.map((c) => c.bm25), 1e-9);
  const idf = new Map<string, number>();
  let total = 0;
  for (const [s, w] of query) {
    const v = index.lexical.idf(s);
    idf.set(s, v * w);
    total += v * w;
  }
  return candidates
    .map((c) => {
      let best = 0;
      for (const sentence of f.sentenceStems(c.row)) {
        let got = 0;
        for (const s of sentence) got += idf.get(s) ?? 0;
        if (got > best) best = got;
      }
      const score =
        c.bm25 / top + (total > 0 ? (RETRIEVAL_TUNING.sentence * best) / total : 0) + bonus(c.row);
      return { row: c.row, score };
    })
    .sort((a, b) => b.score - a.score || a.row - b.row);
}

/** A part's query: its own words at full weight, the rest of the question lighter. */
function partQuery(question: string, part: QuestionPart): Map<string, number> {
  const q = new Map<string, number>();
  for (const s of contentStems(question)) q.set(s, RETRIEVAL_TUNING.partContext);
  for (const s of contentStems(question.slice(part.start, part.end))) q.set(s, 1);
  return q;
}

/**
 * Topic words of a text, for deciding whether a question part has enough of its own: not a stop
 * word, and rare enough in this index. Words found in a large share of the chunks ("report" in a
 * news corpus) frame a question rather than name its subject; which words those are is read from
 * the index's document frequencies, not listed by hand.
 */
function topicWords(index: StoredIndex): (text: string) => string[] {
  const { topicMaxDocShare, topicMinDocs } = RETRIEVAL_TUNING;
  // A small corpus says little about which words are common: there every word is a topic word.
  const maxDf = Math.max(topicMinDocs, topicMaxDocShare * index.lexical.docCount);
  return (text) =>
    tokenize(text)
      .filter((t) => !STOPWORDS.has(t.word) && index.lexical.df(t.stem) <= maxDf)
      .map((t) => t.word);
}

/** Ranks chunk rows for a question, best first, de-duplicated by text; at most `k`. */
export async function rankChunks(
  index: StoredIndex,
  embedder: Embedder,
  question: string,
  options: RetrieveOptions,
): Promise<RankedChunk[]> {
  const tuning = RETRIEVAL_TUNING;
  const f = factsOf(index);
  const depth = options.depth ?? Math.max(tuning.depth, options.k * 3);
  const previous = options.history?.at(-1)?.question;
  const followUp = previous !== undefined && isFollowUp(question);

  // What the question names: outlets, dates, and the parts it is made of.
  const mentions = f.matcher.find(question);
  const dates = findDates(question);
  const parts = questionParts(question, mentions, dates, topicWords(index));
  const named = [...new Set(mentions.flatMap((m) => m.sources))];
  const namedIds = f.sourceIdsOf(named);
  const dateTest = f.dateTest(dates.map((d) => d.date));

  // Candidates for the whole question.
  const query = lexicalQuery(question, followUp ? previous : undefined);
  const pool = new Map<number, Candidate>();
  for (const h of index.lexical.search(query, depth))
    pool.set(h.doc, { row: h.doc, bm25: h.score });
  if (named.length > 0) {
    for (const h of index.lexical.search(query, tuning.partDepth, f.filter(named, [])))
      pool.set(h.doc, { row: h.doc, bm25: h.score });
  }
  let qv = await embedder.embedQuery(question);
  if (followUp) {
    const pv = await embedder.embedQuery(previous);
    qv = qv.map((x, i) => x + 0.5 * pv[i]!);
  }
  const denseRank = new Map<number, number>();
  index.vectors.search(qv, tuning.denseDepth).forEach((h, rank) => {
    denseRank.set(h.doc, rank);
    if (!pool.has(h.doc)) pool.set(h.doc, { row: h.doc, bm25: 0 });
  });
  const main = scoreCandidates(index, f, [...pool.values()], query, (row) => {
    const article = index.articleRow(row);
    const r = denseRank.get(row);
    return (
      (namedIds.size > 0 && f.hasSource(article, namedIds) ? tuning.sourceBonus : 0) +
      (dateTest?.(article) ? tuning.dateBonus : 0) +
      (r === undefined ? 0 : tuning.dense * (1 - r / tuning.denseDepth))
    );
  });

  // One ranking per part, among its outlets' articles (or all named outlets' when it names none)
  // and, when it names dates, among articles published then.
  const partLists: RankedChunk[][] = [];
  if (parts.length > 1 || mentions.length > 0 || dates.length > 0) {
    const searches = parts.flatMap((p) =>
      p.dates.length > 1 ? p.dates.map((d) => ({ ...p, dates: [d] })) : [p],
    );
    for (const part of searches) {
      const pq = partQuery(question, part);
      const sources = part.sources.length > 0 ? part.sources : named;
      let hits = index.lexical.search(pq, tuning.partDepth, f.filter(sources, part.dates));
      // A date the articles do not have (a typo, a time zone further off) should not empty the part.
      if (hits.length === 0 && part.dates.length > 0)
        hits = index.lexical.search(pq, tuning.partDepth, f.filter(sources, []));
      partLists.push(
        scoreCandidates(
          index,
          f,
          hits.map((h) => ({ row: h.doc, bm25: h.score })),
          pq,
          () => 0,
        ),
      );
    }
  }

  // Agreement: a chunk that also ranks well for one of the parts is a better first answer to the
  // whole question than one that only matches its words overall.
  if (partLists.length > 0) {
    const agreement = new Map<number, number>();
    for (const list of partLists) {
      const top = Math.max(list[0]?.score ?? 1, 1e-9);
      for (const r of list)
        agreement.set(r.row, Math.max(agreement.get(r.row) ?? 0, r.score / top));
    }
    for (const r of main) r.score += tuning.partAgreement * (agreement.get(r.row) ?? 0);
    main.sort((a, b) => b.score - a.score || a.row - b.row);
  }

  // Selection: the whole question's best, then each part's best in turn, then the rest.
  const out: RankedChunk[] = [];
  const taken = new Set<number>();
  const seenText = new Set<string>();
  const take = (r: RankedChunk): boolean => {
    if (taken.has(r.row)) return false;
    taken.add(r.row);
    // Syndicated copies and boilerplate repeat verbatim; keep the first of each text.
    const key = index.chunk(r.row).text.replace(/\s+/g, ' ').trim().toLowerCase();
    if (seenText.has(key)) return false;
    seenText.add(key);
    // Scores of different lists are not comparable; keep them non-increasing in output order.
    out.push({ row: r.row, score: Math.min(r.score, out.at(-1)?.score ?? Infinity) });
    return true;
  };
  const cursors = partLists.map(() => 0);
  const nextOf = (list: RankedChunk[], i: number): void => {
    while (cursors[i]! < list.length) if (take(list[cursors[i]!++]!)) return;
  };
  // Chunks chosen for the whole question count towards the first part whose ranking holds them,
  // so a part already answered by the first passage yields its turn; each chunk counts once.
  const members = partLists.map((list) => new Set(list.map((r) => r.row)));
  const credit = partLists.map(() => 0);
  let m = 0;
  while (m < main.length && out.length < 1) take(main[m++]!);
  for (const r of out) {
    const i = members.findIndex((set) => set.has(r.row));
    if (i >= 0) credit[i]!++;
  }
  for (let round = 1; round <= tuning.partRounds && out.length < options.k; round++) {
    partLists.forEach((list, i) => {
      if (out.length >= options.k || credit[i]! >= round) return;
      nextOf(list, i);
      credit[i]!++;
    });
  }
  while (m < main.length && out.length < options.k) take(main[m++]!);
  partLists.forEach((list, i) => {
    while (out.length < options.k && cursors[i]! < list.length) nextOf(list, i);
  });
  return out;
}

/** Retrieves the top passages for a question, numbered from 1. */
export async function retrieve(
  index: StoredIndex,
  embedder: Embedder,
  question: string,
  options: RetrieveOptions,
): Promise<Passage[]> {
  const ranked = await rankChunks(index, embedder, question, options);
  return ranked.map((r, i) => ({
    n: i + 1,
    chunk: index.chunk(r.row),
    article: index.article(index.articleRow(r.row)),
    score: r.score,
  }));
}
