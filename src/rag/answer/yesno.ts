/**
 * Yes/No verdicts that the cited sentences settle, for questions that make one or several claims
 * ("Did outlet A report X, while outlet B reported Y?", "Was X reported before Y?").
 *
 * The question is split into its parts (one per claim, each with the outlets and dates it names;
 * see query.ts). Each part must be supported by one sentence of a passage from the right outlet
 * and date: enough of the part's topic words, weighted by rarity, occur in that sentence (or, more
 * weakly, in its article's title). Then:
 * - an order the question states between two parts ("before", "after", "the later report") is
 *   checked against the publication dates of the supporting articles: a contradiction is a No;
 * - a part the question denies ("did X fail to…", "was there no…") while its supporting sentence
 *   states it without negation is a No;
 * - otherwise, every part supported is a Yes.
 * When a part finds no supporting sentence the question is not settled and the answer is null:
 * never a bare guess. Pure: no I/O, no state.
 */
import { sentenceText } from '../chunk.js';
import { citationFor } from './cite.js';
import {
  daysApart,
  findDates,
  maskMentions,
  questionParts,
  SourceMatcher,
  type Mention,
  type QuestionPart,
} from '../query.js';
import { STOPWORDS, tokenize, type Token } from '../text.js';
import type { Citation, Passage, Span } from '../types.js';

export interface YesNoTools {
  /** Inverse document frequency of a stem in the indexed corpus. */
  idf: (stem: string) => number;
  /** Word similarity (-1..1), undefined for unknown words; enables paraphrase matches. */
  similarity?: (a: string, b: string) => number | undefined;
}

export interface YesNoAnswer {
  verdict: 'yes' | 'no';
  /** The sentences that settle it, one per part of the question, in question order. */
  support: Array<{ passage: Passage; spans: Span[] }>;
  /** Every claim was looked for only among articles of an outlet or a date the question names. */
  scoped: boolean;
}

/** Tuning, fitted on the MultiHop-RAG dev split (scripts/tune-yesno.ts). */
export const YESNO_TUNING = {
  /** Share of a part's topic weight one sentence must cover to support it. */
  support: 0.3,
  /** Word-vector similarity from which two different words count as a (partial) match. */
  similar: 0.6,
  /** Match credit of a word found only in the article's title. */
  title: 0.6,
  /** Days two publication dates must differ to count as an order. */
  orderDays: 1,
  /** Answer No when a stated order contradicts the publication dates. */
  order: true,
  /** Answer No when the question denies a part that its supporting sentence states plainly. */
  negation: true,
};
export type YesNoTuning = typeof YESNO_TUNING;

// English auxiliaries that open a polar question ("Did…", "Was there…", "Has…").
const AUXILIARY =
  /^(?:and\s+|so\s+|but\s+)?(?:do|does|did|is|are|was|were|has|have|had|can|could|will|would|should|shall|may|might|must)\b/i;
