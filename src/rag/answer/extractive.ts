/**
 * The offline answerer: answers with the story's own sentences, each cited, or refuses.
 *
 * For each sentence of the retrieved passages it measures how much of the question the sentence
 * (and, more weakly, its passage) covers — exact stems first, then word-vector neighbours for
 * paraphrases — and whether it offers the kind of thing asked for (a time, an amount, a
 * reason…). It refuses when the question names something the passages never mention, when no
 * sentence covers enough of the question, or when none offers the kind of answer required.
 */
import type { WordVectors } from '../embeddings/wordvectors.js';
import { sentenceText } from '../chunk.js';
import { STOPWORDS, tokenize, type Token } from '../text.js';
import { summarizeStory } from '../summarize.js';
import type { Answer, Citation, Passage, Span, Summary } from '../types.js';
import {
  answerTypeOf,
  isFollowUp,
  namedTerms,
  offersAnswerType,
  STRICT_TYPES,
  type AnswerType,
} from './analyze.js';
import type { AnswerContext, Answerer, SummaryContext } from './answerer.js';
import { citationFor } from './cite.js';

export interface ExtractiveOptions {
  /** Inverse document frequency of a stem in the indexed corpus. */
  idf: (stem: string) => number;
  /** Enables paraphrase matching; without it only stems and word prefixes match. */
  wordVectors?: WordVectors | null;
  /** Coverage below which the answerer refuses (0..1). */
  minCoverage?: number;
}

interface QueryTerm {
  word: string;
  stem: string;
  weight: number;
  /** Term of the current question (false: inherited from the previous turn). */
  current: boolean;
}

interface Candidate {
  passage: Passage;
  /** One sentence, or two adjacent ones. */
  spans: Span[];
  text: string;
  tokens: Token[];
  /** Per query term, how well this sentence matches it (0..1). */
  matches: number[];
  /** Per query term, the match counting the sentence's passage and article too. */
  contextMatches: number[];
  /** Per query term, whether it counts towards answerability (a word of the current question). */
  judged: boolean[];
  coverage: number;
  score: number;
  offersType: boolean;
}

const SIMILAR_WORD = 0.62;

/** Names whose usual other forms share no prefix with them. */
const ALIASES: Record<string, string[]> = {
  american: ['usa', 'america', 'washington'],
  americans: ['usa', 'america', 'washington'],
  america: ['usa', 'american', 'washington'],
  usa: ['america', 'american', 'washington'],
  british: ['britain', 'uk', 'london'],
  britain: ['british', 'uk', 'london'],
  uk: ['britain', 'british', 'london'],
  dutch: ['netherlands', 'holland'],
  swiss: ['switzerland'],
  beijing: ['china', 'chinese'],
  washington: ['usa', 'america', 'american'],
  tokyo: ['japan', 'japanese'],
  moscow: ['russia', 'russian'],
  kyiv: ['ukraine', 'ukrainian'],
  taipei: ['taiwan', 'taiwanese'],
};

/** Generic words that frame a question rather than name its topic ("when did it happen"). */
const LIGHT_WORDS = new Set(
  (
    'happen happened happens occur occurred take took taken takes place make made go went come came get got give gave ' +
    'know knew think thought want wanted mean meant put see saw seem seemed need use used like way thing things something ' +
    'anything kind sort part really exactly actually specifically happening going'
  ).split(' '),
);
const DEFAULT_MIN_COVERAGE = 0.5;

export const REFUSAL = "The story doesn't say.";

export class ExtractiveAnswerer implements Answerer {
  readonly id = 'extractive';
  private readonly minCoverage: number;

  constructor(private readonly options: ExtractiveOptions) {
    this.minCoverage = options.minCoverage ?? DEFAULT_MIN_COVERAGE;
  }

  async answer(question: string, context: AnswerContext): Promise<Answer> {
    return this.answerSync(question, context);
  }

