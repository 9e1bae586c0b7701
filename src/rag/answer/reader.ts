/**
 * Reading a question against one sentence: what the question asks for, how much of it the
 * sentence supports, the short span that answers it, and the evidence that the sentence does
 * *not* answer it (a name or number it lacks, a flipped negation, an opposite word).
 *
 * Everything here is general English: parts of speech, lemmas, negation and entities come from
 * the NLP model (src/rag/nlp/english.ts), word rarity from the frequency-ordered vocabulary of the
 * word vectors, opposites from WordNet, place names from a gazetteer.
 */
import type { WordVectors } from '../embeddings/wordvectors.js';
import {
  analyze,
  isContent,
  properNounRuns,
  type Analysis,
  type NlpToken,
} from '../nlp/english.js';
import { isKnownPlace, placeForms, placeRelation } from '../nlp/gazetteer.js';
import { antonymsOf, nounClassOf, relatedOf } from '../nlp/wordnet.js';

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
  /** WordNet's synonyms (commonest sense) and derivations of the lemma ("necessary" → "necessity"). */
  related: ReadonlySet<string>;
}

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
}

/** A name of the question and its part in the question's verb. */
export interface NamedRole {
  word: string;
  /** Before an active verb, or the "by" agent of a passive one. */
  doer: boolean;
  /** Followed by "'s": "*Edward's* son returned" — the son is the doer, not Edward. */
  possessor: boolean;
}

const WH = new Set(['who', 'whom', 'whose', 'what', 'which', 'when', 'where', 'why', 'how']);
// Head nouns after "what"/"which" that say which kind of answer is wanted: English grammar of
// questions, not any story's facts.
const TIME_NOUNS = new Set(
  'year years date day days month months century centuries decade decades time era period season week hour'.split(
    ' ',
  ),
);
const NUMBER_NOUNS = new Set(
  'number amount percentage percent population size cost price temperature rate total sum proportion share count figure value height length width weight age speed distance'.split(
    ' ',
  ),
);
const PLACE_NOUNS = new Set(
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
  const { askedFor, focus, whIndex } = askedForOf(tokens);
  const terms: QuestionTerm[] = [];
  const seen = new Set<string>();
  tokens.forEach((t, i) => {
    if (i === whIndex || WH.has(t.word) || !isContent(t)) return;
    if (t.pos === 'VERB' && AUXILIARY_LEMMAS.has(t.lemma)) return;
    if (seen.has(t.stem)) return;
    seen.add(t.stem);
    const proper = t.pos === 'PROPN';
    const numeric = t.pos === 'NUM' || /^\d/.test(t.word);
    let weight = rarity(t.word, vectors) * (proper ? 1.3 : 1);
    if (focus && t.lemma === focus) weight *= 0.5; // "what year": the answer is a year, not "year"
    const common = (vectors?.rank(t.lemma) ?? Infinity) < COMMON_RANK;
    const related: ReadonlySet<string> =
      proper || numeric ? NOTHING_RELATED : new Set(relatedOf(t.lemma));
    terms.push({
      lemma: t.lemma,
      stem: t.stem,
      word: t.word,
      weight,
      proper,
      numeric,
      common,
      related,
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
  const negated = tokens.some((t) => NEGATIONS.has(t.word) || t.word === "n't");
  const { verb, asksSubject, passive } = verbRole(tokens, whIndex);
  const namedRoles = rolesOfNames(tokens, verb);
  const possessives = possessivesOf(tokens);
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
  };
}

/** Verbs that report speech or thought: what follows them is a statement, not a thing. */
const REPORTING_VERBS = new Set(
  'say tell ask urge describe think believe mean argue claim suggest respond react reply explain warn stress call describe view consider feel demand'.split(
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
    const byAgent = !before && tokens[a - 1]?.word === 'by';
    const possessor = isPossessive(tokens[b + 1]);
    return [{ word: head.word, doer: !possessor && (passive ? byAgent : before), possessor }];
  });
}

function isPossessive(t: NlpToken | undefined): boolean {
  return t !== undefined && (t.word === "'s" || t.word === '’s');
}

/** "X's [adjectives] noun" pairs, with X a name: the relations a text states. */
function possessivesOf(tokens: readonly NlpToken[]): Array<{ owner: string; noun: string }> {
  const out: Array<{ owner: string; noun: string }> = [];
  tokens.forEach((t, i) => {
    if (!isPossessive(t) || tokens[i - 1]?.pos !== 'PROPN') return;
    let j = i + 1;
    while (tokens[j]?.pos === 'ADJ') j++;
    if (tokens[j]?.pos === 'NOUN') out.push({ owner: tokens[i - 1]!.word, noun: tokens[j]!.lemma });
  });
  return out;
}

/** The verb at `at` is passive: a form of "be" just before it ("was conquered", "was then used"). */
function isPassiveAt(tokens: readonly NlpToken[], at: number): boolean {
  const t = tokens[at]!;
  if (t.word === t.lemma) return false;
  for (let i = at - 1; i >= Math.max(0, at - 2); i--) {
    if (tokens[i]!.lemma === 'be') return true;
    if (tokens[i]!.pos !== 'ADV') return false;
  }
  return false;
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
} {
  const whIndex = tokens.findIndex((t) => WH.has(t.word));
  const first = tokens[0];
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
        return { askedFor: 'number', focus, whIndex };
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
      if (tokens.some((t) => t.pos === 'VERB' && REPORTING_VERBS.has(t.lemma)))
        return { askedFor: 'open', whIndex };
      return { askedFor: 'thing', whIndex };
    }
  }
}

