/**
 * Clause-level English on tagged tokens, shared by the question and sentence readers: who does
 * a verb (the clause's subject, a passive's "by" agent), possessives ("Edgar's sister"), and
 * whether a phrase sits inside a prepositional phrase.
 */
import type { NlpToken } from '../nlp/english.js';

export function isPossessive(t: NlpToken | undefined): boolean {
  return t !== undefined && (t.word === "'s" || t.word === '’s');
}
/** "X's [adjectives] noun" pairs, with X a name: the relations a text states. */
export function possessivesOf(tokens: readonly NlpToken[]): Array<{ owner: string; noun: string }> {
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
export function isPassiveAt(tokens: readonly NlpToken[], at: number): boolean {
  const t = tokens[at]!;
  if (t.word === t.lemma) return false;
  for (let i = at - 1; i >= Math.max(0, at - 2); i--) {
    if (tokens[i]!.lemma === 'be') return true;
    if (tokens[i]!.pos !== 'ADV') return false;
  }
  return false;
}
/** "had" in "had *built*" helps another verb; in "had *a* profound effect" it is the verb. */
export function isAuxiliaryUse(tokens: readonly NlpToken[], t: NlpToken): boolean {
  const next = tokens[tokens.indexOf(t) + 1];
  return next === undefined || next.pos === 'VERB' || next.pos === 'ADV' || next.pos === 'AUX';
}
/**
 * The first token of the subject of the verb at `verbAt`: the first noun, name or pronoun after
 * the last verb before it (the clause's start) that does not follow a preposition; -1 if none.
 */
export function clauseSubject(tokens: readonly NlpToken[], verbAt: number): number {
  // "The Normans settled in the east, later known as the Pale, *and also built* castles": a verb
  // joined by "and" to an earlier one, with no subject of its own, shares that verb's subject.
  const joined = sharedVerb(tokens, verbAt);
  if (joined >= 0) return clauseSubject(tokens, joined);
  let start = 0;
  for (let i = verbAt - 1; i >= 0; i--) {
    const t = tokens[i]!;
    // A relative pronoun opens a clause of its own: "David, *whose* brother Alexander married".
    if (t.pos === 'VERB' || t.pos === 'SCONJ' || t.word === ';' || RELATIVE.has(t.word)) {
      // "William conquered England, *killing* Harold": a participle with no helper verb has no
      // subject of its own; it shares the clause's, not the object before it.
      if (t.pos === 'VERB' && isBareParticiple(tokens, verbAt)) return clauseSubject(tokens, i);
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
/** The verb at `verbAt` follows "and" with no subject of its own and shares an earlier verb's. */
export function sharesSubject(tokens: readonly NlpToken[], verbAt: number): boolean {
  return sharedVerb(tokens, verbAt) >= 0;
}
/**
 * For a verb right after "and"/"or"/"but" (and adverbs), the earlier verb it is joined to: the
 * nearest one before that is not a participle modifying a noun ("later *known* as"); -1 if none.
 */
function sharedVerb(tokens: readonly NlpToken[], verbAt: number): number {
  let i = verbAt - 1;
  while (tokens[i]?.pos === 'ADV' || tokens[i]?.pos === 'AUX') i--;
  if (tokens[i]?.pos !== 'CCONJ') return -1;
  for (let j = i - 1; j >= 0; j--) {
    const t = tokens[j]!;
    if (t.word === ';' || t.pos === 'SCONJ' || RELATIVE.has(t.word)) return -1;
    if (t.pos !== 'VERB' || isBareParticiple(tokens, j) || modifiesNoun(tokens, j)) continue;
    return j;
  }
  return -1;
}
/**
 * A past participle set off by a comma ("Ireland, later *known* as the Pale,"): a modifier of the
 * noun before it, not a clause's verb. (Right after a noun, "the army *defeated*" is as often the
 * clause's own verb, so only the comma counts.)
 */
function modifiesNoun(tokens: readonly NlpToken[], at: number): boolean {
  let i = at - 1;
  while (tokens[i]?.pos === 'ADV') i--;
  return tokens[i]?.text === ',' && /(?:ed|en|wn)$/.test(tokens[at]!.word);
}
const RELATIVE: ReadonlySet<string> = new Set(['whose', 'whom', 'which']);
/** An "-ing" verb with no form of "be" or other helper right before it. */
function isBareParticiple(tokens: readonly NlpToken[], at: number): boolean {
  const t = tokens[at]!;
  if (!t.word.endsWith('ing') || t.word === t.lemma) return false;
  let i = at - 1;
  while (tokens[i]?.pos === 'ADV') i--;
  return tokens[i]?.pos !== 'AUX' && tokens[i]?.lemma !== 'be';
}
/**
 * The last token of the noun phrase starting at `from`, through possessives: the subject
 * "Jean's nephew Maciot de Bethencourt" is one phrase, headed at its end.
 */
export function subjectEnd(tokens: readonly NlpToken[], from: number): number {
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
export function afterPreposition(tokens: readonly NlpToken[], first: number): boolean {
  return prepositionOf(tokens, first) >= 0;
}
/** The preposition before the phrase starting at `first`, past its determiners and adjectives; -1 if none. */
export function prepositionOf(tokens: readonly NlpToken[], first: number): number {
  let i = first - 1;
  while (i >= 0 && (tokens[i]!.pos === 'DET' || tokens[i]!.pos === 'ADJ')) i--;
  return i >= 0 && tokens[i]!.pos === 'ADP' ? i : -1;
}
/**
 * Nouns inside a prepositional phrase together with the content words written before them: "a
 * trade magazine for *design industry*" → {noun: "industry", modifiers: ["design"], written:
 * "design industry"}. Such a phrase restricts what is asked about, so its modifiers are given,
 * not asked for. Lemmas, and the phrase as `text` (the tokens' source) writes it; a phrase whose
 * preposition follows a word that `skipAfter` accepts is left out.
 */
export function modifiedNounsInPhrases(
  tokens: readonly NlpToken[],
  text: string,
  skipAfter: (before: NlpToken | undefined) => boolean = () => false,
): Array<{ noun: string; modifiers: string[]; written: string }> {
  const out: Array<{ noun: string; modifiers: string[]; written: string }> = [];
  tokens.forEach((t, i) => {
    if (t.pos !== 'NOUN' || tokens[i + 1]?.pos === 'NOUN') return;
    const first = modifiersBefore(tokens, i);
    const modifiers = tokens.slice(first, i).map((m) => m.lemma);
    let j = first - 1;
    while (j >= 0 && tokens[j]!.pos === 'DET') j--;
    if (modifiers.length > 0 && tokens[j]?.pos === 'ADP' && !skipAfter(tokens[j - 1]))
      out.push({ noun: t.lemma, modifiers, written: text.slice(tokens[first]!.start, t.end) });
  });
  return out;
}
/** The first of the adjectives, nouns and names right before the noun at `at` (`at` if none). */
export function modifiersBefore(tokens: readonly NlpToken[], at: number): number {
  let first = at;
  while (first > 0 && NOUN_MODIFIER_POS.has(tokens[first - 1]!.pos)) first--;
  return first;
}
const NOUN_MODIFIER_POS: ReadonlySet<string> = new Set(['ADJ', 'NOUN', 'PROPN']);