  /** Synchronous core of `answer` (no I/O happens here). */
  answerSync(question: string, context: AnswerContext): Answer {
    const previous = context.history?.at(-1);
    const followUp = previous !== undefined && isFollowUp(question);
    let type = answerTypeOf(question);
    if (followUp && type === 'other') type = answerTypeOf(previous.question);
    const terms = this.queryTerms(question, followUp ? previous.question : undefined);
    const refuse = (why?: string): Answer => ({
      question,
      answer: why ? `The story doesn't say: ${why}.` : REFUSAL,
      refused: true,
      citations: [],
      answerer: this.id,
    });
    const current = terms.filter((t) => t.current);
    if (current.length === 0 && !followUp) return refuse('the question has no words to look for');
    if (context.passages.length === 0) return refuse();

    // A name the passages never mention means the story is not about it — unless the question
    // names many things and only a few are missing from the handful of passages retrieved.
    const { missing, named } = this.missingNames(question, context.passages);
    if (missing.length > 0 && (named <= 2 || missing.length / named > MAX_MISSING_SHARE))
      return refuse(`it never mentions ${missing.join(', ')}`);

    const questionWords = new Set(tokenize(question).map((t) => t.word));
    let candidates = this.candidates(context.passages, terms, type, questionWords);
    // For a time, an amount or a duration, only sentences that contain one can answer.
    if (STRICT_TYPES.has(type)) candidates = candidates.filter((c) => c.offersType);
    const best = candidates[0];
    if (!best) return refuse();
    const overlaps = (a: Candidate, b: Candidate): boolean =>
      a.passage.chunk.id === b.passage.chunk.id &&
      a.spans.some((x) => b.spans.some((y) => x.start === y.start));
    const chosen: Candidate[] = [best];
    if (best.coverage >= this.minCoverage) {
      // A second sentence when it is nearly as good and covers question words the first does not.
      const second = candidates
        .slice(1)
        .find(
          (c) =>
            !overlaps(best, c) &&
            c.score >= best.score * 0.8 &&
            c.coverage >= this.minCoverage &&
            addsCoverage(best, c, terms) >= 0.15,
        );
      if (second) chosen.push(second);
    } else if (current.length >= MULTI_PART_WORDS) {
      // A question with several parts ("did outlet A and outlet B agree…") is answered by
      // several sentences together: add the ones that cover what the first leaves open, and
      // answer only if together they cover enough of the question.
      while (chosen.length < MAX_ANSWER_UNITS) {
        const gainOf = (c: Candidate): number =>
          unionCoverage([...chosen, c], terms) - unionCoverage(chosen, terms);
        const next = candidates
          .filter((c) => !chosen.some((x) => overlaps(x, c)) && c.coverage >= MIN_PART_COVERAGE)
          .map((c) => ({ c, gain: gainOf(c) }))
          .filter((x) => x.gain >= 0.08)
          .sort((a, b) => b.gain - a.gain || b.c.score - a.c.score)[0];
        if (!next) break;
        chosen.push(next.c);
      }
      if (chosen.length < 2 || unionCoverage(chosen, terms) < this.minCoverage) return refuse();
      chosen.sort(
        (a, b) => storyOrder(a.passage, b.passage) || a.spans[0]!.start - b.spans[0]!.start,
      );
    } else {
      return refuse();
    }
    return { question, ...composeCited(chosen), refused: false, answerer: this.id };
  }

  async summarize(context: SummaryContext): Promise<Summary> {
    return this.summarizeSync(context);
  }

  /** Summaries: see src/rag/summarize.ts. */
  summarizeSync(context: SummaryContext): Summary {
    return summarizeStory({ ...context, idf: this.options.idf }, this.id, REFUSAL);
  }

  /** Content words of the question (and of the previous one, weighted down), IDF-weighted. */
  private queryTerms(question: string, previous?: string): QueryTerm[] {
    const terms: QueryTerm[] = [];
    const seen = new Set<string>();
    const add = (text: string, current: boolean, factor: number): void => {
      for (const t of tokenize(text)) {
        if (STOPWORDS.has(t.word) || seen.has(t.stem)) continue;
        seen.add(t.stem);
        // 1 + idf: in a one-story corpus every topic word is "common", yet still what the question is about.
        const light = LIGHT_WORDS.has(t.word) ? 0.3 : 1;
        terms.push({
          word: t.word,
          stem: t.stem,
          weight: factor * light * (1 + this.options.idf(t.stem)),
          current,
        });
      }
    };
    add(question, true, 1);
    if (previous) add(previous, false, 0.5);
    return terms;
  }

  /** Names in the question that appear in no retrieved passage (title, outlet, date included). */
  private missingNames(
    question: string,
    passages: Passage[],
  ): { missing: string[]; named: number } {
    const stems = new Set<string>();
    const words = new Set<string>();
    for (const p of passages) {
      for (const t of tokenize(`${articleMetaText(p)}\n${p.chunk.text}`)) {
        stems.add(t.stem);
        words.add(t.word);
      }
    }
    const known = (t: Token): boolean => {
      if (stems.has(t.stem) || words.has(t.word)) return true;
      if (ALIASES[t.word]?.some((a) => words.has(a))) return true;
      // Demonyms and close forms ("Chinese" for "China") share a long prefix.
      const prefix = t.word.slice(0, Math.max(4, t.word.length - 3));
      return t.word.length >= 5 && [...words].some((w) => w.startsWith(prefix));
    };
    // Adjacent names form one phrase ("North Korea"): if any part is unknown, report the phrase.
    const phrases: Token[][] = [];
    for (const t of namedTerms(question)) {
      const last = phrases.at(-1);
      if (last && /^\s+$/.test(question.slice(last.at(-1)!.end, t.start))) last.push(t);
      else phrases.push([t]);
    }
    const missing = phrases
      .filter((p) => !p.every(known))
      .map((p) => question.slice(p[0]!.start, p.at(-1)!.end));
    return { missing: [...new Set(missing)], named: phrases.length };
  }

