/**
 * The offline answerer: answers with the story's own sentences, each cited, or refuses.
 *
 * Each sentence of the retrieved passages is read against the question (src/rag/answer/reader.ts):
 * how much of the question it supports (lemmas, name variants, word-vector neighbours), whether it
 * holds a span of the kind asked for (a name, date, number, phrase), and the evidence that it does
 * not answer (a name or number it lacks, a flipped negation, an opposite word). A small logistic
 * model, fitted on a development set by `npm run fit:refusal`, weighs that evidence into the
 * decision to answer or refuse. Answers lead with the short span when the question asks for a
 * thing, then the one supporting sentence, cited.
 */
import { LRUCache } from 'lru-cache';
import type { WordVectors } from '../embeddings/wordvectors.js';
import { sentenceText } from '../chunk.js';
import { analyze, analyzeSentence, type Analysis, type NlpToken } from '../nlp/english.js';
import { placeForms } from '../nlp/gazetteer.js';
import { rootNamesOf } from '../nlp/wordnet.js';
import { monthName, STOPWORDS, tokenize } from '../text.js';
import { summarizeStory } from '../summarize.js';
import type { Answer, Citation, Passage, Span, Summary } from '../types.js';
import { isFollowUp } from './analyze.js';
import type { AnswerContext, Answerer, SummaryContext } from './answerer.js';
import { citationFor } from './cite.js';
import { answerYesNo, isYesNoQuestion, renderYesNo } from './yesno.js';
import { ABBREVIATION, readQuestion, STRICT_KINDS, type ReadQuestion } from './question.js';
import { periodsIn, yearsIn } from './periods.js';
import { coverageOf, readSentence, type SentenceReading } from './reader.js';
import { nearSpelling } from './spelling.js';
import { REFUSAL_FEATURES, refusalProbability, type RefusalFeatures } from './refusal.js';

export interface ExtractiveOptions {
  /** Inverse document frequency of a stem in the indexed corpus. */
  idf: (stem: string) => number;
  /** Enables paraphrase matching and word rarity; without it only lemmas and stems match. */
  wordVectors?: WordVectors | null;
  /**
   * Names the corpus knows beyond the retrieved passages (its outlets): a question naming one
   * is not about something the story never mentions, even when no passage of it was retrieved.
   */
  knownName?: (name: string) => boolean;
  /** Called with the evidence behind every decision (fitting the refusal model, diagnostics). */
  onDecision?: (decision: Decision) => void;
}

/** The evidence the answerer weighed for one question. */
export interface Decision {
  question: string;
  features: RefusalFeatures;
  /** Probability that the chosen sentence answers the question. */
  probability: number;
  refused: boolean;
  /** Why it refused without consulting the model ("missing-name", "no-passages"…), if it did. */
  rule?: string;
  /** The best sentence and its short span, answered or not (for fitting). */
  candidate?: string;
}

interface Unit {
  passage: Passage;
  rank: number;
  span: Span;
  text: string;
  reading: SentenceReading;
  /** The sentence's tokens (offsets into `text`). */
  tokens: readonly NlpToken[];
  contextCoverage: number;
  /**
   * Coverage counting the article's title, outlet and date as part of every sentence: a
   * headline names the topic that its sentences leave implicit ("the bridge").
   */
  headedCoverage: number;
  /** Per question term, its match in the sentence or (exactly) in the article heading. */
  headedMatches: number[];
  /** Per question term, its match in the sentence or, weighted down, elsewhere in its passage. */
  contextMatches: number[];
  score: number;
}

export const REFUSAL = "The story doesn't say.";

/** Sentence analyses kept in memory (about 5 KB each). */
const ANALYSIS_CACHE = 4_096;
/** Sentences `preread` is worth spending on: half the cache, leaving room for what is asked. */
export const PREREAD_SENTENCES = ANALYSIS_CACHE / 2;

/** Most sentences one answer quotes (multi-part questions). */
const MAX_ANSWER_UNITS = 3;
/** How well a span must fit a strict kind (a date for "when") to count as one. */
const STRICT_KIND_FIT = 0.7;
/** Coverage one sentence needs to settle a yes/no question. */
const YES_NO_COVERAGE = 0.75;
/** Questions with at least this many terms may be answered by several sentences together. */
const MULTI_PART_TERMS = 8;
/** Below this coverage by its best sentence, a multi-part question is answered part by part. */
const ONE_SENTENCE_COVERS = 0.6;

