/**
 * Reading one sentence against a read question (./question.ts): how much of the question it
 * supports, the short span that answers it (./spans.ts), and the evidence that it does *not*
 * answer it (a name or number it lacks, a flipped negation, an opposite word, a name in another
 * role: ./roles.ts).
 *
 * Everything here is general English: parts of speech, lemmas, negation and entities come from
 * the NLP model (src/rag/nlp/english.ts), word rarity from the frequency-ordered vocabulary of the
 * word vectors, opposites and related words from WordNet, place names from a gazetteer.
 */
import type { WordVectors } from '../embeddings/wordvectors.js';
import {
  isContent,
  numberValue,
  properNounRuns,
  type Analysis,
  type NlpToken,
} from '../nlp/english.js';
import { placeForms, placeRelation } from '../nlp/gazetteer.js';
import { antonymsOf, nounClassOf, rootNamesOf } from '../nlp/wordnet.js';
import { ABBREVIATION, COMMON_RANK, type QuestionTerm, type ReadQuestion } from './question.js';
import { nearSpelling } from './spelling.js';
import { shortSpan, type ShortSpan } from './spans.js';
import {
  numberElsewhere,
  otherSubjectOf,
  swappedModifier,
  swappedRole,
  type ModifierSwap,
} from './roles.js';
import { BEFORE_CHRIST, EXACT_YEAR, periodsIn, yearsIn, type Period } from './periods.js';

