/**
 * Extractive summaries that cover a story's threads, each sentence quoted verbatim and cited.
 *
 * A news story tells its threads paragraph by paragraph, so paragraphs are the topic clusters.
 * The summary opens with the lead (news puts the main fact first), then adds, one at a time, the
 * cluster that brings the most content not yet covered (names count double), each represented by
 * its topic sentence; once every thread is in, further sentences are chosen the same way one by
 * one. A sentence that opens by referring back ("Since then", "This", "He also"…) is only taken
 * together with the sentence it refers to. Pure functions of the passages and an IDF function.
 */
import { citationFor } from './answer/cite.js';
import { sentenceText } from './chunk.js';
import { STOPWORDS, tokenize } from './text.js';
import type { Passage, Span, Summary, SummaryLength } from './types.js';

/** Sentences per summary length. */
export const SUMMARY_SENTENCES: Record<SummaryLength, number> = { short: 2, medium: 4, long: 8 };

/** What `summarizePassages` needs: the passages, the length, an optional focus, term rarity. */
export interface SummaryInput {
  passages: Passage[];
  length: SummaryLength;
  focus?: string;
  /** Inverse document frequency of a stem in the indexed corpus. */
  idf: (stem: string) => number;
}

/** One sentence of the passages, placed in its article and paragraph. */
export interface StorySentence {
  passage: Passage;
  span: Span;
  text: string;
  articleId: string;
  /** Paragraph number within the article's sentences seen (a topic cluster). */
  cluster: string;
  /** Content stems, each with its weight (names count double, rarer words more). */
  terms: Map<string, number>;
  /** The sentence opens by referring to the one before it. */
  refersBack: boolean;
  /** The previous sentence of the same article, when the passages hold it. */
  previous?: StorySentence;
}

/**
 * Openings that lean on the sentence before: a pronoun or demonstrative subject, a connective,
 * or "the" + a noun that names something already said ("The comments drew…").
 */
const REFERS_BACK =
  /^(?:(?:he|she|it|they|we|this|that|these|those|such|his|her|its|their|both|there)\b|(?:since then|after that|then|meanwhile|however|but|and|also|still|yet|instead|moreover|furthermore|in addition|besides|later|thus|therefore|so|otherwise|nevertheless)\b|the (?:comments?|remarks?|moves?|decision|statement|measures?|same|latter|former)\b)/i;