// Interrogative words: a clause led by one asks for a thing, not for Yes or No.
const WH_WORD = /^(?:who|whom|whose|what|which|when|where|why|how)\b/i;
// English clause negation: particles, determiners and verbs that deny the clause they are in.
// ("without" is left out: it negates a phrase, not the claim.)
const NEGATION =
  /\b(?:not|no|never|none|neither|nor|n['’]t|cannot|fail|fails|failed|failing|lack|lacks|lacked|lacking)\b/i;

/**
 * True when the question asks for Yes or No: its first clause opens with an auxiliary verb (a
 * later "which…" or "who…" after a comma is then a relative clause: "Are the discounts TechCrunch
 * mentions, which shops use…, the same…?"), or a clause after a leading phrase does ("Between A
 * and B, was there…?") and no clause opens with an interrogative word.
 */
export function isYesNoQuestion(question: string): boolean {
  const clauses = question.split(/[,;:]\s*/).map((c) => c.trim());
  if (AUXILIARY.test(clauses[0] ?? '')) return true;
  if (clauses.some((c) => WH_WORD.test(c))) return false;
  return clauses.some((c) => AUXILIARY.test(c));
}

/** The verdict the passages settle for a yes/no question, or null when they do not. */
export function answerYesNo(
  question: string,
  passages: Passage[],
  tools: YesNoTools,
  tuning: YesNoTuning = YESNO_TUNING,
): YesNoAnswer | null {
  if (passages.length === 0) return null;
  const matcher = new SourceMatcher(passages.flatMap((p) => p.article.source ?? []));
  const mentions = matcher.find(question);
  const dates = findDates(question);
  const topic = (text: string): string[] =>
    tokenize(text)
      .filter((t) => isTopicWord(t))
      .map((t) => t.word);
  const parts = questionParts(question, mentions, dates, topic);
  const masked = maskMentions(question, [...mentions, ...dates]);
  const found: PartSupport[] = [];
  for (const part of parts) {
    const terms = partTerms(masked.slice(part.start, part.end), tools);
    // A part with nothing to look for (only outlets and framing) claims nothing on its own.
    if (terms.length === 0) continue;
    const best = bestSupport(part, terms, passages, tools, tuning);
    if (!best || best.coverage < tuning.support) return null;
    found.push({ ...best, negated: NEGATION.test(question.slice(part.start, part.end)) });
  }
  if (found.length === 0) return null;
  const support = found.map((f) => ({ passage: f.passage, spans: [f.span] }));
  const scoped = found.every((f) => f.part.sources.length > 0 || f.part.dates.length > 0);
  if (tuning.order && orderContradicted(question, mentions, found, tuning.orderDays))
    return { verdict: 'no', support, scoped };
  // A claim the question denies ("did X fail to…", "was there no…") that its sentence states
  // plainly. (A plain claim against a sentence with a "not" somewhere is not settled that way:
  // the "not" is often about something else.)
  if (tuning.negation && found.some((f) => f.negated && !f.sentenceNegated))
    return { verdict: 'no', support, scoped };
  return { verdict: 'yes', support, scoped };
}

/** "Yes. <sentence> [1] <sentence> [2]": the verdict first, then each distinct supporting sentence, cited. */
export function renderYesNo(v: YesNoAnswer): {
  answer: string;
  short: string;
  citations: Citation[];
} {
  const citations: Citation[] = [];
  const parts = [v.verdict === 'yes' ? 'Yes.' : 'No.'];
  for (const s of v.support) {
    const key = (c: Citation): boolean =>
      c.chunkId === s.passage.chunk.id && c.quote === sentenceText(s.passage.chunk, s.spans[0]!);
    if (citations.some(key)) continue;
    const c = citationFor(citations.length + 1, s.passage, s.spans);
    citations.push(c);
    parts.push(`${c.quote} [${c.n}]`);
  }
  return { answer: parts.join(' '), short: parts[0]!.slice(0, -1), citations };
}

/** One part of the question and the sentence that best supports it. */
interface PartSupport {
  part: QuestionPart;
  passage: Passage;
  span: Span;
  coverage: number;
  /** The part denies its claim ("did not…"). */
  negated: boolean;
  /** The supporting sentence denies something. */
  sentenceNegated: boolean;
}

interface Term {
  word: string;
  stem: string;
  weight: number;
}

function isTopicWord(t: Token): boolean {
  return !STOPWORDS.has(t.word) && !NEGATION.test(t.word) && !ORDER_WORDS.has(t.word);
}

/** The part's topic words, weighted by rarity; each stem once. */
function partTerms(text: string, tools: YesNoTools): Term[] {
  const seen = new Set<string>();
  const terms: Term[] = [];
  for (const t of tokenize(text)) {
    if (!isTopicWord(t) || seen.has(t.stem)) continue;
    seen.add(t.stem);
    terms.push({ word: t.word, stem: t.stem, weight: tools.idf(t.stem) });
  }
  return terms.filter((t) => t.weight > 0);
}

/** How well a word of `tokens` matches the term: 1 for the same stem, less for a close word. */
function termMatch(term: Term, tokens: Token[], tools: YesNoTools, similar: number): number {
  let best = 0;
  for (const t of tokens) {
    if (t.stem === term.stem) return 1;
    const sim = tools.similarity?.(term.word, t.word);
    if (sim !== undefined && sim >= similar) best = Math.max(best, sim);
  }
  return Math.min(best, 0.9);
}

/** Whether a passage may support a part: from an outlet it names and published near a date it names. */
function eligible(part: QuestionPart, passage: Passage): boolean {
  const { source, publishedAt } = passage.article;
  if (part.sources.length > 0 && !(source !== undefined && part.sources.includes(source)))
    return false;
  if (part.dates.length === 0) return true;
  return publishedAt !== undefined && part.dates.some((d) => daysApart(publishedAt, d) <= 1);
}

/** The sentence of an eligible passage that covers most of the part's topic weight. */
function bestSupport(
  part: QuestionPart,
  terms: Term[],
  passages: Passage[],
  tools: YesNoTools,
  tuning: YesNoTuning,
): PartSupport | undefined {
  const total = terms.reduce((s, t) => s + t.weight, 0);
  let best: PartSupport | undefined;
  for (const passage of passages) {
    if (!eligible(part, passage)) continue;
    const title = tokenize(passage.article.title);
    const fromTitle = terms.map((t) => tuning.title * termMatch(t, title, tools, tuning.similar));
    for (const span of passage.chunk.sentences) {
      const text = sentenceText(passage.chunk, span);
      const tokens = tokenize(text);
      let got = 0;
      terms.forEach((t, i) => {
        got += t.weight * Math.max(termMatch(t, tokens, tools, tuning.similar), fromTitle[i]!);
      });
      const coverage = got / total;
      if (best && coverage <= best.coverage) continue;
      best = {
        part,
        passage,
        span,
        coverage,
        negated: false,
        sentenceNegated: NEGATION.test(text),
      };
    }
  }
  return best;
}

// Words that state an order in time. "before"/"after" are connectives between two claims;
// the adjectives mark the claim they modify as the later or the earlier one.
const LATER_WORDS = new Set(['later', 'subsequent', 'subsequently', 'following', 'next']);
const EARLIER_WORDS = new Set(['earlier', 'previous', 'previously', 'prior', 'preceding']);
const ORDER_WORDS = new Set([...LATER_WORDS, ...EARLIER_WORDS, 'before', 'after']);

/**
 * True when the question states an order between its first two supported parts that their
 * articles' publication dates contradict. Dates the question itself gives count first.
 */
function orderContradicted(
  question: string,
  outlets: Mention[],
  found: PartSupport[],
  minDays: number,
): boolean {
  if (found.length < 2) return false;
  const [a, b] = found as [PartSupport, PartSupport];
  const claim = statedOrder(question, outlets, a.part, b.part);
  if (claim === undefined) return false;
  const dateOf = (f: PartSupport): string | undefined =>
    f.part.dates[0] ?? f.passage.article.publishedAt;
  const da = dateOf(a);
  const db = dateOf(b);
  if (!da || !db || daysApart(da, db) < minDays) return false;
  const aFirst = da < db;
  return claim === 'a-first' ? !aFirst : aFirst;
}

/**
 * The order of parts `a` and `b` (a before b in the question) that the question's words state.
 * An order word counts only when it is about the reports: an outlet is named within the next
 * three words ("the subsequent Gazette article", "before the Planet"), or it ends its part
 * ("…published later"). Elsewhere it belongs to a claim ("before their game", "the previous year").
 */
function statedOrder(
  question: string,
  outlets: Mention[],
  a: QuestionPart,
  b: QuestionPart,
): 'a-first' | 'b-first' | undefined {
  const tokens = tokenize(question);
  const aboutReports = (i: number): boolean => {
    const after = tokens[i + 3]?.start ?? question.length;
    if (outlets.some((m) => m.start > tokens[i]!.start && m.start <= after)) return true;
    const next = tokens[i + 1];
    return !next || [a, b].some((p) => tokens[i]!.start < p.end && next.start >= p.end);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!ORDER_WORDS.has(t.word) || !aboutReports(i)) continue;
    const inA = t.start >= a.start && t.start < a.end;
    const inB = t.start >= b.start && t.start < b.end;
    if (LATER_WORDS.has(t.word)) {
      if (inB) return 'a-first';
      if (inA) return 'b-first';
    }
    if (EARLIER_WORDS.has(t.word)) {
      if (inB) return 'b-first';
      if (inA) return 'a-first';
    }
    if (t.word === 'before' || t.word === 'after') {
      // Opening the question ("After A, did B…"), the connective introduces the first claim;
      // between the claims ("A after B"), it relates the claim before it to the one after.
      const before = t.word === 'before';
      if (i === 0) return before ? 'b-first' : 'a-first';
      return before ? 'a-first' : 'b-first';
    }
  }
  return undefined;
}
