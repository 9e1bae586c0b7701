/**
 * The short answer inside a sentence: the span of the asked-for kind (a name, a date, a number, a
 * place, a described thing, a stated reason) that stands where the question's wh-word would,
 * scored by how well it fits the kind and how close it is to the question's words.
 */
import { glued, isContent, properNounRuns, type Analysis, type NlpToken } from '../nlp/english.js';
import { isKnownPlace, placeRelation } from '../nlp/gazetteer.js';
import { nounClassOf } from '../nlp/wordnet.js';
import {
  afterPreposition,
  prepositionOf,
  clauseSubject,
  isPossessive,
  subjectEnd,
} from './grammar.js';
import { NUMBER_NOUNS, PLACE_NOUNS, type QuestionTerm, type ReadQuestion } from './question.js';
import { nearSpelling } from './spelling.js';
/** The short span answering the question, with its fit to the asked-for kind. */
export interface ShortSpan {
  start: number;
  end: number;
  text: string;
  score: number;
  kindFit: number;
}
interface SpanCandidate {
  first: number;
  last: number;
  kindFit: number;
  /** A run of proper nouns: what is left of it after trimming must still be written as a name. */
  name?: boolean;
  /** A duration counted by its article ("an hour"), which trimming keeps. */
  counted?: boolean;
}
/** Candidate answer spans of the asked-for kind, scored by fit and closeness to the question's words. */
export function shortSpan(
  q: ReadQuestion,
  text: string,
  analysis: Analysis,
  anchors: readonly number[],
  matches: readonly number[],
): ShortSpan | undefined {
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
    if (c.counted && first === c.first + 1) first = c.first;
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
    // Nor the rest of the question's own name ("Mayor *Jonas*" of "Mayor Jonas Brell" when the
    // question asks about Brell): a name run cut at a name of the question is that same person.
    if (
      (first > c.first &&
        tokens[first]!.pos === 'PROPN' &&
        isQuestionName(q, tokens[first - 1]!)) ||
      (last < c.last && tokens[last]!.pos === 'PROPN' && isQuestionName(q, tokens[last + 1]!))
    )
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
/** Articles that count one of a unit ("*an* hour", "*a* decade"). */
const ONE: ReadonlySet<string> = new Set(['a', 'an']);
/** A token of the sentence that writes one of the question's names. */
function isQuestionName(q: ReadQuestion, t: NlpToken): boolean {
  return t.pos === 'PROPN' && q.terms.some((term) => term.proper && term.word === t.word);
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
): ShortSpan | undefined {
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
      // "a two-year renovation": the tagger's duration is "year"; the number before the hyphen
      // belongs to it. "about an hour": so does the article that counts one.
      let first = e.first;
      if (e.kind === 'DURATION') {
        if (hyphenAt(tokens, e.first - 1) && tokens[e.first - 2]?.pos === 'NUM') first -= 2;
        else if (e.first === e.last && ONE.has(tokens[e.first - 1]?.word ?? '')) first -= 1;
      }
      // "in years" is no answer to "how long"; "six weeks" and "an hour" are.
      if (
        e.kind === 'DURATION' &&
        !tokens.slice(first, e.last + 1).some((t) => t.pos === 'NUM' || ONE.has(t.word))
      )
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
      out.push({ first, last, kindFit: fit, counted: ONE.has(tokens[first]!.word) });
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
      // "*The opposition* voted against the budget": whoever does the question's verb answers
      // "who did it", whatever WordNet's first sense of its noun.
      if (q.asksSubject && !q.passive) {
        const verbAt = tokens.findIndex((t) => t.pos === 'VERB' && t.lemma === q.verb);
        const subject = verbAt > 0 ? clauseSubject(tokens, verbAt) : -1;
        const end = subject >= 0 ? subjectEnd(tokens, subject) : -1;
        raisePhrases(out, tokens, DOER_FIT, NOT_DOERS, (c) => c.first >= subject && c.last <= end);
      }
      break;
    case 'place':
      names(0.9, (n) => isKnownPlace(n));
      // "in the city of *Deabolis*", "fled to *Normandy*": a name after a place preposition.
      for (const c of out) if (afterPlaceWord(tokens, c.first)) c.kindFit += 0.15;
      nounPhrases(tokens, out, 0.4, (head) =>
        nounClassOf(head.lemma) === 'location' ? NOUN_CLASS_FIT : undefined,
      );
      // "moved to *a sports hall*": a thing after a place preposition is where it happened.
      raisePhrases(out, tokens, PLACED_FIT, NOT_PLACES, (c) => afterPlaceWord(tokens, c.first));
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
/**
 * Raises to `fit` the candidates that are no name, stand where `stands` accepts, and whose last
 * noun WordNet puts in none of the classes `not`: a phrase that the sentence's grammar, not its
 * noun's first sense, makes an answer of the kind.
 */
function raisePhrases(
  out: SpanCandidate[],
  tokens: readonly NlpToken[],
  fit: number,
  not: ReadonlySet<string>,
  stands: (c: SpanCandidate) => boolean,
): void {
  for (const c of out)
    if (
      !c.name &&
      c.kindFit < fit &&
      stands(c) &&
      !not.has(nounClassOf(tokens[c.last]!.lemma) ?? '')
    )
      c.kindFit = fit;
}
/** Fit of the noun phrase that does the question's verb, for "who". */
const DOER_FIT = 0.75;
const NOT_DOERS: ReadonlySet<string> = new Set(['time', 'location']);
/** Fit of a noun phrase after a place preposition, for "where". */
const PLACED_FIT = 0.75;
const NOT_PLACES: ReadonlySet<string> = new Set(['person', 'group', 'time']);
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