export class ExtractiveAnswerer implements Answerer {
  readonly id = 'extractive';
  /** Analyses of passage sentences, by chunk id and offset (the same passages recur). */
  private readonly analyses = new LRUCache<string, Analysis>({ max: ANALYSIS_CACHE });

  constructor(private readonly options: ExtractiveOptions) {}

  async answer(question: string, context: AnswerContext): Promise<Answer> {
    return this.answerSync(question, context);
  }

  /** Synchronous core of `answer` (no I/O happens here). */
  answerSync(question: string, context: AnswerContext): Answer {
    const vectors = this.options.wordVectors;
    const previous = context.history?.at(-1);
    const followUp = previous !== undefined && isFollowUp(question);
    const q = readQuestion(question, vectors);
    if (followUp) inherit(q, readQuestion(previous.question, vectors));
    const refuse = (why: string | undefined, rule: string, best?: Unit): Answer => {
      this.options.onDecision?.({
        question,
        features: best ? featuresOf(q, best, missing.length, named) : emptyFeatures(),
        probability: 0,
        refused: true,
        rule,
        candidate: best ? `${best.reading.short?.text ?? ''} ${best.text}` : undefined,
      });
      return {
        question,
        answer: why ? `The story doesn't say: ${why}.` : REFUSAL,
        short: null,
        refused: true,
        citations: [],
        answerer: this.id,
      };
    };
    const missing = missingNames(q, context.passages).filter((n) => !this.options.knownName?.(n));
    const named = new Set(q.named).size;
    if (q.terms.length === 0) return refuse('the question has no words to look for', 'no-terms');
    if (context.passages.length === 0) return refuse(undefined, 'no-passages');

    let units = this.units(q, context.passages);
    // For a time, number, duration, person or place, only a sentence holding one can answer.
    if (STRICT_KINDS.has(q.askedFor)) {
      const holding = units.filter((u) => (u.reading.short?.kindFit ?? 0) >= STRICT_KIND_FIT);
      if (holding.length === 0 && units[0])
        return refuse(kindMissingReason(q), 'kind-missing', units[0]);
      units = holding;
    }
    const best = units[0];
    if (!best) return refuse(undefined, 'no-sentences');
    // A name the passages never mention means the story is not about it — unless the question
    // names many things and only a few are missing from the handful of passages retrieved.
    if (missing.length > 0 && (named <= 2 || missing.length / named > MAX_MISSING_SHARE))
      return refuse(`it never mentions ${missing.join(', ')}`, 'missing-name', best);
    const features = featuresOf(q, best, missing.length, named);
    const probability = refusalProbability(features);
    // A yes/no question of several claims ("did both outlets report…"), or about a named outlet's
    // or date's articles, that no single sentence settles may be settled claim by claim, each
    // claim by its own sentence (answer/yesno.ts).
    const oneSettles = best.reading.missingNamed === 0 && best.reading.coverage >= YES_NO_COVERAGE;
    if (!followUp && isYesNoQuestion(question) && !(oneSettles && probability >= 0.5)) {
      const similarity = (a: string, b: string) => this.options.wordVectors?.similarity(a, b);
      const v = answerYesNo(question, context.passages, { idf: this.options.idf, similarity });
      if (v && (v.support.length > 1 || v.scoped))
        return { question, ...renderYesNo(v), refused: false, answerer: this.id };
    }
    const multi = q.terms.length >= MULTI_PART_TERMS && q.askedFor !== 'yesno';
    // Yes or No only when one sentence settles it: every name of the question in it, and most
    // of the question's words; otherwise saying either would be a guess.
    if (
      q.askedFor === 'yesno' &&
      (best.reading.missingNamed > 0 || best.reading.coverage < YES_NO_COVERAGE)
    )
      return refuse(reasonFor(q, best), 'yes-no-unsettled', best);
    // A sentence that shares no word with the question cannot answer it, whatever the model says.
    if (best.headedCoverage === 0) return refuse(reasonFor(q, best), 'no-overlap', best);
    // "Why did the engineers *not* replace the cables?" against "Engineers replaced two cables":
    // the sentence denies the question's premise, whatever else they share (on the development
    // set 10 of the 12 such best sentences answered nothing; the other 2 were refused anyway).
    if (features.negationMismatch === 1) return refuse(reasonFor(q, best), 'negation', best);
    // "What did Watt add in the 19th century?" against "…adopted by James Watt … in 1788": the
    // sentence dates it to another period. (For a yes/no question that is its answer, "No".)
    if (best.reading.periodClash && q.askedFor !== 'yesno')
      return refuse(reasonFor(q, best), 'period', best);
    if (probability < 0.5 && !multi) return refuse(reasonFor(q, best), 'model', best);

    // A question of several parts that no one sentence covers is answered part by part.
    let chosen: Unit[] = [best];
    if (
      multi &&
      (probability < 0.5 || (q.parts > 1 && best.headedCoverage < ONE_SENTENCE_COVERS))
    ) {
      const agreed = this.agree(q, units);
      if (agreed) {
        this.options.onDecision?.({
          question,
          features,
          probability,
          refused: false,
          rule: 'agreed',
        });
        const answer = compose(q, agreed.units);
        return {
          question,
          answer: `${agreed.name}. ${answer.answer}`,
          short: agreed.name,
          citations: answer.citations,
          refused: false,
          answerer: this.id,
        };
      }
      const parts = this.combine(q, units);
      if (parts.length >= 2) chosen = parts;
      else if (probability < 0.5) return refuse(reasonFor(q, best), 'model', best);
    }
    this.options.onDecision?.({
      question,
      features,
      probability,
      refused: false,
      candidate: `${best.reading.short?.text ?? ''} ${best.text}`,
    });
    return { question, ...compose(q, chosen), refused: false, answerer: this.id };
  }