  /** How well one sentence word matches a query term: 1 exact, less for prefixes and neighbours. */
  private termMatch(term: QueryTerm, tokens: Token[]): number {
    let best = 0;
    for (const t of tokens) {
      if (t.stem === term.stem) return 1;
      if (
        term.word.length >= 5 &&
        t.word.length >= 5 &&
        t.word.slice(0, 5) === term.word.slice(0, 5)
      )
        best = Math.max(best, 0.8);
      const sim = this.options.wordVectors?.similarity(term.word, t.word);
      if (sim !== undefined && sim >= SIMILAR_WORD) best = Math.max(best, Math.min(0.85, sim));
    }
    return Math.min(best, 0.9);
  }

  private coverage(_text: string, tokens: Token[], terms: QueryTerm[]): number {
    const content = tokens.filter((t) => !STOPWORDS.has(t.word));
    let got = 0;
    let total = 0;
    for (const term of terms) {
      total += term.weight;
      got += term.weight * this.termMatch(term, content);
    }
    return total > 0 ? got / total : 0;
  }

  /**
   * Scores every sentence of every passage, and every pair of adjacent sentences (a statement
   * often spans two: "They discussed Ukraine. Xi said…"), best first.
   */
  private candidates(
    passages: Passage[],
    terms: QueryTerm[],
    type: AnswerType,
    questionWords: ReadonlySet<string>,
  ): Candidate[] {
    const current = terms.filter((t) => t.current);
    // Coverage judges answerability on the current question's words; inherited words only help rank.
    const judged = current.length > 0 ? (t: QueryTerm) => t.current : () => true;
    const share = (values: (i: number) => number, only: (t: QueryTerm) => boolean): number => {
      let got = 0;
      let total = 0;
      terms.forEach((t, i) => {
        if (!only(t)) return;
        total += t.weight;
        got += t.weight * values(i);
      });
      return total > 0 ? got / total : 0;
    };
    const qVector = this.options.wordVectors
      ? this.meanVector(terms.filter((t) => t.current).map((t) => ({ word: t.word, stem: t.stem })))
      : undefined;
    const out: Candidate[] = [];
    passages.forEach((passage, rank) => {
      const passageTokens = tokenize(`${articleMetaText(passage)}\n${passage.chunk.text}`).filter(
        (t) => !STOPWORDS.has(t.word),
      );
      const passageMatch = terms.map((term) => this.termMatch(term, passageTokens));
      const sentences = passage.chunk.sentences.map((span) => {
        const text = sentenceText(passage.chunk, span);
        const tokens = tokenize(text);
        const content = tokens.filter((t) => !STOPWORDS.has(t.word));
        return {
          span,
          text,
          tokens,
          content,
          matches: terms.map((term) => this.termMatch(term, content)),
        };
      });
      const units = sentences.flatMap((one, i) => {
        const two = sentences[i + 1];
        if (!two) return [[one]];
        // A pair only when each sentence brings question words the other lacks.
        const helps = (a: typeof one, b: typeof one): boolean =>
          a.matches.some((m, j) => m > 0 && m > b.matches[j]!);
        // …and within one paragraph: a statement does not run across a paragraph break.
        const sameParagraph = !passage.chunk.text
          .slice(one.span.end - passage.chunk.start, two.span.start - passage.chunk.start)
          .includes('\n');
        return sameParagraph && helps(one, two) && helps(two, one) ? [[one], [one, two]] : [[one]];
      });
      for (const unit of units) {
        const spans = unit.map((u) => u.span);
        const text = sentenceText(passage.chunk, {
          start: spans[0]!.start,
          end: spans.at(-1)!.end,
        });
        const tokens = unit.flatMap((u) => u.tokens);
        const contentCount = unit.reduce((n, u) => n + u.content.length, 0);
        const matches = terms.map((_, j) => Math.max(...unit.map((u) => u.matches[j]!)));
        const sentenceCoverage = share((i) => matches[i]!, judged);
        const contextCoverage = share((i) => Math.max(matches[i]!, 0.8 * passageMatch[i]!), judged);
        const coverage = 0.7 * sentenceCoverage + 0.3 * contextCoverage;
        const overall = share(
          (i) => Math.max(matches[i]!, 0.6 * passageMatch[i]!),
          () => true,
        );
        const offersType = offersAnswerType(type, text, tokens, questionWords);
        const typeBonus = type === 'other' || type === 'yesno' ? 0 : offersType ? 0.15 : -0.2;
        const lengthCost = (unit.length - 1) * 0.06 + (contentCount < 4 ? 0.1 : 0);
        const semantic = qVector
          ? cosineDense(qVector, this.meanVector(unit.flatMap((u) => u.content)))
          : 0;
        const score =
          0.6 * coverage +
          0.4 * overall +
          0.3 * semantic +
          typeBonus +
          0.04 / (1 + rank) -
          lengthCost;
        const contextMatches = matches.map((m, i) => Math.max(m, 0.8 * passageMatch[i]!));
        out.push({
          passage,
          spans,
          text,
          tokens,
          matches,
          contextMatches,
          judged: terms.map(judged),
          coverage,
          score,
          offersType,
        });
      }
    });
    return out.sort((a, b) => b.score - a.score || a.spans[0]!.start - b.spans[0]!.start);
  }

