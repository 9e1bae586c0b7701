/**
 * Reading one sentence against a read question (./question.ts): how much of the question it
 * supports, the short span that answers it, and the evidence that it does *not* answer it (a
 * name or number it lacks, a flipped negation, an opposite word, a name in another role).
 *
 * Everything here is general English: parts of speech, lemmas, negation and entities come from
 * the NLP model (src/rag/nlp/english.ts), word rarity from the frequency-ordered vocabulary of the
 * word vectors, opposites and related words from WordNet, place names from a gazetteer.
 */
import type { WordVectors } from '../embeddings/wordvectors.js';
import {
  glued,
  isContent,
  numberValue,
  properNounRuns,
  type Analysis,
  type NlpToken,
} from '../nlp/english.js';
import { isKnownPlace, placeForms, placeRelation } from '../nlp/gazetteer.js';
import { antonymsOf, nounClassOf, rootNamesOf } from '../nlp/wordnet.js';
import {
  afterPreposition,
  prepositionOf,
  clauseSubject,
  isAuxiliaryUse,
  isPassiveAt,
  isPossessive,
  possessivesOf,
  sharesSubject,
  modifiersBefore,
  subjectEnd,
} from './grammar.js';
import {
  ABBREVIATION,
  COMMON_RANK,
  NUMBER_NOUNS,
  PLACE_NOUNS,
  objectStart,
  type QuestionTerm,
  type ReadQuestion,
} from './question.js';
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
/** A typo or spelling variant of a name: "Zeria"/"Zeira", "Kelven"/"Kelvin". */
export function nearSpelling(a: string, b: string): boolean {
  if (a.length < 4 || b.length < 4 || a[0] !== b[0]) return false;
  // Numbers have no typos to forgive: 1765 is not 1756.
  if (/\d/.test(a) || /\d/.test(b)) return false;
  const limit = Math.max(a.length, b.length) >= 8 ? 2 : 1;
  if (Math.abs(a.length - b.length) > limit) return false;
  return damerau(a, b, limit) <= limit;
}
function damerau(a: string, b: string, limit: number): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return limit + 1;
  }
  return d[a.length]![b.length]!;
}
/** A sentence read against a question. */
export interface SentenceReading {
  /** Per question term, its best match in the sentence (0..1). */
  matches: number[];
  /** Per question term, the token index that matched it best (-1 when none). */
  anchors: number[];
  coverage: number;
  /** The short span answering the question, when one of the asked-for kind is found. */
  short?: { start: number; end: number; text: string; score: number; kindFit: number };
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
  modifierSwap?: { asked: string; said: string };
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
    if (opposite || matches[i]! >= 1) return;
    const said = tokens.find(
      (tok) =>
        OPPOSABLE.has(tok.pos) && !isRelation(tok) && antonymsOf(t.lemma).includes(tok.lemma),
    );
    if (said) opposite = { asked: t.word, said: said.text };
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
/** See `SentenceReading.roleSwap`. Only names within a few words of the sentence's verb count. */
function swappedRole(q: ReadQuestion, tokens: readonly NlpToken[]): string | undefined {
  const word = swappedRelation(q, tokens) ?? swappedDoer(q, tokens);
  return word === undefined ? undefined : nameToken(tokens, word)?.text;
}
/** The sentence's token for a name of the question: as written, else a form of it ("Normans" for "Norman", "Isaac" for "Issac"). */
function nameToken(tokens: readonly NlpToken[], word: string): NlpToken | undefined {
  return (
    tokens.find((t) => t.word === word) ??
    tokens.find((t) => t.pos === 'PROPN' && nearSpelling(word, t.word))
  );
}
/**
 * "Who was *Bohemond's son*?" against "Bohemond, *Robert's son*": the sentence gives the noun
 * another owner and never this one, though it names this one.
 */
function swappedRelation(q: ReadQuestion, tokens: readonly NlpToken[]): string | undefined {
  if (q.possessives.length === 0) return undefined;
  const stated = possessivesOf(tokens);
  return q.possessives.find(
    ({ owner, noun }) =>
      (tokens.some((t) => t.word === owner) &&
        stated.some((p) => p.noun === noun) &&
        !stated.some((p) => p.noun === noun && p.owner === owner)) ||
      namesTheNoun(tokens, owner, noun),
  )?.owner;
}
/**
 * "Who was *Tancred's nephew*?" against "Bohemond and his *nephew Tancred*": the name stands
 * beside the noun as what the noun is (an appositive), so it is the relative, not its owner.
 */
function namesTheNoun(tokens: readonly NlpToken[], owner: string, noun: string): boolean {
  return tokens.some((t, i) => {
    if (t.pos !== 'NOUN' || t.lemma !== noun) return false;
    const next = tokens[i + 1]?.text === ',' ? tokens[i + 2] : tokens[i + 1];
    return next?.pos === 'PROPN' && next.word === owner;
  });
}
/** The folded name of the question whose part in the verb the sentence gives to another. */
function swappedDoer(q: ReadQuestion, tokens: readonly NlpToken[]): string | undefined {
  if (!q.verb || q.namedRoles.length === 0) return undefined;
  const verbAt = tokens.findIndex(
    (t) =>
      (t.pos === 'VERB' || (t.pos === 'AUX' && !isAuxiliaryUse(tokens, t))) && t.lemma === q.verb,
  );
  if (verbAt < 0) return undefined;
  const passive = isPassiveAt(tokens, verbAt);
  const subject = clauseSubject(tokens, verbAt);
  return q.namedRoles.find(({ word, doer, possessor }) => {
    const token = nameToken(tokens, word);
    const at = token ? tokens.indexOf(token) : -1;
    if (at < 0 || Math.abs(at - verbAt) > ROLE_WINDOW) return false;
    const before = at < verbAt;
    // "When did Edward's son return?" against "Edward returned", and the other way round.
    if (before && !passive && subject >= 0 && at >= subject && at - subject <= 3) {
      const ownsSubject = isPossessive(tokens[at + 1]);
      if (possessor && !ownsSubject && !tokens.slice(at + 1, verbAt).some((t) => t.pos === 'PROPN'))
        return true;
      if (doer && ownsSubject) return true;
    }
    if (possessor) return false;
    // Before the verb, a name is its doer only as the clause's subject ("*Harold*'s army
    // conquered" is not Harold conquering); after it, only as a passive's "by" agent.
    const sentenceDoer = passive
      ? !before && tokens[at - 1]?.word === 'by'
      : before && subject >= 0 && at >= subject && at - subject <= 3;
    if (!before && !passive && doer) return true; // the question's doer is the sentence's object
    if (before && !passive && !doer && sentenceDoer) return true; // and the other way round
    return passive && doer !== sentenceDoer && (sentenceDoer || doer);
  })?.word;
}
/** See `SentenceReading.modifierSwap`. */
function swappedModifier(
  q: ReadQuestion,
  text: string,
  tokens: readonly NlpToken[],
  short: { start: number; end: number },
): SentenceReading['modifierSwap'] {
  const inShort = (t: NlpToken): boolean => t.start >= short.start && t.end <= short.end;
  for (const { noun, modifiers, written } of q.restricted) {
    for (let k = 1; k < tokens.length; k++) {
      if (tokens[k]!.lemma !== noun || !inShort(tokens[k - 1]!)) continue;
      // The sentence's own modifiers of that noun; the question's may be among them ("the
      // *weekly fishing* trade" for the question's "fishing trade"); the word before it always counts.
      const said = tokens.slice(modifiersBefore(tokens, k - 1), k);
      if (said.some((t) => modifiers.includes(t.lemma))) continue;
      return {
        said: text.slice(said[0]!.start, tokens[k]!.end),
        asked: written,
      };
    }
  }
  return undefined;
}
/** See `SentenceReading.otherSubject`: each active copy of the verb has a named subject that is not the question's. */
function otherSubjectOf(
  q: ReadQuestion,
  text: string,
  tokens: readonly NlpToken[],
): string | undefined {
  // The doer the question names: its active subject, or the "by" agent of its passive verb.
  const asked = q.namedRoles.find((r) => (r.subject || r.agent) && r.words.length > 0);
  if (!q.verb) return undefined;
  if (!asked) return otherObjectOf(q, text, tokens);
  const names = (t: NlpToken): boolean => writesName(asked.words, t);
  let other: string | undefined;
  for (let at = 0; at < tokens.length; at++) {
    const t = tokens[at]!;
    if (!isQuestionVerb(q, t) || isPassiveAt(tokens, at)) continue;
    const first = clauseSubject(tokens, at);
    if (first < 0) return undefined;
    // Everything from the subject to the verb: "developers Billings & Meyering acquired"; for a
    // verb that shares an earlier verb's subject ("He appointed Robert … *and made* Ralph earl"),
    // the subject's phrase alone.
    const phrase =
      first < at && sharesSubject(tokens, at)
        ? tokens.slice(first, subjectEnd(tokens, first) + 1)
        : tokens.slice(first, at);
    if (phrase.some(names)) return undefined;
    if (!phrase.some((p) => p.pos === 'PROPN')) return undefined; // "he", "the army": unknown
    // Quoted back without the helper verb it ends on ("Alexander I *had*").
    let last = phrase.length - 1;
    while (last > 0 && ['AUX', 'ADV', 'PART'].includes(phrase[last]!.pos)) last--;
    other ??= text.slice(phrase[0]!.start, phrase[last]!.end);
  }
  return other;
}
/** `t` writes one of a name's words, as written, as its place's other form, or misspelt. */
function writesName(words: readonly string[], t: NlpToken): boolean {
  return words.some((w) => w === t.word || placeRelation(w, t.word) > 0 || nearSpelling(w, t.word));
}
/**
 * "Who made *Robert* earl?" against "…and made *Ralph the Timid* earl": the sentence gives the
 * question's verb another named object; as the sentence writes it.
 */
function otherObjectOf(
  q: ReadQuestion,
  text: string,
  tokens: readonly NlpToken[],
): string | undefined {
  const asked = q.namedRoles.find((r) => r.object && r.words.length > 0);
  if (!asked) return undefined;
  const names = (t: NlpToken): boolean => writesName(asked.words, t);
  for (let at = 0; at < tokens.length; at++) {
    if (!isQuestionVerb(q, tokens[at]!) || isPassiveAt(tokens, at)) continue;
    const first = objectStart(tokens, at);
    let last = first;
    while (tokens[last]?.pos === 'PROPN') last++;
    if (first < 0 || last === first) continue;
    const run = tokens.slice(first, last);
    if (!run.some(names)) return text.slice(run[0]!.start, run[run.length - 1]!.end);
  }
  return undefined;
}
/**
 * A copy of the question's verb in the sentence: a verb of the same lemma, or a participle the
 * tagger read as an adjective ("Malcolm *married* Margaret").
 */
function isQuestionVerb(q: ReadQuestion, t: NlpToken): boolean {
  if (!q.verb) return false;
  if (t.pos === 'VERB') return t.lemma === q.verb;
  if (t.pos !== 'ADJ' || !/(ed|en)$/.test(t.word)) return false;
  const stem = q.terms.find((term) => term.lemma === q.verb)?.stem;
  return stem !== undefined && t.stem === stem;
}
/** See `SentenceReading.numberElsewhere`. */
function numberElsewhere(q: ReadQuestion, tokens: readonly NlpToken[]): boolean {
  const numbers = q.named.filter((n) => /^\d[\d.,]*$/.test(n));
  if (!q.verb || numbers.length === 0) return false;
  if (!tokens.some((t) => isQuestionVerb(q, t))) return false;
  return numbers.some((n) => {
    const copies = tokens.flatMap((t, i) => (t.word === n ? [i] : []));
    return (
      copies.length > 0 &&
      copies.every((at) => {
        let v = at - 1;
        while (v >= 0 && tokens[v]!.pos !== 'VERB' && !isQuestionVerb(q, tokens[v]!)) v--;
        return v >= 0 && !isQuestionVerb(q, tokens[v]!);
      })
    );
  });
}
/** How far (in tokens) from the verb a name may be and still be read as its subject or object. */
const ROLE_WINDOW = 8;
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
interface SpanCandidate {
  first: number;
  last: number;
  kindFit: number;
  /** A run of proper nouns: what is left of it after trimming must still be written as a name. */
  name?: boolean;
}
/** Candidate answer spans of the asked-for kind, scored by fit and closeness to the question's words. */
function shortSpan(
  q: ReadQuestion,
  text: string,
  analysis: Analysis,
  anchors: readonly number[],
  matches: readonly number[],
): SentenceReading['short'] {
  if (q.askedFor === 'yesno' || q.askedFor === 'manner' || q.askedFor === 'open') return undefined;
  const tokens = analysis.tokens;
  const verbAt = q.verb ? tokens.findIndex((t) => t.lemma === q.verb) : -1;
  if (q.askedFor === 'reason') return reasonSpan(q, text, tokens, verbAt);
  const candidates = spanCandidates(q, analysis);
  const anchored = anchors
    .map((a, i) => ({
      at: a,
      weight: q.terms[i]!.weight * matches[i]!,
      same: matches[i]! >= SAME_WORD && !otherPlaceForm(q.terms[i]!, tokens[a]),
    }))
    .filter((x) => x.at >= 0 && x.weight > 0);
  const totalWeight = anchored.reduce((s, x) => s + x.weight, 0) || 1;
  let best: (SpanCandidate & { score: number }) | undefined;
  for (const c of candidates) {
    // Trim question words off the edges ("the Normans' leader Rollo" → "Rollo").
    let { first, last } = c;
    // A piece written against its neighbour ("2A", "Anglo-Saxons") stays with it.
    while (
      first <= last &&
      !glued(tokens, first + 1) &&
      (isQuestionWord(q, tokens[first]!) || !isSpanWord(tokens[first]!))
    )
      first++;
    while (
      last >= first &&
      !(last > first && glued(tokens, last)) &&
      (isQuestionWord(q, tokens[last]!) || !isSpanEnd(tokens[last]!))
    )
      last--;
    if (first > last) continue;
    // "What force…" → "net *force*", "which directive…" → "the Unfair Commercial Practices
    // *Directive*": the focus noun the span modifies belongs to the answer, unless the question
    // asks only for a kind of it ("what kind of arches" → "rounded") or a name stands before it
    // as a common noun ("the Vega 3B rocket" → "Vega 3B").
    const focusAfter = last < c.last ? tokens[last + 1]! : undefined;
    const keepsFocus =
      focusAfter !== undefined &&
      focusAfter.lemma === q.focus &&
      q.askedFor === 'thing' &&
      !q.asksKind &&
      (!NAME_POS.has(tokens[last]!.pos) || /^\p{Lu}/u.test(focusAfter.text));
    if (keepsFocus) last++;
    // "Japan's *new* Prime Minister" less the question's words is no name.
    if (c.name && !tokens.slice(first, last + 1).some((t) => /^[\p{Lu}\p{N}]/u.test(t.text)))
      continue;
    // Nor is "King" of "King Edmund II" once the question's "Edmund II" is off: a title alone.
    if (
      c.name &&
      (first !== c.first || last !== c.last) &&
      tokens.slice(first, last + 1).every((t) => nounClassOf(t.lemma) === 'person')
    )
      continue;
    // The question's own word is no answer; another form of it may be ("Ireland" → "Irish").
    if (anchored.some((x) => x.same && x.at >= first && x.at <= (keepsFocus ? last - 1 : last)))
      continue;
    // Nor is it written in two ("work load" for the question's "workload").
    const joined = tokens
      .slice(first, last + 1)
      .map((t) => t.word)
      .join('');
    if (last > first && q.terms.some((t) => t.word === joined)) continue;
    const focus = focusFit(q, tokens, first, last);
    // "Many" left of "many rivers": a modifier alone answers only "what type of <focus>".
    if (focus === 0 && !tokens.slice(first, last + 1).some((t) => HEAD_POS.has(t.pos))) continue;
    // Closeness to the words the question shares with the sentence, heavier words counting more.
    let closeness = 0;
    for (const x of anchored) {
      const d = x.at < first ? first - x.at : x.at - last;
      closeness += (x.weight / totalWeight) * Math.exp(-(d - 1) / 4);
    }
    const trimmed = first !== c.first || last !== c.last ? 0.1 : 0;
    const stranded = followsStranded(q, tokens, first) ? STRANDED_FIT : 0;
    const score =
      c.kindFit +
      0.6 * closeness +
      focus +
      stranded +
      roleFit(q, tokens, verbAt, first, last) -
      trimmed -
      0.01 * (last - first);
    if (!best || score > best.score) best = { first, last, kindFit: c.kindFit, score };
  }
  if (!best) return undefined;
  const start = tokens[best.first]!.start;
  const end = tokens[best.last]!.end;
  return { start, end, text: text.slice(start, end), score: best.score, kindFit: best.kindFit };
}
/** Parts of speech that end a name ("Vega *3B*", "Sant'*Eufemia*"). */
const NAME_POS: ReadonlySet<string> = new Set(['PROPN', 'NUM']);
/** "…off the *coast of* Africa" for "…off the coast of?": the span right after the same words. */
function followsStranded(q: ReadQuestion, tokens: readonly NlpToken[], first: number): boolean {
  if (!q.stranded) return false;
  const at = prepositionOf(tokens, first);
  return (
    at >= 0 &&
    tokens[at]!.word === q.stranded.preposition &&
    tokens[at - 1]?.lemma === q.stranded.after
  );
}
const STRANDED_FIT = 0.3;
/** How much better "11" of "11 of the 12" fits a count than the whole does. */
const PART_OF_WHOLE = 0.2;
/** A match this close is the question's own word: its stem, a misspelling, an abbreviation. */
const SAME_WORD = 0.85;
/** "Irish" for the question's "Ireland": another form of a place, which may be the answer. */
function otherPlaceForm(term: QuestionTerm, token: NlpToken | undefined): boolean {
  return (
    token !== undefined &&
    token.stem !== term.stem &&
    token.lemma !== term.lemma &&
    placeRelation(term.word, token.word) > 0
  );
}
/**
 * The stated cause or purpose a "why" question asks for: a clause opened by "because", "due
 * to", "in order to", "so that", "for fear of"…, or a purpose infinitive right after the
 * sentence's copy of the question's verb ("emptied before winter *to clean them*"), up to the
 * next comma. A clause that only points back ("because of this") is no answer.
 */
function reasonSpan(
  q: ReadQuestion,
  text: string,
  tokens: readonly NlpToken[],
  verbAt: number,
): SentenceReading['short'] {
  let best: { first: number; last: number; fit: number } | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const opener = CAUSE_OPENERS.find((words) => words.every((w, k) => tokens[i + k]?.word === w));
    let fit = 0;
    if (opener) fit = 1;
    else if (
      tokens[i]!.word === 'to' &&
      tokens[i]!.pos === 'PART' &&
      tokens[i + 1]?.pos === 'VERB' &&
      !isQuestionWord(q, tokens[i + 1]!) &&
      (i === 0 || (verbAt >= 0 && i > verbAt && i - verbAt <= PURPOSE_WINDOW))
    )
      fit = 0.7;
    if (fit === 0) continue;
    let last = i;
    while (
      last + 1 < tokens.length &&
      last - i < REASON_MAX_TOKENS &&
      !CLAUSE_END.has(tokens[last + 1]!.text)
    )
      last++;
    // A clause may end on a particle ("silted *up*"), not on a joining word.
    while (last > i && ['PUNCT', 'CCONJ', 'DET', 'SCONJ'].includes(tokens[last]!.pos)) last--;
    const said = tokens.slice(i + (opener?.length ?? 1), last + 1);
    if (
      !said.some(
        (t) => t.pos === 'NOUN' || t.pos === 'PROPN' || t.pos === 'VERB' || t.pos === 'ADJ',
      )
    )
      continue;
    if (!best || fit > best.fit) best = { first: i, last, fit };
  }
  if (!best) return undefined;
  const start = tokens[best.first]!.start;
  const end = tokens[best.last]!.end;
  return { start, end, text: text.slice(start, end), score: best.fit, kindFit: best.fit };
}
/** Words that open a stated cause or purpose. */
const CAUSE_OPENERS: readonly (readonly string[])[] = [
  ['because'],
  ['due', 'to'],
  ['owing', 'to'],
  ['thanks', 'to'],
  ['in', 'order', 'to'],
  ['so', 'as', 'to'],
  ['so', 'that'],
  ['for', 'fear'],
  ['as', 'a', 'result', 'of'],
];
/** How many tokens after the verb a purpose infinitive may start. */
const PURPOSE_WINDOW = 6;
/** Longest stated reason kept as the short answer, in tokens. */
const REASON_MAX_TOKENS = 14;
const CLAUSE_END: ReadonlySet<string> = new Set([',', ';', ':', '.', '(', ')', '!', '?']);
/**
 * Where the span sits against the sentence's copy of the question's verb: a subject question
 * wants what comes before the verb, or after "by" in a passive ("patronised *by* Robert"); an
 * object question wants what follows the verb.
 */