  /**
   * A long question asking for one thing that several articles each describe in part ("Which
   * company, reported by A and B, did X and Y?"): the name that the best sentences of different
   * articles give as their answer, when they agree clearly, with one sentence of each.
   */
  private agree(q: ReadQuestion, units: Unit[]): { name: string; units: Unit[] } | undefined {
    if (!AGREEING_KINDS.has(q.askedFor)) return undefined;
    const votes = new Map<string, { name: string; byArticle: Map<string, Unit> }>();
    for (const u of units.slice(0, AGREE_UNITS)) {
      const short = u.reading.short;
      if (!short || u.headedCoverage < AGREE_COVERAGE) continue;
      const key = short.text.toLowerCase();
      let vote = votes.get(key);
      if (!vote) votes.set(key, (vote = { name: short.text, byArticle: new Map() }));
      const article = u.passage.chunk.articleId;
      const held = vote.byArticle.get(article);
      if (!held || held.score < u.score) vote.byArticle.set(article, u);
    }
    // "Bankman-Fried" and "Sam Bankman-Fried" are one vote.
    for (const [key, vote] of votes)
      for (const [longer, other] of votes)
        if (longer !== key && longer.endsWith(` ${key}`)) {
          for (const [article, u] of vote.byArticle)
            if ((other.byArticle.get(article)?.score ?? -1) < u.score)
              other.byArticle.set(article, u);
          votes.delete(key);
          break;
        }
    const ranked = [...votes.values()]
      .map((v) => ({
        ...v,
        weight: [...v.byArticle.values()].reduce((sum, u) => sum + u.score, 0),
      }))
      .sort((a, b) => b.weight - a.weight);
    const [top, next] = ranked;
    if (!top || top.byArticle.size < 2) return undefined;
    if (next && top.weight < AGREE_MARGIN * next.weight) return undefined;
    const chosen = [...top.byArticle.values()]
      .sort((a, b) => b.score - a.score)
      .slice(0, MAX_ANSWER_UNITS)
      .sort((a, b) => storyOrder(a.passage, b.passage) || a.span.start - b.span.start);
    if (unionCoverage(q, chosen) < AGREED_COVERAGE) return undefined;
    return { name: fullName(top.name, units), units: chosen };
  }

  /** Several sentences that together cover a long, multi-part question, in story order. */
  private combine(q: ReadQuestion, units: Unit[]): Unit[] {
    const chosen: Unit[] = [];
    const union = (list: Unit[]): number => unionCoverage(q, list);
    while (chosen.length < MAX_ANSWER_UNITS) {
      const next = units
        .filter((u) => !chosen.includes(u) && u.headedCoverage >= 0.2)
        .map((u) => ({ u, gain: union([...chosen, u]) - union(chosen) }))
        .filter((x) => x.gain >= 0.05)
        .sort((a, b) => b.gain - a.gain || b.u.score - a.u.score)[0];
      if (!next) break;
      chosen.push(next.u);
    }
    if (union(chosen) < MULTI_PART_COVERAGE) return [];
    return chosen.sort((a, b) => storyOrder(a.passage, b.passage) || a.span.start - b.span.start);
  }