  /** IDF-weighted mean word vector (unit length), for whole-sentence similarity. */
  private meanVector(words: Array<{ word: string; stem: string }>): Float32Array {
    const vectors = this.options.wordVectors!;
    const v = new Float32Array(vectors.dims);
    for (const w of words) vectors.addTo(w.word, 1 + this.options.idf(w.stem), v);
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= Math.sqrt(norm);
    return v;
  }
}

/** Share of a question's names that may be missing from the passages before it is refused (3+ names). */
const MAX_MISSING_SHARE = 0.25;
/** Questions with at least this many topic words may be answered by several sentences together. */
const MULTI_PART_WORDS = 8;
/** Most sentence units one answer quotes. */
const MAX_ANSWER_UNITS = 3;
/** A unit joins a multi-part answer only if it covers at least this much of the question. */
const MIN_PART_COVERAGE = 0.25;

/** Coverage of the judged question words by several units together (0..1). */
function unionCoverage(units: Candidate[], terms: QueryTerm[]): number {
  let got = 0;
  let total = 0;
  terms.forEach((t, i) => {
    if (!units[0]?.judged[i]) return;
    total += t.weight;
    const sentence = Math.max(...units.map((u) => u.matches[i]!));
    const context = Math.max(...units.map((u) => u.contextMatches[i]!));
    got += t.weight * (0.7 * sentence + 0.3 * context);
  });
  return total > 0 ? got / total : 0;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * The article's title, outlet and date as words ("October 13, 2023"), so that a question naming
 * the outlet or the day is matched by the article's metadata, not only by its text.
 */
function articleMetaText(passage: Passage): string {
  const { title, source, publishedAt } = passage.article;
  const date = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?/.exec(publishedAt ?? '');
  const words = date
    ? `${MONTH_NAMES[Number(date[2]) - 1] ?? ''} ${Number(date[3])}, ${date[1]} ${date[4] ?? ''}`
    : '';
  return [title, source ?? '', words].join('\n');
}

/** Share of question weight newly covered by `b` beyond what `a` covers. */
function addsCoverage(a: Candidate, b: Candidate, terms: QueryTerm[]): number {
  let gained = 0;
  let total = 0;
  terms.forEach((t, i) => {
    total += t.weight;
    gained += t.weight * Math.max(0, b.matches[i]! - a.matches[i]!);
  });
  return total > 0 ? gained / total : 0;
}

/** Sentence units → "text [1] text [2]", one citation per distinct unit, numbered in order. */
function composeCited(items: Array<{ passage: Passage; spans: Span[]; text: string }>): {
  answer: string;
  citations: Citation[];
} {
  const numbers = new Map<string, number>();
  const citations: Citation[] = [];
  const parts: string[] = [];
  for (const item of items) {
    const key = `${item.passage.chunk.id}@${item.spans.map((s) => s.start).join(',')}`;
    let n = numbers.get(key);
    if (n === undefined) {
      n = citations.length + 1;
      numbers.set(key, n);
      citations.push(citationFor(n, item.passage, item.spans));
    }
    parts.push(`${item.text} [${n}]`);
  }
  return { answer: parts.join(' '), citations };
}

function storyOrder(a: Passage, b: Passage): number {
  const da = a.article.publishedAt ?? '';
  const db = b.article.publishedAt ?? '';
  if (da !== db) return da < db ? -1 : 1;
  if (a.chunk.articleId !== b.chunk.articleId)
    return a.chunk.articleId < b.chunk.articleId ? -1 : 1;
  return a.chunk.start - b.chunk.start;
}

function cosineDense(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}