function roleFit(
  q: ReadQuestion,
  tokens: readonly NlpToken[],
  verbAt: number,
  first: number,
  last: number,
): number {
  if (verbAt < 0) return 0;
  const by = tokens.findIndex((t, i) => i > verbAt && i <= verbAt + 3 && t.word === 'by');
  // "What satellite was used" against "the service used the satellite": the question's passive
  // subject is the sentence's active object.
  const activeSentence = tokens[verbAt - 1]?.lemma !== 'be' && tokens[verbAt - 2]?.lemma !== 'be';
  if (q.asksSubject && !(q.passive && activeSentence)) {
    if (by >= 0 && first > by && first <= by + 2) return 0.35;
    if (last >= verbAt) return 0;
    // The subject is the clause's first phrase outside a prepositional phrase: "Starting in
    // 1965, *Donald Davies* at the Laboratory, UK, independently developed…".
    const subject = clauseSubject(tokens, verbAt);
    if (subject >= 0) return first >= subject && first <= subjectEnd(tokens, subject) ? 0.4 : 0;
    return verbAt - last <= 6 && !afterPreposition(tokens, first) ? 0.25 : 0;
  }
  return first > verbAt && first - verbAt <= 6 ? 0.25 : 0;
}
/**
 * How well a span fits the noun the question names: "how many *days*" wants "63 days", "what
 * *organization*" a phrase headed by an organization-like noun, and a span right beside that
 * noun ("the *river* Rhine") fits too.
 */