/** How one question term is matched by a sentence token: 1 same lemma, less for neighbours. */
export function termMatch(
  term: QuestionTerm,
  token: NlpToken,
  vectors?: WordVectors | null,
): number {
  if (token.stem === term.stem || token.lemma === term.lemma || token.word === term.word) return 1;
  if (term.numeric || /^\d/.test(token.word)) return 0;
  if (term.proper || token.pos === 'PROPN') {
    const related = placeRelation(term.word, token.word);
    if (related > 0) return 0.9 * related;
    if (nearSpelling(term.word, token.word)) return 0.85;
  }
  if (term.proper) return 0;
  if (term.related.has(token.lemma) || term.related.has(token.word)) return RELATED;
  if (!vectors) return 0;
  // Word vectors place very common words near each other ("take" ~ "mark", "day" ~ "year"):
  // only words past the most frequent few hundred may stand in for one another.
  if (term.common || (vectors.rank(token.lemma) ?? Infinity) < COMMON_RANK) return 0;
  const sim = vectors.similarity(term.lemma, token.lemma);
  if (sim !== undefined && sim >= SIMILAR) return Math.min(0.8, sim);
  return 0;
}

/** Frequency rank under which a word is too common to match by word-vector similarity. */
const COMMON_RANK = 500;
/** Match of a WordNet synonym or derivation: strong, but below the word itself. */
const RELATED = 0.8;
const NOTHING_RELATED: ReadonlySet<string> = new Set();

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
  /** The question's word and the sentence's opposite of it ("rise", "fell"). */
  opposite?: { asked: string; said: string };
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
  q.terms.forEach((term, i) => {
    tokens.forEach((tok, j) => {
      if (!isContent(tok) && tok.pos !== 'NUM') return;
      const m = termMatch(term, tok, vectors);
      if (m > matches[i]!) {
        matches[i] = m;
        anchors[i] = j;
      }
    });
  });
  const coverage = coverageOf(q.terms, matches);
  const folded = text.toLowerCase();
  const absent = q.named.filter((n) => !namedIn(n, folded, tokens));
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
    const said = tokens.find((tok) => antonymsOf(t.lemma).includes(tok.lemma));
    if (said) opposite = { asked: t.word, said: said.text };
  });
  const antonym = opposite !== undefined;
  const short = shortSpan(q, text, analysis, anchors, matches);
  const swapped = swappedRole(q, tokens);
  return {
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
    missingNumbers,
  };
}

/** See `SentenceReading.roleSwap`. Only names within a few words of the sentence's verb count. */
function swappedRole(q: ReadQuestion, tokens: readonly NlpToken[]): string | undefined {
  const word = swappedRelation(q, tokens) ?? swappedDoer(q, tokens);
  return word === undefined ? undefined : tokens.find((t) => t.word === word)?.text;
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
      tokens.some((t) => t.word === owner) &&
      stated.some((p) => p.noun === noun) &&
      !stated.some((p) => p.noun === noun && p.owner === owner),
  )?.owner;
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
    const at = tokens.findIndex((t) => t.word === word);
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

/** "had" in "had *built*" helps another verb; in "had *a* profound effect" it is the verb. */
function isAuxiliaryUse(tokens: readonly NlpToken[], t: NlpToken): boolean {
  const next = tokens[tokens.indexOf(t) + 1];
  return next === undefined || next.pos === 'VERB' || next.pos === 'ADV' || next.pos === 'AUX';
}

/** How far (in tokens) from the verb a name may be and still be read as its subject or object. */
const ROLE_WINDOW = 8;

/** Whether a name or number of the question appears in the sentence (spelling-tolerant). */
function namedIn(name: string, foldedText: string, tokens: readonly NlpToken[]): boolean {
  const n = name.toLowerCase();
  if (foldedText.includes(n)) return true;
  const parts = n.split(/\s+/).filter((p) => p.length > 2);
  return (
    parts.length > 0 &&
    parts.every((p) => {
      const forms = placeForms(p);
      return tokens.some((t) => t.word === p || forms.has(t.word) || nearSpelling(p, t.word));
    })
  );
}