  /**
   * Analyses a passage's sentences and its article's heading ahead of any question (at start,
   * after a re-index), so that the first question retrieving it does not pay for them; returns
   * how many analyses it made (none for what is already cached).
   */
  preread(passage: Passage): number {
    let made = 0;
    const meta = articleMetaText(passage);
    if (meta.trim() && !this.analyses.has(headingKey(meta))) {
      this.analysisOf(headingKey(meta), meta);
      made++;
    }
    for (const span of passage.chunk.sentences) {
      const key = sentenceKey(passage, span);
      if (this.analyses.has(key)) continue;
      this.analysisOf(key, sentenceText(passage.chunk, span), passage.chunk.text);
      made++;
    }
    return made;
  }

  /** The NLP analysis of a passage sentence (or article heading), cached by its place. */
  private analysisOf(key: string, text: string, passage?: string): Analysis {
    let analysis = this.analyses.get(key);
    if (!analysis) {
      analysis = passage
        ? analyzeSentence(text, (word) => capitalizedMidSentence(passage, word))
        : analyze(text);
      this.analyses.set(key, analysis);
    }
    return analysis;
  }

  /** Every sentence of every passage read against the question, best first. */
  private units(q: ReadQuestion, passages: Passage[]): Unit[] {
    const vectors = this.options.wordVectors;
    const out: Unit[] = [];
    passages.forEach((passage, rank) => {
      const meta = articleMetaText(passage);
      const sentences = passage.chunk.sentences.map((span) => {
        const text = sentenceText(passage.chunk, span);
        const analysis = this.analysisOf(sentenceKey(passage, span), text, passage.chunk.text);
        return { span, text, analysis, reading: readSentence(q, text, analysis, vectors) };
      });
      const heading = meta.toLowerCase();
      const metaReading = meta.trim()
        ? readSentence(q, meta, this.analysisOf(headingKey(meta), meta), vectors)
        : undefined;
      // What the passage as a whole (and its article's title, outlet, date) covers.
      const passageMatches = q.terms.map((_, i) =>
        Math.max(metaReading?.matches[i] ?? 0, ...sentences.map((s) => s.reading.matches[i]!)),
      );
      sentences.forEach((s, k) => {
        const contextMatches = s.reading.matches.map((m, i) =>
          Math.max(m, 0.8 * passageMatches[i]!),
        );
        const contextCoverage = coverageOf(q.terms, contextMatches);
        // "…the Warsaw Uprising began. *It* went on for 63 days": a name of the question the
        // sentence refers back to, named by one of the two sentences before it; and, when what
        // refers back stands for a whole phrase ("it", "The bridge"), the nouns of that name's
        // phrase there ("the Kessel *footbridge*").
        const ref = referenceOf(s.analysis.tokens);
        const earlier = ref.pronoun || ref.opener ? sentences.slice(Math.max(0, k - 2), k) : [];
        const headedMatches = s.reading.matches.map((m, i) => {
          const heading = (metaReading?.matches[i] ?? 0) === 1 ? 0.8 : 0;
          const before = earlier.some((p) => referredTerm(q, p, i, ref.phrase)) ? REFERRED : 0;
          return Math.max(m, heading, before);
        });
        const headedCoverage = coverageOf(q.terms, headedMatches);
        const strictMissing = STRICT_KINDS.has(q.askedFor) && !s.reading.short;
        const score =
          0.75 * headedCoverage +
          0.25 * contextCoverage +
          (s.reading.short ? 0.1 + 0.05 * s.reading.short.score : 0) -
          (strictMissing ? 0.15 : 0) -
          (s.reading.negationMismatch ? 0.03 : 0) +
          0.02 / (1 + rank);
        out.push({
          passage,
          rank,
          span: s.span,
          text: s.text,
          reading: namedByHeading(s.reading, heading),
          tokens: s.analysis.tokens,
          contextCoverage,
          headedCoverage,
          headedMatches,
          contextMatches,
          score,
        });
      });
    });
    return out.sort((a, b) => b.score - a.score || a.span.start - b.span.start);
  }

  async summarize(context: SummaryContext): Promise<Summary> {
    return this.summarizeSync(context);
  }