function focusFit(
  q: ReadQuestion,
  tokens: readonly NlpToken[],
  first: number,
  last: number,
): number {
  if (!q.focus) return 0;
  for (let i = Math.max(0, first - 1); i <= Math.min(tokens.length - 1, last + 1); i++)
    if (tokens[i]!.lemma === q.focus) return 0.3;
  // "the *outpost* of Charlesfort", "the *city* of Deabolis".
  if (tokens[first - 1]?.word === 'of' && tokens[first - 2]?.lemma === q.focus) return 0.3;
  // "9 of the 14 *towns*": the part counts the same things as the whole.
  if (
    tokens[last + 1]?.word === 'of' &&
    tokens.slice(last + 2, last + 6).some((t) => t.lemma === q.focus)
  )
    return 0.3;
  return 0;
}
function isQuestionWord(q: ReadQuestion, t: NlpToken): boolean {
  // A misspelling counts ("campaigh" is "campaign"), for words long enough to tell apart.
  return q.terms.some(
    (term) =>
      term.stem === t.stem ||
      term.lemma === t.lemma ||
      (term.word.length >= 6 && !term.numeric && nearSpelling(term.word, t.word)),
  );
}
function isSpanWord(t: NlpToken): boolean {
  return (
    t.pos !== 'PUNCT' && t.pos !== 'CCONJ' && t.pos !== 'ADP' && t.pos !== 'DET' && t.pos !== 'PRON'
  );
}
function isSpanEnd(t: NlpToken): boolean {
  return isSpanWord(t) && t.pos !== 'PART' && t.pos !== 'AUX';
}
/** A year as written in running text ("1191", "2009", "1980s"). */
const YEAR = /^(1\d{3}|20\d{2})s?$/;
/** Adjectives that, before a place name, name a part of it. */
const REGION_WORDS: ReadonlySet<string> = new Set(
  ['north', 'south', 'east', 'west', 'northeast', 'northwest', 'southeast', 'southwest']
    .flatMap((w) => [w, `${w}ern`])
    .concat(['central', 'upper', 'lower', 'inner', 'outer']),
);
/** Parts of speech that can head an answer phrase. */
const HEAD_POS: ReadonlySet<string> = new Set(['NOUN', 'PROPN', 'NUM', 'SYM']);
/** Prepositions before a name that mark it as a place ("fled *to* Normandy"). */
const PLACE_PREPOSITIONS = new Set([
  'in',
  'at',
  'to',
  'from',
  'into',
  'near',
  'across',
  'throughout',
]);
const UNIT_NOUN_POS = new Set(['NOUN']);
function spanCandidates(q: ReadQuestion, analysis: Analysis): SpanCandidate[] {
  const tokens = analysis.tokens;
  const out: SpanCandidate[] = [];
  const entity = (kinds: string[], fit: number): void => {
    for (const e of analysis.entities) {
      if (!kinds.includes(e.kind)) continue;
      // A number that ends a name ("World War Two") is part of the name, not a count.
      if (e.kind === 'CARDINAL' && tokens[e.first - 1]?.pos === 'PROPN') continue;
      // "in years" is no answer to "how long"; "six weeks" is.
      if (e.kind === 'DURATION' && !tokens.slice(e.first, e.last + 1).some((t) => t.pos === 'NUM'))
        continue;
      let last = e.last;
      // "15 kilometres", "3 million people": a count takes its unit noun.
      if (
        (e.kind === 'CARDINAL' || e.kind === 'MONEY') &&
        UNIT_NOUN_POS.has(tokens[last + 1]?.pos ?? '')
      )
        last++;
      // "48.8 °C": and a unit written as a symbol, with its scale letter.
      else if (e.kind === 'CARDINAL' && tokens[last + 1]?.pos === 'SYM') {
        last++;
        if (
          /^[A-Z]$/.test(tokens[last + 1]?.text ?? '') &&
          tokens[last + 1]!.start === tokens[last]!.end
        )
          last++;
      }
      out.push({ first: e.first, last, kindFit: fit });
    }
  };
  const dated = (a: number, b: number): boolean =>
    analysis.entities.some(
      (e) => (e.kind === 'DATE' || e.kind === 'TIME') && e.first <= b && e.last >= a,
    );
  const names = (fit: number, prefer?: (text: string) => boolean): void => {
    for (const [runStart, b] of properNounRuns(tokens)) {
      if (dated(runStart, b)) continue; // "Monday", "October" are times, not names
      // "*southern* Italy", "the *upper* Rhine": a compass word makes the name a region.
      const a =
        tokens[runStart - 1]?.pos === 'ADJ' && REGION_WORDS.has(tokens[runStart - 1]!.word)
          ? runStart - 1
          : runStart;
      const name = tokens
        .slice(a, b + 1)
        .map((t) => t.text)
        .join(' ');
      out.push({ first: a, last: b, kindFit: prefer?.(name) ? fit + 0.15 : fit, name: true });
    }
  };
  switch (q.askedFor) {
    case 'time':
      entity(['DATE', 'TIME'], 1);
      // "What year…" wants "1932" of "3 March 1932", not the whole date.
      if (q.focus === 'year') {
        const withYear = (c: SpanCandidate): boolean =>
          tokens.slice(c.first, c.last + 1).some((t) => YEAR.test(t.word));
        out.splice(0, out.length, ...out.filter((c) => !withYear(c)));
      }
      // A bare year the model took for a count ("in 1082").
      // "What year…" wants the year of "1 May 1191".
      tokens.forEach((t, i) => {
        if (YEAR.test(t.word))
          out.push({ first: i, last: i, kindFit: q.focus === 'year' ? 1.1 : 0.9 });
      });
      entity(['DURATION'], 0.6);
      entity(['CARDINAL'], 0.4);
      break;
    case 'number':
      // "How *many* tons": a count; "10%" or "$4 million" fits only "how much".
      entity(q.counts ? ['CARDINAL'] : ['CARDINAL', 'MONEY', 'PERCENT'], 1);
      if (q.counts) entity(['MONEY', 'PERCENT'], 0.3);
      // "*11* of the then 12 member states": the part is the count, not the whole.
      for (const c of out) {
        // "one of the most serious rifts" picks a member out; it counts nothing.
        if (
          c.first === c.last &&
          tokens[c.first]!.word === 'one' &&
          tokens[c.last + 1]?.word === 'of'
        )
          c.kindFit -= PART_OF_WHOLE;
        if (
          tokens[c.last + 1]?.word === 'of' &&
          tokens.slice(c.last + 2, c.last + 5).some((t) => t.pos === 'NUM')
        )
          c.kindFit += PART_OF_WHOLE;
        // "11 of the then *12*": the whole, after the first "of" of the three words before it.
        for (let i = Math.max(0, c.first - 3); i < c.first; i++) {
          if (tokens[i]!.word !== 'of') continue;
          if (tokens[i - 1]?.pos === 'NUM') c.kindFit -= PART_OF_WHOLE;
          break;
        }
      }
      entity(['DURATION'], 0.8);
      entity(['ORDINAL', 'DATE'], 0.5);
      // "How many *tons*": a count of something else ("10%") is a weak fit.
      if (q.focus && !NUMBER_NOUNS.has(q.focus))
        for (const c of out)
          if (!tokens.slice(c.first, c.last + 2).some((t) => t.lemma === q.focus))
            c.kindFit -= 0.25;
      break;
    case 'name':
      names(1);
      quoted(tokens, out, 0.95);
      break;
    case 'duration':
      entity(['DURATION'], 1);
      break;
    case 'person':
      if (q.identity) {
        // "Who is Xi?": what the sentence calls the name, not another name beside it.
        descriptions(q, tokens, out, 1.1);
        names(0.5);
        break;
      }
      names(0.9, (n) => !isKnownPlace(n));
      for (const c of out)
        if (PLACE_PREPOSITIONS.has(tokens[c.first - 1]?.word ?? '')) c.kindFit -= 0.3;
      // "the *dukes*", "low-skilled *workers*": a phrase headed by a noun for people answers too.
      nounPhrases(tokens, out, 0.4, (head) => {
        const cls = nounClassOf(head.lemma);
        return cls === 'person' || cls === 'group' ? NOUN_CLASS_FIT : undefined;
      });
      break;
    case 'place':
      names(0.9, (n) => isKnownPlace(n));
      // "in the city of *Deabolis*", "fled to *Normandy*": a name after a place preposition.
      for (const c of out) if (afterPlaceWord(tokens, c.first)) c.kindFit += 0.15;
      nounPhrases(tokens, out, 0.4, (head) =>
        nounClassOf(head.lemma) === 'location' ? NOUN_CLASS_FIT : undefined,
      );
      break;
    default: {
      // "What organization…" when the sentence never says "organization": a name is the likely
      // answer ("*Woods Hole Research Center* results showed…").
      const focusUnsaid = q.focus !== undefined && !tokens.some((t) => t.lemma === q.focus);
      // "What *organization*…", "which *tribe*…": the focus names people, a group or a place,
      // so a proper name is the likely answer and a phrase headed by another kind of noun is not.
      const focusClass = q.focus ? nounClassOf(q.focus) : undefined;
      const namedKind = focusClass !== undefined && focusClass !== 'time';
      names(
        namedKind ? 1 : focusUnsaid ? 0.95 : 0.8,
        focusClass === 'location' ? (n) => isKnownPlace(n) : undefined,
      );
      quoted(tokens, out, 0.9);
      nounPhrases(
        tokens,
        out,
        0.8,
        namedKind ? (head) => (nounClassOf(head.lemma) === focusClass ? 0.8 : 0.5) : undefined,
      );
      entity(['DATE', 'CARDINAL', 'MONEY', 'PERCENT', 'DURATION'], 0.7);
      // "What is Rankine's *nationality*?", "what *language*": one capitalized word before a
      // common noun inside the sentence ("a *Scottish* polymath", "*Irish* culture") names a
      // people or a language.
      if (q.focus && PEOPLE_NOUNS.has(q.focus))
        tokens.forEach((t, i) => {
          const proper = (t.pos === 'ADJ' || t.pos === 'PROPN') && /^\p{Lu}/u.test(t.text);
          if (i > 0 && proper && tokens[i - 1]!.pos !== 'PROPN' && tokens[i + 1]?.pos === 'NOUN')
            out.push({ first: i, last: i, kindFit: PEOPLE_FIT });
        });
    }
  }
  return out;
}
/** Above a name's fit: a person's name beside "a Scottish polymath" is not a nationality. */
const PEOPLE_FIT = 1.3;
/** Focus nouns that a people's or a language's adjective answers. */
const PEOPLE_NOUNS: ReadonlySet<string> = new Set([
  'nationality',
  'ethnicity',
  'citizenship',
  'language',
  'culture',
]);
/**
 * What a sentence calls a name of the question: the title written before it ("Chinese
 * *President* Xi Jinping", "the island's despot Isaac Komnenos", "*Japan's new prime minister*,
 * Sanae Takaichi"), an appositive after it ("Sanae Takaichi, *Japan's new prime minister*,") or
 * what "is"/"was" makes it ("Xinhua is *China's state news agency*").
 */