/** How one question term is matched by a sentence token: 1 same lemma, less for neighbours. */
export function termMatch(
  term: QuestionTerm,
  token: NlpToken,
  vectors?: WordVectors | null,
): number {
  if (token.stem === term.stem || token.lemma === term.lemma || token.word === term.word) return 1;
  const value = numberValue(term.word);
  if (value !== undefined && value === numberValue(token.word)) return 1; // "3rd" and "third"
  if (term.numeric || /^\d/.test(token.word)) return 0;
  if (term.proper || token.pos === 'PROPN') {
    const related = placeRelation(term.word, token.word);
    if (related > 0) return 0.9 * related;
    if (nearSpelling(term.word, token.word)) return 0.85;
    // "Scottish" for "Scotland": the question term's related words are its root names.
    if (token.word.length >= MIN_ROOT_NAME && term.related.has(token.word)) return RELATED;
  }
  if (term.proper) return 0;
  if (term.related.has(token.lemma) || term.related.has(token.word)) return RELATED;
  // "Who *reported* it?" against "…, *according to* the agency" or "the agency *said*": one
  // way of attributing words stands for another.
  if (ATTRIBUTION.has(term.lemma) && (ATTRIBUTION.has(token.lemma) || token.word === 'according'))
    return RELATED;
  if (!vectors) return 0;
  // Word vectors place very common words near each other ("take" ~ "mark", "day" ~ "year"):
  // only words past the most frequent few hundred may stand in for one another.
  if (term.common || (vectors.rank(token.lemma) ?? Infinity) < COMMON_RANK) return 0;
  const sim = vectors.similarity(term.lemma, token.lemma);
  if (sim !== undefined && sim >= SIMILAR) return Math.min(0.8, sim);
  return 0;
}
/** Verbs that attribute words to a speaker or a source. */
const ATTRIBUTION: ReadonlySet<string> = new Set([
  'say',
  'report',
  'state',
  'tell',
  'announce',
  'quote',
]);
/** Match of an abbreviation to the name whose initials spell it. */
const ABBREVIATED = 0.9;
/** Match of a WordNet synonym or derivation: strong, but below the word itself. */
const RELATED = 0.8;
/** Similarity of word vectors above which two words count as a paraphrase. */
const SIMILAR = 0.72;
export interface SentenceReading {
  /** Per question term, its best match in the sentence (0..1). */
  matches: number[];
  /** Per question term, the token index that matched it best (-1 when none). */
  anchors: number[];
  coverage: number;
  /** The short span answering the question, when one of the asked-for kind is found. */
  short?: ShortSpan;
  /** Evidence against: features for the refusal model. */
  negationMismatch: boolean;
  antonym: boolean;
  missingNamed: number;
  /** The question's names and numbers the sentence does not give, as the question writes them. */
  absentNames: string[];
  /** Numbers of the question the sentence lacks ("in 1765" against "in 1756"). */
  missingNumbers: number;
  /**
   * A name the question makes the doer of its verb is, in the sentence, on the other side of the
   * same verb, or the other way round ("When did Harold conquer England?" against "William
   * conquered England, killing Harold").
   */
  roleSwap: boolean;
  /** The name whose role is swapped, as the sentence writes it (for the refusal's wording). */
  swapped?: string;
  /**
   * The sentence gives the question's verb another named subject: "When did Richard flee?"
   * against "Ethelred fled to Normandy"; as the sentence writes that subject. For a question
   * naming no doer, another named object ("Who made Robert earl?" against "made Ralph earl").
   */
  otherSubject?: string;
  /**
   * A number of the question that the sentence ties to another verb: "What condenses at 54 K?"
   * against "it condenses at 90 K and freezes at 54 K".
   */
  numberElsewhere: boolean;
  /** The question's word and the sentence's opposite of it ("rise", "fell"). */
  opposite?: { asked: string; said: string };
  /**
   * The question dates its event to a period that none of the sentence's years falls in: "in
   * the 19th century" against "in 1788". The period as the question writes it, and a year.
   */
  periodClash?: { asked: string; said: string };
  /**
   * The short answer stands where the question gave its own modifier: "What is a trade magazine
   * for *design* industry?" against "a trade magazine for the *construction* industry". The
   * phrase as the sentence writes it, and as the question does.
   */
  modifierSwap?: ModifierSwap;
}
/** Weighted share of the question's terms that `matches` covers. */
export function coverageOf(terms: readonly QuestionTerm[], matches: readonly number[]): number {
  let got = 0;
  let total = 0;
  terms.forEach((t, i) => {
    total += t.weight;
    got += t.weight * matches[i]!;
  });
  return total > 0 ? got / total : 0;
}
/** Reads one analysed sentence (offsets relative to `text`) against the question. */
export function readSentence(
  q: ReadQuestion,
  text: string,
  analysis: Analysis,
  vectors?: WordVectors | null,
): SentenceReading {
  const tokens = analysis.tokens;
  const matches = q.terms.map(() => 0);
  const anchors = q.terms.map(() => -1);
  const ties = q.terms.map((): number[] => []);
  q.terms.forEach((term, i) => {
    tokens.forEach((tok, j) => {
      if (!isContent(tok) && tok.pos !== 'NUM') return;
      const m = termMatch(term, tok, vectors);
      if (m > matches[i]!) {
        matches[i] = m;
        anchors[i] = j;
        ties[i] = [j];
      } else if (m > 0 && m === matches[i]) ties[i]!.push(j);
    });
  });
  // A word written more than once stands where the question's other words are: the "II" of
  // "Harold II" is the one beside "Harold", not the one of "William II".
  ties.forEach((at, i) => {
    if (at.length < 2) return;
    const others = anchors.filter((a, k) => k !== i && a >= 0);
    if (others.length === 0) return;
    const gap = (j: number): number => Math.min(...others.map((a) => Math.abs(a - j)));
    anchors[i] = at.reduce((best, j) => (gap(j) < gap(best) ? j : best));
  });
  // "SP" for "Scottish Parliament": an abbreviation of the question spelled by a name's initials.
  const initials = new Map<string, number>();
  const abbreviates = q.terms.some((t) => t.capitals) || q.named.some((n) => ABBREVIATION.test(n));
  for (const [a, b] of abbreviates ? properNounRuns(tokens) : []) {
    const words = tokens.slice(a, b + 1).filter((t) => /^\p{Lu}/u.test(t.text));
    if (words.length >= 2) initials.set(words.map((t) => t.word[0]).join(''), b);
  }
  q.terms.forEach((term, i) => {
    const at = term.capitals ? initials.get(term.word) : undefined;
    if (at !== undefined && matches[i]! < ABBREVIATED) {
      matches[i] = ABBREVIATED;
      anchors[i] = at;
    }
  });
  // "In the 18th century" against "in 1788": the year stands for the period's words.
  const periods = readPeriods(q.periods, text, tokens);
  const dated = periods.held;
  if (dated) {
    const words = new Set(dated.period.text.toLowerCase().split(/[\s-]+/));
    q.terms.forEach((t, i) => {
      if (!words.has(t.word) && !words.has(t.lemma)) return;
      matches[i] = 1;
      anchors[i] = dated.at;
    });
  }
  const folded = text.toLowerCase();
  const absent = q.named.filter(
    (n) =>
      !namedIn(n, folded, tokens) &&
      !(ABBREVIATION.test(n) && initials.has(n.toLowerCase())) &&
      // "1780s" is named by "1788".
      !(dated && dated.period.text.toLowerCase() === n),
  );
  const missingNamed = absent.length;
  const missingNumbers = absent.filter((n) => /\d/.test(n)).length;
  // The sentence says the opposite when the question is negated and the sentence's matching
  // words are not, or the other way round.
  // Negation counts where it scopes over the words the question matched ("did *not confirm*"),
  // not anywhere in the sentence ("confirmed the call but did not give details").
  const sentenceNegated = anchors.some((a) => a >= 0 && tokens[a]!.negated);
  const negationMismatch = q.negated !== sentenceNegated;
  let opposite: SentenceReading['opposite'];
  q.terms.forEach((t, i) => {
    if (opposite || matches[i]! >= 1 || t.howWord) return;
    const said = tokens.find(
      (tok) =>
        OPPOSABLE.has(tok.pos) &&
        !isRelation(tok) &&
        // "lower" read as the adjective "low" is also the verb "lower", opposite of "raise".
        (antonymsOf(t.lemma).includes(tok.lemma) ||
          (t.word !== t.lemma && antonymsOf(t.word).includes(tok.lemma))),
    );
    if (!said) return;
    opposite = { asked: t.word, said: said.text };
    // "Was the bridge *open*?" against "the bridge was *closed*": the sentence speaks to that
    // word, and its opposite settles the question (No).
    if (q.askedFor === 'yesno') matches[i] = Math.max(matches[i]!, RELATED);
  });
  opposite ??= oppositeDirection(q, tokens, anchors);
  const antonym = opposite !== undefined;
  const short = shortSpan(q, text, analysis, anchors, matches);
  // "What *year* did…": the focus noun describes the answer, and a span of its kind stands for it.
  // (Not a number for "what *population*": any number is of the kind, few are of that quantity.)
  if (short && q.focus && q.askedFor !== 'number')
    q.terms.forEach((t, i) => {
      if (t.lemma === q.focus) matches[i] = Math.max(matches[i]!, Math.min(1, short.kindFit));
    });
  const coverage = coverageOf(q.terms, matches);
  const swapped = swappedRole(q, tokens);
  const otherSubject = otherSubjectOf(q, text, tokens);
  const modifierSwap = short ? swappedModifier(q, text, tokens, short) : undefined;
  return {
    modifierSwap,
    periodClash: periods.clash,
    numberElsewhere: numberElsewhere(q, tokens),
    otherSubject,
    roleSwap: swapped !== undefined,
    swapped,
    opposite,
    matches,
    anchors,
    coverage,
    short,
    negationMismatch,
    antonym,
    missingNamed,
    absentNames: absent,
    missingNumbers,
  };
}
/**
 * The question's periods (`ReadQuestion.periods`) against the sentence's years: the period one of
 * them falls in and that year's token (`held`), or, when the sentence has years and none falls
 * in any period nor names one of them, the clash (see `SentenceReading.periodClash`).
 */