/** Whether a sentence's opening refers back to what came before it. */
export function refersBack(sentence: string): boolean {
  return REFERS_BACK.test(sentence.replace(/^[\s“"‘'(]+/, ''));
}

/** Content stems of a sentence weighted by rarity, names (capitalized past the first word) ×2. */
function weighTerms(text: string, idf: (stem: string) => number): Map<string, number> {
  const terms = new Map<string, number>();
  tokenize(text).forEach((t, i) => {
    if (STOPWORDS.has(t.word) || t.word.length < 2 || /^\d+$/.test(t.word)) return;
    const named = t.capitalized && i > 0;
    const weight = (named ? 2 : 1) * (1 + idf(t.stem));
    terms.set(t.stem, Math.max(terms.get(t.stem) ?? 0, weight));
  });
  return terms;
}

/** The passages' sentences in story order, each once (chunks overlap), with their clusters. */
export function storySentences(
  passages: Passage[],
  idf: (stem: string) => number,
): StorySentence[] {
  const seen = new Map<string, StorySentence>();
  for (const passage of passages) {
    const { chunk } = passage;
    chunk.sentences.forEach((span) => {
      const key = `${chunk.articleId}@${span.start}`;
      if (seen.has(key)) return;
      const text = sentenceText(chunk, span);
      seen.set(key, {
        passage,
        span,
        text,
        articleId: chunk.articleId,
        cluster: '',
        terms: weighTerms(text, idf),
        refersBack: refersBack(text),
      });
    });
  }
  const date = (s: StorySentence) => s.passage.article.publishedAt ?? '';
  const sentences = [...seen.values()].sort(
    (a, b) =>
      date(a).localeCompare(date(b)) ||
      a.articleId.localeCompare(b.articleId) ||
      a.span.start - b.span.start,
  );
  assignClusters(sentences);
  return sentences;
}

/**
 * Paragraph clusters: a new one starts at an article's first sentence, after a line break between
 * two sentences, and where the passages skip part of the article (the gap is not visible).
 */
function assignClusters(sentences: StorySentence[]): void {
  let paragraph = 0;
  sentences.forEach((s, i) => {
    const before = sentences[i - 1];
    const sameArticle = before?.articleId === s.articleId;
    if (sameArticle) s.previous = before;
    if (!sameArticle || !continuesParagraph(before!, s)) paragraph++;
    s.cluster = `${s.articleId}#${paragraph}`;
  });
}

/** True when `next` follows `prev` in the same paragraph (no line break between them). */
function continuesParagraph(prev: StorySentence, next: StorySentence): boolean {
  const { chunk } = next.passage;
  if (prev.span.start < chunk.start) {
    // `prev` lies in an earlier chunk: the gap is visible only in `prev`'s chunk, if at all.
    const other = prev.passage.chunk;
    if (next.span.start > other.end) return false;
    return !other.text
      .slice(prev.span.end - other.start, next.span.start - other.start)
      .includes('\n');
  }
  return !chunk.text
    .slice(prev.span.end - chunk.start, next.span.start - chunk.start)
    .includes('\n');
}

/** Weight of `terms` not yet in `covered`. */
function gain(terms: Iterable<[string, number]>, covered: ReadonlySet<string>): number {
  let sum = 0;
  for (const [stem, weight] of terms) if (!covered.has(stem)) sum += weight;
  return sum;
}

/** Share of the focus terms' weight a sentence contains (0..1). */
function focusMatch(s: StorySentence, focus: Map<string, number>): number {
  let got = 0;
  let total = 0;
  for (const [stem, weight] of focus) {
    total += weight;
    if (s.terms.has(stem)) got += weight;
  }
  return total > 0 ? got / total : 0;
}

/** A sentence can be shown alone, or its antecedent is already picked (story order keeps them adjacent). */
function canStand(s: StorySentence, picked: ReadonlySet<StorySentence>): boolean {
  return !s.refersBack || (s.previous !== undefined && picked.has(s.previous));
}

/** Selection state shared by the steps below. */
interface Selection {
  picked: Set<StorySentence>;
  covered: Set<string>;
  count: number;
}

function pick(sel: Selection, s: StorySentence): void {
  sel.picked.add(s);
  for (const stem of s.terms.keys()) sel.covered.add(stem);
}

/** One topic sentence per cluster, clusters in order of the new content they bring. */
function pickClusters(sentences: StorySentence[], sel: Selection): void {
  const clusters = new Map<string, StorySentence[]>();
  for (const s of sentences) clusters.set(s.cluster, [...(clusters.get(s.cluster) ?? []), s]);
  const clusterTerms = (members: StorySentence[]): Map<string, number> => {
    const terms = new Map<string, number>();
    for (const m of members)
      for (const [k, v] of m.terms) terms.set(k, Math.max(terms.get(k) ?? 0, v));
    return terms;
  };
  const open = new Map([...clusters].map(([id, members]) => [id, clusterTerms(members)]));
  while (sel.picked.size < sel.count && open.size > 0) {
    let best: string | undefined;
    let bestGain = 0;
    for (const [id, terms] of open) {
      const g = gain(terms, sel.covered);
      if (g > bestGain) [best, bestGain] = [id, g];
    }
    if (best === undefined) return;
    const topic = clusters.get(best)!.find((s) => canStand(s, sel.picked) && s.terms.size >= 3);
    if (topic) pick(sel, topic);
    // The thread counts as told: its other sentences should not win the next rounds on its words.
    for (const stem of open.get(best)!.keys()) sel.covered.add(stem);
    open.delete(best);
  }
}

/** Further sentences one by one, by the new content each brings. */
function pickSentences(
  sentences: StorySentence[],
  sel: Selection,
  score: (s: StorySentence) => number,
): void {
  while (sel.picked.size < sel.count) {
    let best: StorySentence | undefined;
    let bestScore = 0;
    for (const s of sentences) {
      if (sel.picked.has(s) || !canStand(s, sel.picked) || s.terms.size < 3) continue;
      const value = score(s);
      if (value > bestScore) [best, bestScore] = [s, value];
    }
    if (!best) return;
    pick(sel, best);
  }
}

/**
 * Chooses the summary's sentences, in story order. Without a focus: the lead, then the threads
 * (clusters) that add the most, then single sentences. With a focus: sentences matching it first,
 * by match and then by what they add.
 */
export function selectSummarySentences(input: SummaryInput): StorySentence[] {
  const sentences = storySentences(input.passages, input.idf);
  const sel: Selection = {
    picked: new Set(),
    covered: new Set(),
    count: SUMMARY_SENTENCES[input.length],
  };
  const focus = input.focus ? weighTerms(input.focus.toLowerCase(), input.idf) : new Map();
  const novelty = (s: StorySentence) => gain(s.terms, sel.covered) / Math.sqrt(s.terms.size);
  if (focus.size > 0) {
    pickSentences(sentences, sel, (s) => {
      const match = focusMatch(s, focus);
      return match > 0 ? 1_000 * match + novelty(s) : 0;
    });
  } else {
    // The lead of the first passage's article (the engine passes the most recent first).
    const leadArticle = input.passages[0]?.chunk.articleId;
    const lead = sentences.find(
      (s) => s.articleId === leadArticle && canStand(s, sel.picked) && s.terms.size >= 3,
    );
    if (lead) pick(sel, lead);
    // The lead's paragraph is told too.
    for (const s of sentences)
      if (s.cluster === lead?.cluster) for (const stem of s.terms.keys()) sel.covered.add(stem);
    pickClusters(
      sentences.filter((s) => s.cluster !== lead?.cluster),
      sel,
    );
  }
  sel.covered = new Set([...sel.picked].flatMap((s) => [...s.terms.keys()]));
  pickSentences(sentences, sel, novelty);
  return sentences.filter((s) => sel.picked.has(s));
}

/**
 * A summary of the passages: chosen sentences in story order, "text [n]" each, one citation per
 * sentence quoting it verbatim; `emptyText` and no citation when no sentence can stand alone.
 */
export function summarizeStory(input: SummaryInput, answerer: string, emptyText: string): Summary {
  const chosen = selectSummarySentences(input);
  if (chosen.length === 0) return { summary: emptyText, citations: [], answerer };
  return {
    summary: chosen.map((s, i) => `${s.text} [${i + 1}]`).join(' '),
    citations: chosen.map((s, i) => citationFor(i + 1, s.passage, [s.span])),
    answerer,
  };
}