function descriptions(
  q: ReadQuestion,
  tokens: readonly NlpToken[],
  out: SpanCandidate[],
  fit: number,
): void {
  const modifier = (t: NlpToken | undefined): boolean =>
    t !== undefined && (DESCRIBING_POS.has(t.pos) || isPossessive(t)) && !isQuestionWord(q, t);
  for (const [a, b] of properNounRuns(tokens)) {
    let named = a;
    while (named <= b && !isQuestionWord(q, tokens[named]!)) named++;
    if (named > b) continue;
    // Before: the run's words up to the name, less the name's own other parts ("Donald" of
    // "President Donald Trump": a capitalized word that is no common noun), and the modifiers
    // before the run.
    let end = named;
    while (end > a && tokens[end - 1]!.pos === 'PROPN' && !nounClassOf(tokens[end - 1]!.lemma))
      end--;
    // "Japan's new Prime Minister, Sanae Takaichi": the title may stand before a comma.
    const stop = end === a && tokens[a - 1]?.text === ',' ? a - 1 : end;
    let first = stop;
    while (first > 0 && modifier(tokens[first - 1])) first--;
    if (
      first < stop &&
      tokens.slice(first, stop).some((t) => t.pos === 'NOUN' || t.pos === 'PROPN')
    )
      out.push({ first, last: stop - 1, kindFit: fit });
    // After: ", <phrase>," or "is <phrase>", up to the clause's end.
    const next = tokens[b + 1];
    const opens = next?.text === ',' || next?.lemma === 'be' ? b + 2 : -1;
    if (opens < 0) continue;
    let last = opens;
    while (last < tokens.length && last - opens < DESCRIPTION_MAX_TOKENS) {
      const t = tokens[last]!;
      if (CLAUSE_END.has(t.text) || t.pos === 'VERB' || t.pos === 'AUX' || t.pos === 'SCONJ') break;
      last++;
    }
    last--;
    if (last >= opens && tokens.slice(opens, last + 1).some((t) => t.pos === 'NOUN'))
      out.push({ first: opens, last, kindFit: fit });
  }
}
const DESCRIBING_POS: ReadonlySet<string> = new Set(['ADJ', 'NOUN', 'PROPN', 'NUM']);
/** Longest appositive or predicate taken as a description, in tokens. */
const DESCRIPTION_MAX_TOKENS = 10;
/**
 * A short phrase in quotation marks ("re-branded as *'Pick TV'*", "the *"It's Scotland's oil"*
 * campaign"): a title, slogan or name the text sets apart. The marks must open before a word
 * and close right after one, so an apostrophe of a possessive never opens one.
 */