function readPeriods(
  asked: readonly Period[],
  text: string,
  tokens: readonly NlpToken[],
): { held?: { period: Period; at: number }; clash?: SentenceReading['periodClash'] } {
  if (asked.length === 0 || BEFORE_CHRIST.test(text)) return {};
  for (let at = 0; at < tokens.length; at++) {
    const year = EXACT_YEAR.test(tokens[at]!.word) ? Number(tokens[at]!.word) : NaN;
    const period = asked.find((a) => year >= a.from && year <= a.to);
    if (period) return { held: { period, at } };
  }
  const named = periodsIn(text);
  if (named.some((p) => asked.some((a) => a.from === p.from && a.to === p.to))) return {};
  const years = [...yearsIn(tokens.map((t) => t.word)), ...named.map((p) => p.from)];
  if (years.length === 0) return {};
  if (years.some((y) => asked.some((a) => y >= a.from && y <= a.to))) return {};
  return { clash: { asked: asked[0]!.text, said: String(years[0]) } };
}
/**
 * "Who fled *from* southern Italy?" against "fled *to* southern Italy": a word of the question
 * that the sentence has behind the opposite preposition of direction or time.
 */
function oppositeDirection(
  q: ReadQuestion,
  tokens: readonly NlpToken[],
  anchors: readonly number[],
): SentenceReading['opposite'] {
  const asked = q.analysis.tokens;
  for (let k = 0; k < asked.length; k++) {
    const opposite = OPPOSITE_PREPOSITIONS.get(asked[k]!.word);
    if (!opposite) continue;
    const object = objectAfter(asked, k);
    const term = object < 0 ? -1 : q.terms.findIndex((t) => t.lemma === asked[object]!.lemma);
    const at = term < 0 ? -1 : anchors[term]!;
    if (at < 0) continue;
    const before = phrasePreposition(tokens, at);
    if (before >= 0 && tokens[before]!.word === opposite)
      return { asked: asked[k]!.text, said: tokens[before]!.text };
  }
  return undefined;
}
/** The first noun or name after the preposition at `at`, past its modifiers; -1 if none. */
function objectAfter(tokens: readonly NlpToken[], at: number): number {
  for (let i = at + 1; i < tokens.length && i <= at + 1 + NOUN_PHRASE_REACH; i++) {
    const t = tokens[i]!;
    if (t.pos === 'NOUN' || t.pos === 'PROPN') return i;
    if (!MODIFIER_POS.has(t.pos)) return -1;
  }
  return -1;
}
/** The preposition right before the noun phrase holding the word at `at`; -1 if none. */
function phrasePreposition(tokens: readonly NlpToken[], at: number): number {
  for (let i = at - 1; i >= 0 && i >= at - 1 - NOUN_PHRASE_REACH; i--) {
    const t = tokens[i]!;
    if (t.pos === 'ADP') return i;
    if (!MODIFIER_POS.has(t.pos) && t.pos !== 'NOUN') return -1;
  }
  return -1;
}
const MODIFIER_POS: ReadonlySet<string> = new Set(['DET', 'ADJ', 'NUM', 'PROPN']);
/** Words between a preposition and the word of its phrase that the question shares. */
const NOUN_PHRASE_REACH = 3;
const OPPOSITE_PREPOSITIONS: ReadonlyMap<string, string> = new Map([
  ['from', 'to'],
  ['to', 'from'],
  ['into', 'from'],
  ['before', 'after'],
  ['after', 'before'],
  ['above', 'below'],
  ['below', 'above'],
  ['inside', 'outside'],
  ['outside', 'inside'],
  ['with', 'without'],
  ['without', 'with'],
]);
/** Parts of speech whose opposite flips a statement ("rose"/"fell", "strong"/"weak"). */
const OPPOSABLE: ReadonlySet<string> = new Set(['ADJ', 'ADV', 'VERB', 'NOUN']);
/**
 * A noun for a person names a relation, not a claim: "Edgar's *sister* Margaret" says who
 * Margaret's brother is rather than contradicting "brother".
 */
function isRelation(t: NlpToken): boolean {
  return t.pos === 'NOUN' && nounClassOf(t.lemma) === 'person';
}
/** Shortest sentence word that may be a root name of a question's name (see `rootNamesOf`). */
const MIN_ROOT_NAME = 4;
/** Whether a name or number of the question appears in the sentence (spelling-tolerant). */
function namedIn(name: string, foldedText: string, tokens: readonly NlpToken[]): boolean {
  const n = name.toLowerCase();
  if (foldedText.includes(n)) return true;
  const parts = n.split(/\s+/).filter((p) => p.length > 2);
  return (
    parts.length > 0 &&
    parts.every((p) => {
      const forms = placeForms(p);
      const roots = rootNamesOf(p);
      const value = numberValue(p);
      return tokens.some(
        (t) =>
          t.word === p ||
          forms.has(t.word) ||
          nearSpelling(p, t.word) ||
          (t.word.length >= MIN_ROOT_NAME && roots.includes(t.word)) ||
          (value !== undefined && numberValue(t.word) === value),
      );
    })
  );
}
