/**
 * English NLP for the offline answerer, from wink-nlp and its English light model (a maintained
 * tagger trained on annotated English): parts of speech, lemmas ("met" → "meet"), negation
 * scope, and entities of the kinds a question can ask for (dates, times, durations, numbers,
 * money, percentages, ordinals). Names of people, places and organisations are the proper-noun
 * runs the tagger finds; `kindOfName` tells places apart with a gazetteer.
 *
 * The model takes ~0.3 s to load, so it is loaded once, on first use, and shared.
 */
import { createRequire } from 'node:module';
import type WinkNlp from 'wink-nlp';
import type { ItemEntity, ItemToken } from 'wink-nlp';
import { fold, stem } from '../text.js';

/** Universal part-of-speech tags, as the model emits them. */
export type Pos =
  | 'ADJ'
  | 'ADP'
  | 'ADV'
  | 'AUX'
  | 'CCONJ'
  | 'DET'
  | 'INTJ'
  | 'NOUN'
  | 'NUM'
  | 'PART'
  | 'PRON'
  | 'PROPN'
  | 'PUNCT'
  | 'SCONJ'
  | 'SYM'
  | 'VERB'
  | 'X'
  | 'SPACE';

/** Entity kinds the model recognizes that an answer can be. */
export type EntityKind =
  'DATE' | 'TIME' | 'DURATION' | 'CARDINAL' | 'ORDINAL' | 'MONEY' | 'PERCENT' | 'OTHER';

export interface NlpToken {
  /** Text as written. */
  text: string;
  /** Folded (lowercase, no accents). */
  word: string;
  lemma: string;
  /** Porter stem of the folded lemma (the lexical index's unit). */
  stem: string;
  pos: Pos;
  /** Inside the scope of a negation ("did *not pay*"). */
  negated: boolean;
  /** Offsets in the analysed text. */
  start: number;
  end: number;
}

export interface NlpEntity {
  kind: EntityKind;
  /** Token range [first, last] inclusive. */
  first: number;
  last: number;
  start: number;
  end: number;
}

export interface Analysis {
  tokens: NlpToken[];
  entities: NlpEntity[];
}

type Nlp = ReturnType<typeof WinkNlp>;
let shared: Nlp | undefined;

function nlp(): Nlp {
  if (!shared) {
    // CommonJS packages; loading them through require keeps start-up synchronous.
    const require = createRequire(import.meta.url);
    const winkNLP = require('wink-nlp') as typeof WinkNlp;
    const model = require('wink-eng-lite-web-model') as Parameters<typeof WinkNlp>[0];
    shared = winkNLP(model, ['sbd', 'negation', 'pos', 'ner']);
  }
  return shared;
}

const KNOWN_KINDS = new Set<string>([
  'DATE',
  'TIME',
  'DURATION',
  'CARDINAL',
  'ORDINAL',
  'MONEY',
  'PERCENT',
]);

/** Tags, lemmas, negation and entities of `text`, with character offsets into it. */
export function analyze(text: string): Analysis {
  const n = nlp();
  const its = n.its;
  const doc = n.readDoc(text);
  const tokens: NlpToken[] = [];
  let cursor = 0;
  doc.tokens().each((t: ItemToken) => {
    const value = t.out(its.value) as string;
    let at = text.indexOf(value, cursor);
    if (at < 0) at = cursor; // the model rewrote the token; keep order, approximate position
    const start = at;
    const end = Math.min(text.length, at + value.length);
    cursor = end;
    // The lemma reader's declared type disagrees with `out`'s; it returns a string.
    const lemma = fold(String(t.out(its.lemma as never) ?? value));
    tokens.push({
      text: value,
      word: fold(value),
      lemma,
      stem: /^\d/.test(lemma) ? lemma : stem(lemma),
      pos: t.out(its.pos) as Pos,
      negated: Boolean(t.out(its.negationFlag)),
      start,
      end,
    });
  });
  const entities: NlpEntity[] = [];
  doc.entities().each((e: ItemEntity) => {
    const [first, last] = e.out(its.span) as unknown as [number, number];
    const kind = String(e.out(its.type));
    if (first === undefined || last === undefined || !tokens[first] || !tokens[last]) return;
    entities.push({
      kind: (KNOWN_KINDS.has(kind) ? kind : 'OTHER') as EntityKind,
      first,
      last,
      start: tokens[first].start,
      end: tokens[last].end,
    });
  });
  return { tokens, entities };
}

/** Words that carry content: nouns, proper nouns, verbs, adjectives, adverbs, numbers. */
export function isContent(t: NlpToken): boolean {
  switch (t.pos) {
    case 'NOUN':
    case 'PROPN':
    case 'VERB':
    case 'ADJ':
    case 'NUM':
      return true;
    case 'ADV':
      return t.word.length > 3 && !t.word.endsWith("n't");
    default:
      return false;
  }
}

/** Lowercase words that sit inside names: "Bank of England", "Osama bin Laden", "Vincent van Gogh". */
const NAME_PARTICLES = new Set([
  'of',
  'de',
  'da',
  'del',
  'della',
  'di',
  'bin',
  'ibn',
  'al',
  'van',
  'von',
  'der',
  'den',
  'la',
  'le',
  'du',
]);

/** Runs of proper nouns (with name particles inside: "Bank of England"), as token ranges. */
export function properNounRuns(tokens: readonly NlpToken[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let i = 0;
  while (i < tokens.length) {
    if (tokens[i]!.pos !== 'PROPN') {
      i++;
      continue;
    }
    let j = i;
    for (;;) {
      if (tokens[j + 1]?.pos === 'PROPN') j++;
      else if (NAME_PARTICLES.has(tokens[j + 1]?.word ?? '') && tokens[j + 2]?.pos === 'PROPN')
        j += 2;
      else break;
    }
    runs.push([i, j]);
    i = j + 1;
  }
  return runs;
}