  /** Summaries: see src/rag/summarize.ts. */
  summarizeSync(context: SummaryContext): Summary {
    return summarizeStory({ ...context, idf: this.options.idf }, this.id, REFUSAL);
  }
}

/** Where the analysis of a passage's sentence is cached: its chunk and offset. */
function sentenceKey(passage: Passage, span: Span): string {
  return `${passage.chunk.id}@${span.start}`;
}
/** Where the analysis of an article's heading (`articleMetaText`) is cached. */
function headingKey(meta: string): string {
  return `meta:${meta}`;
}

/** What sentences say of the question together, and (weighted less) what their passages say around them. */
function unionCoverage(q: ReadQuestion, list: Unit[]): number {
  return coverageOf(
    q.terms,
    q.terms.map(
      (_, i) =>
        0.7 * Math.max(0, ...list.map((u) => u.headedMatches[i]!)) +
        0.3 * Math.max(0, ...list.map((u) => u.contextMatches[i]!)),
    ),
  );
}

/** `written` (capitalized) stands in `text` after a lowercase word or a comma: inside a sentence. */
function capitalizedMidSentence(text: string, written: string): boolean {
  const escaped = written.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`[\\p{Ll}\\p{N},;:]\\s+${escaped}(?![\\p{L}])`, 'u').test(text);
}

/**
 * The fullest form of a name the passages write ("Sam Bankman-Fried" for "Bankman-Fried"): the
 * most frequent run of capitalized words ending in it.
 */
