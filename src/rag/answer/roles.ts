/**
 * Who does what: evidence that a sentence sharing the question's words gives them other roles
 * ("When did Harold conquer England?" against "William conquered England, killing Harold"), so
 * it does not answer. Read from parts of speech and word order (./grammar.ts); no parser.
 */
import type { NlpToken } from '../nlp/english.js';
import { placeRelation } from '../nlp/gazetteer.js';
import {
  clauseSubject,
  isAuxiliaryUse,
  isPassiveAt,
  isPossessive,
  possessivesOf,
  sharesSubject,
  modifiersBefore,
  subjectEnd,
} from './grammar.js';
import { objectStart, type ReadQuestion } from './question.js';
import { nearSpelling } from './spelling.js';
/** A noun phrase the question restricts one way and the sentence another ("design industry", "construction industry"). */
export interface ModifierSwap {
  asked: string;
  said: string;
}
/** See `SentenceReading.roleSwap`. Only names within a few words of the sentence's verb count. */
export function swappedRole(q: ReadQuestion, tokens: readonly NlpToken[]): string | undefined {
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
  return q.namedRoles.find(({ word, doer, possessor, modifies }) => {
    const token = nameToken(tokens, word);
    const at = token ? tokens.indexOf(token) : -1;
    if (at < 0 || Math.abs(at - verbAt) > ROLE_WINDOW) return false;
    const before = at < verbAt;
    // "When did Edward's son return?" against "Edward returned", and the other way round.
    if (before && !passive && subject >= 0 && at >= subject && at - subject <= 3) {
      const ownsSubject = isPossessive(tokens[at + 1]);
      if (possessor && !ownsSubject && !tokens.slice(at + 1, verbAt).some((t) => t.pos === 'PROPN'))
        return true;
      // "Daltra's shares fell" says what the question's "Daltra shares" does.
      if (doer && ownsSubject && !(modifies && ownedNoun(tokens, at) === modifies)) return true;
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
/** The lemma of the noun that the name at `at` owns ("Daltra's *shares*"), a few words on. */
function ownedNoun(tokens: readonly NlpToken[], at: number): string | undefined {
  return tokens.slice(at + 2, at + 5).find((t) => t.pos === 'NOUN')?.lemma;
}
/** See `SentenceReading.modifierSwap`. */
export function swappedModifier(
  q: ReadQuestion,
  text: string,
  tokens: readonly NlpToken[],
  short: { start: number; end: number },
): ModifierSwap | undefined {
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
export function otherSubjectOf(
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
export function numberElsewhere(q: ReadQuestion, tokens: readonly NlpToken[]): boolean {
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