function quoted(tokens: readonly NlpToken[], out: SpanCandidate[], fit: number): void {
  for (let i = 0; i < tokens.length; i++) {
    if (!QUOTES.has(tokens[i]!.text) || glued(tokens, i) || !glued(tokens, i + 1)) continue;
    for (let j = i + 2; j <= i + 1 + QUOTED_MAX_TOKENS && j < tokens.length; j++) {
      if (!QUOTES.has(tokens[j]!.text)) continue;
      if (glued(tokens, j) && tokens.slice(i + 1, j).some(isContent))
        out.push({ first: i + 1, last: j - 1, kindFit: fit });
      break;
    }
  }
}
const QUOTES: ReadonlySet<string> = new Set(['"', "'", '“', '”', '‘', '’']);
/** Longest quoted phrase taken as a name, in tokens. */
const QUOTED_MAX_TOKENS = 8;
/** A place preposition ("in", "to") or "<place noun> of" right before the phrase. */
function afterPlaceWord(tokens: readonly NlpToken[], first: number): boolean {
  let i = first - 1;
  while (i >= 0 && tokens[i]!.pos === 'DET') i--;
  const before = tokens[i];
  if (!before) return false;
  if (PLACE_PREPOSITIONS.has(before.word)) return true;
  return before.word === 'of' && PLACE_NOUNS.has(tokens[i - 1]?.lemma ?? '');
}
/** Fit of a noun phrase whose head noun names the asked-for kind (WordNet's noun classes). */
const NOUN_CLASS_FIT = 0.8;
/** A hyphen at `at` written between two words ("low-skilled"). */
function hyphenAt(tokens: readonly NlpToken[], at: number): boolean {
  return (
    tokens[at]?.text === '-' &&
    glued(tokens, at) &&
    glued(tokens, at + 1) &&
    /^\p{L}/u.test(tokens[at + 1]!.text)
  );
}
/**
 * Noun phrases: optional adjectives and numbers, then nouns ("the 13 natural reserves"), at
 * `fit`, or at what `headFit` gives for the phrase's last common noun when it gives something.
 */
function nounPhrases(
  tokens: readonly NlpToken[],
  out: SpanCandidate[],
  fit: number,
  headFit?: (head: NlpToken) => number | undefined,
): void {
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (!(t.pos === 'ADJ' || t.pos === 'NUM' || t.pos === 'NOUN' || t.pos === 'PROPN')) {
      i++;
      continue;
    }
    let j = i;
    for (;;) {
      if (['ADJ', 'NUM', 'NOUN', 'PROPN'].includes(tokens[j + 1]?.pos ?? '')) j++;
      // "low-skilled workers", "a water-powered mill": a hyphened word is one modifier.
      else if (hyphenAt(tokens, j + 1)) j += 2;
      else break;
    }
    let last = j;
    while (last >= i && tokens[last]!.pos !== 'NOUN' && tokens[last]!.pos !== 'PROPN') last--;
    if (last >= i) {
      const head = tokens[last]!;
      const byHead = head.pos === 'NOUN' ? headFit?.(head) : undefined;
      out.push({ first: i, last, kindFit: byHead ?? fit });
    }
    i = j + 1;
  }
}