function fullName(name: string, units: Unit[]): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(?:\\p{Lu}[\\p{L}'’.-]*\\s+){1,3}${escaped}(?![\\p{L}])`, 'gu');
  const texts = [...new Set(units.map((u) => u.passage.chunk.text))];
  const lower = new Set(texts.flatMap((t) => t.match(/\b\p{Ll}[\p{L}'’-]*/gu) ?? []));
  const seen = new Map<string, number>();
  for (const text of texts)
    for (const m of text.matchAll(pattern)) {
      // A sentence's opening "The" or "When" is not part of the name.
      const words = m[0].split(/\s+/);
      while (words.length > 1 && !nameWord(words[0]!, lower)) words.shift();
      const form = words.join(' ');
      if (form !== name) seen.set(form, (seen.get(form) ?? 0) + 1);
    }
  let best = name;
  let count = 0;
  for (const [form, n] of seen) if (n > count) [best, count] = [form, n];
  return best;
}

/**
 * A capitalized word that is part of a name: not a function word, not a title in capitals
 * ("CTO"), and not a word the passages also write in lowercase (a sentence's first "Enter").
 */
function nameWord(word: string, lowercaseWords: ReadonlySet<string>): boolean {
  const folded = word.toLowerCase();
  return !STOPWORDS.has(folded) && !ABBREVIATION.test(word) && !lowercaseWords.has(folded);
}

/** Kinds of answer that several articles can agree on: a name of a person, group or thing. */
const AGREEING_KINDS: ReadonlySet<string> = new Set(['person', 'name', 'thing']);
/** Best sentences whose short answers vote. */
const AGREE_UNITS = 30;
/**
 * Coverage of the question a sentence needs for its answer to count as a vote, and how much more
 * weight the agreed name needs than the next one. On the MultiHop-RAG dev split (inference
 * questions answered right / null questions refused): 0.2 and 1.5 gave 0.414 / 0.953; 0.1 and
 * 1.2 give 0.453 / 0.946; a 2.0 margin 0.388.
 */
const AGREE_COVERAGE = 0.1;
const AGREE_MARGIN = 1.2;
/**
 * Coverage of the question the agreeing sentences must reach together (MultiHop-RAG dev split:
 * 0.4 kept null questions refused as without agreement; 0.3 answered three more of them).
 */
const AGREED_COVERAGE = 0.4;

/** Share of a question's names that may be missing from the passages before it is refused (3+ names). */
const MAX_MISSING_SHARE = 0.25;
/** Coverage several sentences must reach together to answer a multi-part question. */
const MULTI_PART_COVERAGE = 0.5;

/**
 * The article's title, outlet and date as words ("October 13, 2023"), so that a question naming
 * the outlet or the day is matched by the article's metadata, not only by its text.
 */
function articleMetaText(passage: Passage): string {
  const { title, source, publishedAt } = passage.article;
  const date = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?/.exec(publishedAt ?? '');
  const words = date
    ? `${monthName(Number(date[2]))} ${Number(date[3])}, ${date[1]} ${date[4] ?? ''}`
    : '';
  // The date as stored too ("2023-10-04T13:55:17+00:00"), for questions that quote it so.
  return [title, source ?? '', words, publishedAt ?? ''].join('\n');
}

/**
 * The reading with the names its article's outlet, title or date gives counted as present: "the
 * Gazette's report of 4 October" is about every sentence of that article.
 */
function namedByHeading(reading: SentenceReading, heading: string): SentenceReading {
  if (!heading.trim() || reading.absentNames.length === 0) return reading;
  const absent = reading.absentNames.filter((n) => !heading.includes(n.toLowerCase()));
  if (absent.length === reading.absentNames.length) return reading;
  return {
    ...reading,
    absentNames: absent,
    missingNamed: absent.length,
    missingNumbers: absent.filter((n) => /\d/.test(n)).length,
  };
}

/**
 * A question term that a sentence referring back ("it", "The bridge") may stand for, matched in
 * an earlier sentence: a name of the question, or a noun written beside one of its names there
 * ("The Kessel *footbridge* opened in 1894. Ada Morrow designed *it*": "it" is the whole phrase,
 * not the name alone).
 */
function referredTerm(
  q: ReadQuestion,
  earlier: { reading: SentenceReading; analysis: Analysis },
  i: number,
  phrase: boolean,
): boolean {
  const r = earlier.reading;
  if (r.matches[i] !== 1) return false;
  if (q.terms[i]!.proper) return true;
  if (!phrase) return false;
  const at = r.anchors[i]!;
  const tokens = earlier.analysis.tokens;
  if (tokens[at]?.pos !== 'NOUN') return false;
  // The run of nouns and names around it holds a name of the question.
  let a = at;
  while (a > 0 && NOUN_RUN.has(tokens[a - 1]!.pos)) a--;
  let b = at;
  while (b + 1 < tokens.length && NOUN_RUN.has(tokens[b + 1]!.pos)) b++;
  return q.terms.some(
    (t, j) => t.proper && r.matches[j] === 1 && r.anchors[j]! >= a && r.anchors[j]! <= b,
  );
}
const NOUN_RUN: ReadonlySet<string> = new Set(['NOUN', 'PROPN']);

/** Question terms of the previous turn join a follow-up's, weighted down ("and Japan?"). */
function inherit(q: ReadQuestion, previous: ReadQuestion): void {
  const have = new Set(q.terms.map((t) => t.stem));
  for (const t of previous.terms)
    if (!have.has(t.stem)) q.terms.push({ ...t, weight: t.weight * 0.4 });
  if (q.askedFor === 'open' || q.askedFor === 'thing') {
    q.askedFor = previous.askedFor;
    q.focus = previous.focus;
  }
}

/** Names and numbers of the question found in no passage (title, outlet and date included). */
function missingNames(q: ReadQuestion, passages: Passage[]): string[] {
  const words = new Set<string>();
  const folded: string[] = [];
  for (const p of passages) {
    const text = `${articleMetaText(p)}\n${p.chunk.text}`;
    folded.push(text.toLowerCase());
    for (const t of tokenize(text)) words.add(t.word);
  }
  const years = yearsIn(words);
  const known = (name: string): boolean => {
    const lower = name.toLowerCase();
    if (folded.some((f) => f.includes(lower))) return true;
    // "The 1780s" are mentioned by "1788".
    const periods = periodsIn(name);
    if (periods.length > 0 && years.some((y) => periods.some((p) => y >= p.from && y <= p.to)))
      return true;
    const parts = tokenize(name).filter((t) => !STOPWORDS.has(t.word));
    return (
      parts.length > 0 &&
      parts.every(
        (t) =>
          words.has(t.word) ||
          [...placeForms(t.word)].some((f) => words.has(f)) ||
          rootNamesOf(t.word).some((f) => words.has(f)) ||
          (t.word.length >= 4 && [...words].some((w) => nearSpelling(t.word, w))),
      )
    );
  };
  return [...new Set(q.named.filter((n) => !known(n)))];
}

function emptyFeatures(): RefusalFeatures {
  return Object.fromEntries(REFUSAL_FEATURES.map((f) => [f, 0])) as RefusalFeatures;
}

/** The evidence for and against the best sentence answering, as the refusal model's inputs. */
function featuresOf(
  q: ReadQuestion,
  best: Unit,
  missingAnywhere: number,
  named: number,
): RefusalFeatures {
  const r = best.reading;
  const total = q.terms.reduce((s, t) => s + t.weight, 0) || 1;
  const heaviestMissing = Math.max(
    0,
    ...q.terms.map((t, i) => (r.matches[i]! < 0.5 ? t.weight / total : 0)),
  );
  return {
    coverage: best.headedCoverage,
    contextCoverage: best.contextCoverage,
    heaviestMissing,
    missingNamedInSentence: named > 0 ? Math.min(1, r.missingNamed / named) : 0,
    missingNamedAnywhere: named > 0 ? missingAnywhere / named : 0,
    missingNumber: r.missingNumbers > 0 ? 1 : 0,
    // For a yes/no question a flipped negation or an opposite word is the answer ("No"), not
    // evidence that the sentence is about something else.
    negationMismatch: r.negationMismatch && q.askedFor !== 'yesno' ? 1 : 0,
    antonym: r.antonym && q.askedFor !== 'yesno' ? 1 : 0,
    // A swapped modifier is a swapped role in a noun phrase: the same evidence, one weight.
    roleSwap: r.roleSwap || r.modifierSwap ? 1 : 0,
    otherSubject: r.otherSubject !== undefined ? 1 : 0,
    numberElsewhere: r.numberElsewhere ? 1 : 0,
    kindMissing: STRICT_KINDS.has(q.askedFor) && (r.short?.kindFit ?? 0) < STRICT_KIND_FIT ? 1 : 0,
    // A span of the asked-for thing (a name, a date…); a stated reason is not one.
    shortFound: r.short && q.askedFor !== 'reason' ? 1 : 0,
    yesno: q.askedFor === 'yesno' ? 1 : 0,
  };
}

/** What the refusal says is missing. */
function reasonFor(q: ReadQuestion, best: Unit): string | undefined {
  const r = best.reading;
  if (STRICT_KINDS.has(q.askedFor) && (r.short?.kindFit ?? 0) < STRICT_KIND_FIT)
    return kindMissingReason(q);
  if (q.named.length > 0 && r.missingNamed > 0)
    return `its closest sentence does not mention ${r.absentNames.slice(0, 3).join(', ')}`;
  if (r.periodClash && q.askedFor !== 'yesno')
    return `its closest sentence dates it to ${r.periodClash.said}, not ${r.periodClash.asked}`;
  if (r.swapped) return `it mentions ${r.swapped}, but not in the part the question gives`;
  if (r.otherSubject) return `its closest sentence says that of ${r.otherSubject}`;
  if (r.modifierSwap)
    return `its closest sentence says that of “${r.modifierSwap.said}”, not “${r.modifierSwap.asked}”`;
  if (r.numberElsewhere) return 'its closest sentence ties that number to something else';
  if (r.opposite && q.askedFor !== 'yesno')
    return `its closest sentence says “${r.opposite.said}”, not “${r.opposite.asked}”`;
  if (r.negationMismatch && q.askedFor !== 'yesno')
    return q.negated
      ? 'its closest sentence says the opposite (it has no “not”)'
      : 'its closest sentence says the opposite (with a “not”)';
  const unmatched = q.terms
    .filter((t, i) => r.matches[i]! === 0 && !t.common)
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 2)
    // As the question writes it ("Trump", not the folded "trump").
    .map((t) => `“${q.analysis.tokens.find((k) => k.word === t.word)?.text ?? t.word}”`);
  if (unmatched.length > 0) return `its closest sentence says nothing of ${unmatched.join(' or ')}`;
  return undefined;
}

/** The refusal for a question whose kind of answer (a date, a number…) no sentence holds. */
function kindMissingReason(q: ReadQuestion): string {
  return `no sentence in it gives ${KIND_WORDS[q.askedFor] ?? 'that'} for this`;
}

const KIND_WORDS: Partial<Record<string, string>> = {
  time: 'a time or date',
  number: 'a number',
  duration: 'a duration',
  person: 'a name',
  name: 'a name',
  place: 'a place',
};

/** The answer text: the short span or Yes/No first, then the supporting sentence(s), cited. */
function compose(
  q: ReadQuestion,
  units: Unit[],
): { answer: string; short: string | null; citations: Citation[] } {
  const cited = composeCited(
    units.map((u) => {
      const piece = answeringPart(q, u);
      return {
        passage: u.passage,
        spans: [piece.span],
        text: `${piece.cutBefore ? '… ' : ''}${piece.text}${piece.cutAfter ? ' …' : ''}`,
      };
    }),
  );
  let short: string | null = null;
  if (units.length === 1) {
    const r = units[0]!.reading;
    if (q.askedFor === 'yesno') {
      const flipped = r.negationMismatch || r.antonym;
      short = flipped ? 'No' : 'Yes';
    } else if (r.short) {
      short = r.short.text;
    }
  }
  return {
    answer: short ? `${short}. ${cited.answer}` : cited.answer,
    short,
    citations: cited.citations,
  };
}

/**
 * The part of a long sentence that answers: the clauses (between commas, semicolons, colons,
 * dashes and brackets) holding the short answer and the words the question shares with it. A
 * sentence of up to LONG_SENTENCE words is quoted whole, and so is one whose answering part
 * would not be much shorter; the part is still a verbatim slice of the article.
 */
function answeringPart(
  q: ReadQuestion,
  u: Unit,
): { span: Span; text: string; cutBefore: boolean; cutAfter: boolean } {
  const whole = { span: u.span, text: u.text, cutBefore: false, cutAfter: false };
  const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;
  if (q.askedFor === 'yesno' || words(u.text) <= LONG_SENTENCE) return whole;
  const tokens = u.tokens;
  const keep = u.reading.anchors.filter((a, i) => a >= 0 && u.reading.matches[i]! >= 0.5);
  const short = u.reading.short;
  if (short)
    tokens.forEach((t, i) => {
      if (t.start >= short.start && t.end <= short.end) keep.push(i);
    });
  if (keep.length === 0) return whole;
  let first = Math.min(...keep);
  let last = Math.max(...keep);
  while (first > 0 && !CLAUSE_MARKS.has(tokens[first - 1]!.text)) first--;
  while (last + 1 < tokens.length && !CLAUSE_MARKS.has(tokens[last + 1]!.text)) last++;
  // The sentence's own closing mark stays with it.
  if (last + 2 === tokens.length && tokens[last + 1]!.pos === 'PUNCT') last++;
  const start = tokens[first]!.start;
  const end = tokens[last]!.end;
  const text = u.text.slice(start, end);
  if (words(text) > CUT_SHARE * words(u.text) || words(text) < 6) return whole;
  return {
    span: { start: u.span.start + start, end: u.span.start + end },
    text,
    cutBefore: first > 0,
    cutAfter: last < tokens.length - 1,
  };
}
/** Sentences longer than this many words are cut to the part that answers. */
const LONG_SENTENCE = 40;
/** A cut is made only when the part keeps at most this share of the sentence's words. */
const CUT_SHARE = 0.75;
const CLAUSE_MARKS: ReadonlySet<string> = new Set([',', ';', ':', '(', ')', '—', '–']);

/** Match of a name (or a noun of its phrase) the sentence refers back to with a pronoun or "the <noun>". */
const REFERRED = 0.9;
const REFERRING_PRONOUNS: ReadonlySet<string> = new Set([
  'he',
  'she',
  'it',
  'they',
  'him',
  'her',
  'them',
  'his',
  'its',
  'their',
]);
/**
 * How a sentence points back to something named before it: a third-person pronoun (`pronoun`),
 * or an opening "The/This <noun>" (`opener`: "The academy…" after "Tugh's academy").
 * `phrase`: it stands for a whole noun phrase, by a subject or object pronoun ("*It* opened",
 * "designed *it*") or by the opening noun; a possessive ("Beijing considers Taiwan part of *its*
 * territory") mostly points to a name of its own sentence.
 */
function referenceOf(tokens: readonly NlpToken[]): {
  pronoun: boolean;
  opener: boolean;
  phrase: boolean;
} {
  const pronouns = tokens.filter((t) => t.pos === 'PRON');
  const opener =
    ['the', 'this', 'these'].includes(tokens[0]?.word ?? '') && tokens[1]?.pos === 'NOUN';
  return {
    pronoun: pronouns.some((t) => REFERRING_PRONOUNS.has(t.word)),
    opener,
    phrase: opener || pronouns.some((t) => PHRASE_PRONOUNS.has(t.word)),
  };
}
const PHRASE_PRONOUNS: ReadonlySet<string> = new Set(['it', 'they', 'them']);

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
