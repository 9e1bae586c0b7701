/**
 * Reading a question: what kind of answer it asks for (a person, a time, a number, a thing of a
 * named sort…), its weighted words, the names and numbers it gives, its negation, its main verb
 * and which side of that verb the answer and each name stand on.
 *
 * General English only: parts of speech, lemmas and negation from the NLP model
 * (src/rag/nlp/english.ts), word rarity from the frequency-ordered vocabulary of the word
 * vectors, related words and noun classes from WordNet.
 */
import type { WordVectors } from '../embeddings/wordvectors.js';
import {
  analyze,
  isContent,
  isFreeOf,
  notOnlyAt,
  properNounRuns,
  type Analysis,
  type NlpToken,
} from '../nlp/english.js';
import { relatedOf, rootNamesOf } from '../nlp/wordnet.js';
import {
  afterPreposition,
  isPossessive,
  modifiedNounsInPhrases,
  possessivesOf,
} from './grammar.js';
import { periodsIn, type Period } from './periods.js';

/** What kind of thing would answer the question. */
export type AskedFor =
  | 'person'
  | 'place'
  | 'time'
  | 'number'
  | 'duration'
  | 'thing'
  | 'reason'
  | 'manner'
  | 'yesno'
  | 'name'
  | 'open';
/** Answer kinds that must be present in a sentence for it to answer. */
export const STRICT_KINDS: ReadonlySet<AskedFor> = new Set([
  'time',
  'number',
  'duration',
  'person',
  'place',
  'name',
]);
export interface QuestionTerm {
  lemma: string;
  stem: string;
  word: string;
  weight: number;
  proper: boolean;
  numeric: boolean;
  /** Among the most frequent English words: too common to match by word-vector similarity. */
  common: boolean;
  /** Written in capitals, as an abbreviation is ("SP", "NATO"). */
  capitals: boolean;
  /** The word right after "how" ("how *many*", "how *long*"), which names the kind of answer. */
  howWord?: boolean;
  /**
   * WordNet's synonyms (commonest sense) and derivations of the lemma ("necessary" →
   * "necessity"); for a name, only its land or people (`rootNamesOf`: "Scottish" → "Scotland").
   */
  related: ReadonlySet<string>;
}
/** An abbreviation written in capitals ("SP", "NATO"). */
export const ABBREVIATION = /^\p{Lu}{2,6}$/u;
export interface ReadQuestion {
  text: string;
  analysis: Analysis;
  askedFor: AskedFor;
  /** The noun after "what"/"which" ("what *year*"), when there is one. */
  focus?: string;
  terms: QuestionTerm[];
  /** Names and numbers the question gives (token ranges joined as text, folded). */
  named: string[];
  negated: boolean;
  /** Lemma of the question's main verb ("who *patronized* the monks" → "patronize"). */
  verb?: string;
  /** The question asks for the verb's subject ("Who argued…") rather than its object ("What did X argue"). */
  asksSubject: boolean;
  /** The question's verb is passive ("What satellite *was used*"): its subject is the patient. */
  passive: boolean;
  /**
   * Names the question places on one side of its verb: "When did *Harold* conquer *England*?"
   * has Harold as the doer (before the verb) and England after it. Folded head words.
   */
  namedRoles: NamedRole[];
  /** "*Bohemond's son*": possessive relations the question asks through (folded head words). */
  possessives: Array<{ owner: string; noun: string }>;
  /** Questions joined in one ("Who won, *and when*?"): 1 for a single question. */
  parts: number;
  /**
   * "Who is *Xi*?", "Who were the *Normans*?": asks what a name is, so the answer describes it
   * ("Chinese President") rather than naming someone else.
   */
  identity: boolean;
  /** "How *many* tons…": asks for a count, which a percentage or a sum of money is not. */
  counts: boolean;
  /** "What *kind of* arches…", "which *type of* licence…": asks for a kind of its focus. */
  asksKind: boolean;
  /** Centuries and runs of years the question dates its event to ("in the 19th century"). */
  periods: Period[];
  /**
   * "What continent are the islands off the *coast of*?": the preposition left at the end, and
   * the lemma of the word before it; the answer follows the same two words in the sentence.
   */
  stranded?: { after: string; preposition: string };
  /**
   * Nouns the question restricts with modifiers inside a prepositional phrase ("a trade magazine
   * for *design industry*"); see `modifiedNounsInPhrases`.
   */
  restricted: Array<{ noun: string; modifiers: string[]; written: string }>;
}
/** A name of the question and its part in the question's verb. */
export interface NamedRole {
  word: string;
  /** Before an active verb, or the "by" agent of a passive one. */
  doer: boolean;
  /** Followed by "'s": "*Edward's* son returned" — the son is the doer, not Edward. */
  possessor: boolean;
  /** The noun the name is written before ("did *Daltra* shares fall": "share"), when it is one. */
  modifies?: string;
  /** The subject of the active verb, right before it ("When did *Richard* flee"). */
  subject: boolean;
  /** The "by" agent of the passive verb ("When was Lindau captured by *Otto*"). */
  agent: boolean;
  /** The object right after the active verb ("Who made *Robert* earl?"). */
  object: boolean;
  /** The name's own words ("king", "david"), particles and short words left out. */
  words: string[];
}
const JOINERS = new Set(['and', 'or', ';']);
const WH = new Set(['who', 'whom', 'whose', 'what', 'which', 'when', 'where', 'why', 'how']);
// Head nouns after "what"/"which" that say which kind of answer is wanted: English grammar of
// questions, not any story's facts.
const TIME_NOUNS = new Set(
  'year years date day days month months century centuries decade decades time era period season week hour'.split(
    ' ',
  ),
);
export const NUMBER_NOUNS = new Set(
  'number amount percentage percent population size cost price temperature rate total sum proportion share count figure value height length width weight age speed distance'.split(
    ' ',
  ),
);
export const PLACE_NOUNS = new Set(
  'country countries city cities place places location region state states nation continent town area island river capital county province district'.split(
    ' ',
  ),
);
const PERSON_NOUNS = new Set(
  'person people man woman men women individual leader president king queen emperor scientist author writer player artist composer politician'.split(
    ' ',
  ),
);
/** Nouns that name a sort of thing: "what *type* of committee" asks for the committee's sort. */
const KIND_NOUNS = new Set(
  'type types kind kinds sort sorts form forms variety varieties style class category genre brand'.split(
    ' ',
  ),
);
/**
 * The index of the possessive "'s" that ends a possessor starting at `from` ("*Victoria's*",
 * "*the town's*"), or -1.
 */