interface SpanCandidate {
  first: number;
  last: number;
  kindFit: number;
}

/** Candidate answer spans of the asked-for kind, scored by fit and closeness to the question's words. */
function shortSpan(
  q: ReadQuestion,
  text: string,
  analysis: Analysis,
  anchors: readonly number[],
  matches: readonly number[],
): SentenceReading['short'] {
  if (
    q.askedFor === 'yesno' ||
    q.askedFor === 'reason' ||
    q.askedFor === 'manner' ||
    q.askedFor === 'open'
  )
    return undefined;
  const tokens = analysis.tokens;
  const candidates = spanCandidates(q, analysis);
  const anchored = anchors
    .map((a, i) => ({ at: a, weight: q.terms[i]!.weight * matches[i]! }))
    .filter((x) => x.at >= 0 && x.weight > 0);
  const totalWeight = anchored.reduce((s, x) => s + x.weight, 0) || 1;
  const verbAt = q.verb ? tokens.findIndex((t) => t.lemma === q.verb) : -1;
  let best: (SpanCandidate & { score: number }) | undefined;
  for (const c of candidates) {
    // Trim question words off the edges ("the Normans' leader Rollo" → "Rollo").
    let { first, last } = c;
    while (first <= last && (isQuestionWord(q, tokens[first]!) || !isSpanWord(tokens[first]!)))
      first++;
    while (last >= first && (isQuestionWord(q, tokens[last]!) || !isSpanEnd(tokens[last]!))) last--;
    if (first > last) continue;
    if (anchored.some((x) => x.at >= first && x.at <= last)) continue;
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
    const score =
      c.kindFit +
      0.6 * closeness +
      focus +
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
 * The first token of the subject of the verb at `verbAt`: the first noun, name or pronoun after
 * the last verb before it (the clause's start) that does not follow a preposition; -1 if none.
 */
function clauseSubject(tokens: readonly NlpToken[], verbAt: number): number {
  let start = 0;
  for (let i = verbAt - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.pos === 'VERB' || t.pos === 'SCONJ' || t.word === ';') {
      start = i + 1;
      break;
    }
  }
  for (let i = start; i < verbAt; i++) {
    const t = tokens[i]!;
    if (t.pos !== 'NOUN' && t.pos !== 'PROPN' && t.pos !== 'PRON') continue;
    if (afterPreposition(tokens, i)) {
      // skip the rest of the prepositional phrase
      while (i + 1 < verbAt && ['NOUN', 'PROPN', 'NUM'].includes(tokens[i + 1]!.pos)) i++;
      continue;
    }
    return i;
  }
  return -1;
}

/**
 * The last token of the noun phrase starting at `from`, through possessives: the subject
 * "Jean's nephew Maciot de Bethencourt" is one phrase, headed at its end.
 */
function subjectEnd(tokens: readonly NlpToken[], from: number): number {
  let i = from;
  for (;;) {
    const next = tokens[i + 1];
    if (!next) return i;
    if (['NOUN', 'PROPN', 'ADJ', 'NUM'].includes(next.pos)) i++;
    else if ((next.word === "'s" || next.word === '’s') && tokens[i + 2]) i += 2;
    else if (next.word === 'of' || next.word === 'de' || next.word === 'van' || next.word === 'von')
      i++;
    else return i;
  }
}

/** Whether the phrase starting at `first` is the object of a preposition ("at *the NPL*"). */
function afterPreposition(tokens: readonly NlpToken[], first: number): boolean {
  let i = first - 1;
  while (i >= 0 && (tokens[i]!.pos === 'DET' || tokens[i]!.pos === 'ADJ')) i--;
  return i >= 0 && tokens[i]!.pos === 'ADP';
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
  return 0;
}

function isQuestionWord(q: ReadQuestion, t: NlpToken): boolean {
  return q.terms.some((term) => term.stem === t.stem || term.lemma === t.lemma);
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
    for (const [a, b] of properNounRuns(tokens)) {
      if (dated(a, b)) continue; // "Monday", "October" are times, not names
      const name = tokens
        .slice(a, b + 1)
        .map((t) => t.text)
        .join(' ');
      out.push({ first: a, last: b, kindFit: prefer?.(name) ? fit + 0.15 : fit });
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
      entity(['CARDINAL', 'MONEY', 'PERCENT'], 1);
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
      break;
    case 'duration':
      entity(['DURATION'], 1);
      break;
    case 'person':
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
      names(focusUnsaid ? 0.95 : 0.8);
      nounPhrases(tokens, out, 0.8);
      entity(['DATE', 'CARDINAL', 'MONEY', 'PERCENT', 'DURATION'], 0.7);
    }
  }
  return out;
}

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
    while (j + 1 < tokens.length && ['ADJ', 'NUM', 'NOUN', 'PROPN'].includes(tokens[j + 1]!.pos))
      j++;
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