function possessorEnd(tokens: readonly NlpToken[], from: number): number {
  let i = from;
  if (tokens[i]?.pos === 'DET') i++;
  const start = i;
  while (tokens[i]?.pos === 'PROPN' || tokens[i]?.pos === 'NOUN') i++;
  if (i === start) return -1;
  const mark = tokens[i]?.word;
  return mark === "'s" || mark === '’s' || mark === "'" ? i : -1;
}
/** "what were Isaac's *chains made* of": a noun phrase then a verb, so "what" is not its head. */
function passiveAfter(tokens: readonly NlpToken[], from: number): boolean {
  let i = from;
  while (tokens[i] && ['ADJ', 'NOUN', 'PROPN', 'NUM'].includes(tokens[i]!.pos)) i++;
  return tokens[i]?.pos === 'VERB';
}
/** Reads a question: the kind of answer it wants, its weighted terms and its names. */
export function readQuestion(text: string, vectors?: WordVectors | null): ReadQuestion {
  const analysis = analyze(text);
  const tokens = analysis.tokens;
  const { askedFor, focus, whIndex, counts = false } = askedForOf(tokens);
  const terms: QuestionTerm[] = [];
  const seen = new Set<string>();
  tokens.forEach((t, i) => {
    if (i === whIndex || WH.has(t.word) || !isContent(t)) return;
    if (t.pos === 'VERB' && AUXILIARY_LEMMAS.has(t.lemma)) return;
    // "What *kind of* force…": the word only frames the noun after it.
    if (i <= whIndex + 2 && KIND_NOUNS.has(t.lemma) && tokens[i + 1]?.word === 'of') return;
    if (seen.has(t.stem)) return;
    seen.add(t.stem);
    const proper = t.pos === 'PROPN';
    const numeric = t.pos === 'NUM' || /^\d/.test(t.word);
    let weight = rarity(t.word, vectors) * (proper ? 1.3 : 1);
    if (focus && t.lemma === focus) weight *= 0.5; // "what year": the answer is a year, not "year"
    const common = (vectors?.rank(t.lemma) ?? Infinity) < COMMON_RANK;
    const related: ReadonlySet<string> = numeric
      ? NOTHING_RELATED
      : new Set(proper ? rootNamesOf(t.word) : relatedOf(t.lemma));
    terms.push({
      lemma: t.lemma,
      stem: t.stem,
      word: t.word,
      weight,
      proper,
      numeric,
      common,
      capitals: ABBREVIATION.test(t.text),
      related,
      // "How *many*", "how *long*": the word asks for the kind of answer; "fewer than 7,000"
      // or "a short trip" answers it, and is no opposite of it.
      howWord: i === whIndex + 1 && tokens[whIndex]?.word === 'how',
    });
  });
  const named = properNounRuns(tokens)
    // Only letters, digits and name punctuation: a refusal quotes these back to the user.
    .map(([a, b]) =>
      text
        .slice(tokens[a]!.start, tokens[b]!.end)
        .replace(/[^\p{L}\p{N}\s'’.-]/gu, '')
        .trim(),
    )
    .filter((n) => n !== '')
    .concat(tokens.filter((t) => t.pos === 'NUM' && /\d/.test(t.word)).map((t) => t.text));
  // "Not only X but also Y" denies nothing.
  const negated = tokens.some(
    (t, i) =>
      ((NEGATIONS.has(t.word) || t.word === "n't") && !notOnlyAt(tokens, i)) || isFreeOf(tokens, i),
  );
  const { verb, asksSubject, passive } = verbRole(tokens, whIndex);
  const namedRoles = rolesOfNames(tokens, verb);
  const possessives = possessivesOf(tokens);
  // A wh-word just after "and"/"or" (a preposition may sit between: "and *by how much*") opens
  // a second question; one after a noun ("the leader *who*…") is a relative clause.
  const joins = (t: NlpToken | undefined) => t !== undefined && JOINERS.has(t.word);
  const parts =
    1 +
    tokens.filter(
      (t, i) =>
        WH.has(t.word) &&
        (joins(tokens[i - 1]) || (tokens[i - 1]?.pos === 'ADP' && joins(tokens[i - 2]))),
    ).length;
  return {
    text,
    analysis,
    askedFor,
    focus,
    terms,
    named,
    negated,
    verb,
    asksSubject,
    passive,
    namedRoles,
    possessives,
    parts,
    identity: asksIdentity(tokens, whIndex, askedFor),
    stranded: strandedPreposition(tokens),
    // Not "what is a type *of talent scholarship*": that asks for a kind of the phrase.
    restricted: modifiedNounsInPhrases(tokens, text, (before) =>
      KIND_NOUNS.has(before?.lemma ?? ''),
    ),
    counts,
    asksKind: tokens.some((t, i) => KIND_NOUNS.has(t.lemma) && tokens[i + 1]?.word === 'of'),
    periods: periodsIn(text),
  };
}

/**
 * Where the question itself starts after a clause that sets a condition or a time: "*When rich
 * countries trade with poor countries,* whose wages increase?", "*If the talks fail,* will
 * tariffs rise?". 0 when it opens with the question.
 */
function mainClauseStart(tokens: readonly NlpToken[]): number {
  if (!SUBORDINATORS.has(tokens[0]?.word ?? '')) return 0;
  const comma = tokens.findIndex((t) => t.text === ',');
  const next = tokens[comma + 1];
  if (comma < 2 || !next) return 0;
  const asks = WH.has(next.word) || next.pos === 'AUX' || AUXILIARY_LEMMAS.has(next.lemma);
  return asks ? comma + 1 : 0;
}
const SUBORDINATORS: ReadonlySet<string> = new Set(
  'when where if while after before once since although though unless until as'.split(' '),
);

/** See `ReadQuestion.stranded`. */
function strandedPreposition(tokens: readonly NlpToken[]): ReadQuestion['stranded'] {
  const words = tokens.filter((t) => t.pos !== 'PUNCT');
  const last = words.at(-1);
  const before = words.at(-2);
  if (!last || !before || last.pos !== 'ADP') return undefined;
  if (before.pos !== 'NOUN' && before.pos !== 'VERB' && before.pos !== 'ADJ') return undefined;
  return { after: before.lemma, preposition: last.word };
}

/** Nouns that make "how many" ask for a share ("how many percent"), not a count. */
const SHARE_NOUNS: ReadonlySet<string> = new Set(['percent', 'percentage', 'point']);

/** See `ReadQuestion.identity`: "who" and a form of "be", then nothing but a proper name. */
function asksIdentity(tokens: readonly NlpToken[], whIndex: number, askedFor: AskedFor): boolean {
  if (askedFor !== 'person' || tokens[whIndex]?.word !== 'who') return false;
  if (tokens[whIndex + 1]?.lemma !== 'be') return false;
  const rest = tokens.slice(whIndex + 2).filter((t) => t.pos !== 'PUNCT' && t.pos !== 'DET');
  return rest.length > 0 && rest.every((t) => t.pos === 'PROPN');
}
/** Verbs that report speech or thought: what follows them is a statement, not a thing. */
const REPORTING_VERBS = new Set(
  'say tell ask urge describe think believe mean argue claim suggest respond react reply explain warn stress call describe view consider feel demand show demonstrate reveal indicate announce state insist note'.split(
    ' ',
  ),
);
const AUXILIARY_LEMMAS = new Set(['be', 'have', 'do', 'get']);
const NEGATIONS: ReadonlySet<string> = new Set([
  'not',
  'never',
  'no',
  'nobody',
  'nothing',
  'none',
  'neither',
  'nor',
  'without',
]);
/**
 * The main verb and whether the wh-phrase is its subject: "Who *argued*…" / "What *was used*…"
 * (a verb right after the wh-phrase) ask for the subject; "What did X *add*…" for the object.
 */
function verbRole(
  tokens: readonly NlpToken[],
  whIndex: number,
): { verb?: string; asksSubject: boolean; passive: boolean } {
  if (whIndex < 0) return { asksSubject: false, passive: false };
  let j = whIndex + 1;
  // Skip the wh-phrase's own noun phrase ("which *Norman leader*").
  while (tokens[j] && ['ADJ', 'NOUN', 'PROPN', 'DET', 'NUM'].includes(tokens[j]!.pos)) j++;
  const next = tokens[j];
  let verbAt = tokens.findIndex(
    (t, i) => i > whIndex && t.pos === 'VERB' && !AUXILIARY_LEMMAS.has(t.lemma),
  );
  if (verbAt < 0) verbAt = verbAfterDo(tokens, whIndex);
  const verb = verbAt >= 0 ? tokens[verbAt]!.lemma : undefined;
  if (!next) return { verb, asksSubject: false, passive: false };
  if (next.pos === 'VERB') return { verb, asksSubject: true, passive: false };
  // "was used", "has been built": an auxiliary straight into the verb is passive or perfect.
  const after = tokens[j + 1];
  const asksSubject =
    next.pos === 'AUX' && after !== undefined && (after.pos === 'VERB' || after.pos === 'ADV');
  const passive =
    asksSubject && next.lemma === 'be' && after?.pos === 'VERB' && after.word !== after.lemma;
  return { verb, asksSubject, passive };
}
/**
 * The main verb of a "did X <verb>" question that the tagger read as a noun or an auxiliary
 * ("When did Edward *return* from exile?", "Who did the culture *have* an effect on?"): the
 * word that ends the subject after "do", or -1.
 */
function verbAfterDo(tokens: readonly NlpToken[], whIndex: number): number {
  const d = tokens.findIndex((t, i) => i > whIndex && t.pos === 'AUX' && t.lemma === 'do');
  if (d < 0) return -1;
  let j = d + 1;
  while (tokens[j] && ['DET', 'PROPN', 'NOUN', 'ADJ', 'PART', 'NUM'].includes(tokens[j]!.pos)) j++;
  const stop = tokens[j];
  if (stop?.pos === 'AUX' && (stop.lemma === 'have' || stop.lemma === 'get')) return j;
  const last = tokens[j - 1];
  if (j - 1 > d + 1 && last?.pos === 'NOUN' && tokens[j - 2]?.pos !== 'DET') return j - 1;
  return -1;
}
/**
 * For each proper-noun run of a question, its head word and whether it is the doer of the
 * question's verb: before an active verb, or after "by" following a passive one.
 */
function rolesOfNames(tokens: readonly NlpToken[], verb: string | undefined): NamedRole[] {
  if (!verb) return [];
  let verbAt = tokens.findIndex((t) => t.pos === 'VERB' && t.lemma === verb);
  if (verbAt < 0) verbAt = tokens.findIndex((t) => t.lemma === verb);
  if (verbAt < 0) return [];
  // A question inverts its auxiliary: "When *was* England *conquered*".
  const passive =
    tokens[verbAt]!.word !== tokens[verbAt]!.lemma &&
    tokens.slice(0, verbAt).some((t) => t.pos === 'AUX' && t.lemma === 'be');
  return properNounRuns(tokens).flatMap(([a, b]) => {
    // The run's last word of three letters or more: "King *Harold* II".
    const head = tokens
      .slice(a, b + 1)
      .reverse()
      .find((t) => t.word.length >= 3 && /\p{L}/u.test(t.word));
    if (!head) return [];
    const before = b < verbAt;
    // "by Otto", "by the Irish".
    const by = tokens[a - 1]?.pos === 'DET' ? a - 2 : a - 1;
    const byAgent = !before && tokens[by]?.word === 'by';
    const possessor = isPossessive(tokens[b + 1]);
    const modifies = tokens[b + 1]?.pos === 'NOUN' ? tokens[b + 1]!.lemma : undefined;
    const words = tokens
      .slice(a, b + 1)
      .filter((t) => t.pos === 'PROPN' && t.word.length >= 3)
      .map((t) => t.word);
    return [
      {
        word: head.word,
        words,
        doer: !possessor && (passive ? byAgent : before),
        possessor,
        modifies,
        agent: passive && byAgent,
        object: !before && !passive && !possessor && objectStart(tokens, verbAt) === a,
        // Right before the verb ("did *Richard* flee"), not a modifier ("the *Latin* version").
        subject:
          before &&
          !passive &&
          !possessor &&
          !afterPreposition(tokens, a) &&
          subjectReachesVerb(tokens.slice(b + 1, verbAt)),
      },
    ];
  });
}
/** Where the object of the verb at `verbAt` starts: the next word past a determiner; -1 past the end. */
export function objectStart(tokens: readonly NlpToken[], verbAt: number): number {
  const next = verbAt + 1;
  if (next >= tokens.length) return -1;
  return tokens[next]!.pos === 'DET' ? next + 1 : next;
}
/**
 * What may stand between a subject name and its verb: adverbs ("did Richard *then* flee"), or a
 * name's "of" phrase ("did King David I *of Scotland* marry").
 */
function subjectReachesVerb(tokens: readonly NlpToken[]): boolean {
  // A regnal number the tagger left out of the name ("King David *I*").
  const between = /^[IVX]+$/.test(tokens[0]?.text ?? '') ? tokens.slice(1) : tokens;
  if (between.every((t) => t.pos === 'ADV')) return true;
  return (
    between[0]?.word === 'of' &&
    between.length > 1 &&
    between.slice(1).every((t) => t.pos === 'PROPN' || t.pos === 'DET')
  );
}
/** Frequency-ranked rarity weight: common words ("make", "time") count less than rare ones. */
export function rarity(word: string, vectors?: WordVectors | null): number {
  const rank = vectors?.rank(word);
  const r = rank ?? 60_000;
  return 0.3 + Math.log10(10 + r) / 2;
}
function askedForOf(tokens: readonly NlpToken[]): {
  askedFor: AskedFor;
  focus?: string;
  whIndex: number;
  /** See `ReadQuestion.counts`. */
  counts?: boolean;
} {
  const start = mainClauseStart(tokens);
  const whIndex = tokens.findIndex((t, i) => i >= start && WH.has(t.word));
  const first = tokens[start];
  if (whIndex < 0) {
    if (first && (first.pos === 'AUX' || AUXILIARY_LEMMAS.has(first.lemma)))
      return { askedFor: 'yesno', whIndex };
    return { askedFor: 'open', whIndex };
  }
  const wh = tokens[whIndex]!.word;
  const next = tokens[whIndex + 1];
  switch (wh) {
    case 'who':
    case 'whom':
    case 'whose':
      return { askedFor: 'person', whIndex };
    case 'when':
      return { askedFor: 'time', whIndex };
    case 'where':
      return { askedFor: 'place', whIndex };
    case 'why':
      return { askedFor: 'reason', whIndex };
    case 'how': {
      const w = next?.word;
      if (w === 'many' || w === 'much') {
        const unit = tokens[whIndex + 2];
        const focus = unit && unit.pos === 'NOUN' ? unit.lemma : undefined;
        const counts = w === 'many' && !(focus !== undefined && SHARE_NOUNS.has(focus));
        return { askedFor: 'number', focus, whIndex, counts };
      }
      if (w === 'long') return { askedFor: 'duration', whIndex };
      if (next && (next.pos === 'ADJ' || next.pos === 'ADV') && w !== 'did' && w !== 'does')
        return { askedFor: 'number', whIndex }; // how old, how far, how tall
      return { askedFor: 'manner', whIndex };
    }
    default: {
      // what / which: the head noun right after (skipping adjectives) names the kind of answer.
      let j = whIndex + 1;
      // "What is the *name* of…", "what was the *population*…": the noun after a linking verb;
      // "what is *Victoria's* highest *temperature*": a possessor comes before it.
      if (tokens[j]?.lemma === 'be') {
        const owner = possessorEnd(tokens, j + 1);
        if (owner > 0) {
          if (!passiveAfter(tokens, owner + 1)) j = owner + 1;
        } else if (tokens[j + 1]?.pos === 'DET') j += 1;
      }
      while (tokens[j] && (tokens[j]!.pos === 'ADJ' || tokens[j]!.pos === 'DET')) j++;
      const head = tokens[j];
      if (head && (head.pos === 'NOUN' || head.pos === 'PROPN')) {
        let k = j;
        while (tokens[k + 1]?.pos === 'NOUN') k++;
        // "What *type of* committee", "which *kind of* arches": the kind is named after "of".
        if (KIND_NOUNS.has(tokens[k]!.lemma) && tokens[k + 1]?.word === 'of') {
          let m = k + 2;
          while (tokens[m] && (tokens[m]!.pos === 'ADJ' || tokens[m]!.pos === 'DET')) m++;
          if (tokens[m]?.pos === 'NOUN') {
            k = m;
            while (tokens[k + 1]?.pos === 'NOUN') k++;
          }
        }
        const noun = tokens[k]!.lemma;
        if (TIME_NOUNS.has(noun)) return { askedFor: 'time', focus: noun, whIndex };
        if (NUMBER_NOUNS.has(noun)) return { askedFor: 'number', focus: noun, whIndex };
        if (PLACE_NOUNS.has(noun)) return { askedFor: 'place', focus: noun, whIndex };
        if (PERSON_NOUNS.has(noun)) return { askedFor: 'person', focus: noun, whIndex };
        // "What is the name of…" asks for a proper name, whatever it names.
        if (noun === 'name') return { askedFor: 'name', focus: noun, whIndex };
        return { askedFor: 'thing', focus: noun, whIndex };
      }
      // "What did X say / ask / think…": the answer is what was said, a clause, not a phrase.
      // After "do" ("what do the figures *show*") the word is the verb, whatever the tagger says.
      const doAsks = tokens[whIndex + 1]?.lemma === 'do';
      if (tokens.some((t) => (t.pos === 'VERB' || doAsks) && REPORTING_VERBS.has(t.lemma)))
        return { askedFor: 'open', whIndex };
      // "What does the committee *do*?", "what did they do after the flood?": an action.
      if (
        tokens.some(
          (t, i) =>
            i > whIndex + 1 &&
            t.lemma === 'do' &&
            !['VERB', 'AUX'].includes(tokens[i + 1]?.pos ?? ''),
        )
      )
        return { askedFor: 'open', whIndex };
      return { askedFor: 'thing', whIndex };
    }
  }
}
/** Frequency rank under which a word is too common to match by word-vector similarity. */
export const COMMON_RANK = 500;
const NOTHING_RELATED: ReadonlySet<string> = new Set();
