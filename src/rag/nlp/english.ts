/**
 * English NLP for the offline answerer, from wink-nlp and its English light model (a maintained
 * tagger trained on annotated English): parts of speech, lemmas ("met" → "meet"), negation
 * scope, and entities of the kinds a question can ask for (dates, times, durations, numbers,
 * money, percentages, ordinals). Names of people, places and organisations are the proper-noun
 * runs the tagger finds; `kindOfName` tells places apart with a gazetteer.
 *
 * The model takes ~0.3 s to load, so it is loaded once, on first use, and shared.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cachedBytes } from './cache.js';
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

type Model = Parameters<typeof WinkNlp>[0];

function nlp(): Nlp {
  if (!shared) {
    // CommonJS packages; loading them through require keeps start-up synchronous.
    const require = createRequire(import.meta.url);
    const winkNLP = require('wink-nlp') as typeof WinkNlp;
    shared = winkNLP(quickModel(require) ?? (require(MODEL) as Model), [
      'sbd',
      'negation',
      'pos',
      'ner',
    ]);
  }
  return shared;
}

const MODEL = 'wink-eng-lite-web-model';

/** The parts of the model's core JSON that loading rewrites. */
interface CoreJson {
  lexicon: string | Uint32Array;
  xpansions: string | Uint32Array;
  packing: { layout: Record<string, number[]>; efList?: string[] };
  pos: { hash: Record<string, number> };
  features: Record<
    string,
    {
      list: string[];
      hash?: Record<string, number>;
      intrinsicSize?: number;
      index?: number;
      maxIndex?: number;
    }
  >;
}

/**
 * The English model, assembled from the package's own parts with a quicker core loader. The
 * package's loader parses its 3 MB core JSON, copies it through a second stringify and parse, and
 * decodes the packed lexicon one character at a time: half of a CLI start-up. This one parses it
 * once and decodes with Buffer; the result is the same model (tests compare the two on text).
 * Undefined when the package's layout is not the one this was written against: the caller then
 * loads the package as published.
 */
export function quickModel(require: NodeJS.Require): Model | undefined {
  try {
    const dir = path.dirname(require.resolve(MODEL));
    const part = (file: string): unknown => require(path.join(dir, file));
    const coreFile = path.join(dir, 'languages', 'cur', 'models', 'eng-core-web-model.json');
    const model = Object.create(null) as Record<string, unknown>;
    const version = (part('../package.json') as { version?: string }).version ?? 'unknown';
    model.core = () => readCore(coreFile, version);
    for (const [name, file] of [
      ['sbd', 'load-sbd-model.js'],
      ['pos', 'load-pos-model.js'],
      ['ner', 'load-ner-model.js'],
      ['negation', 'load-negation-model.js'],
      ['sa', 'load-sa-model.js'],
      ['metaCER', 'load-cer-meta-model.js'],
    ] as const) {
      model[name] = part(file);
      if (typeof model[name] !== 'function') return undefined;
    }
    model.featureFn = part('feature.js');
    const addons = Object.create(null) as Record<string, unknown>;
    addons.stem = part('porter-stemmer.js');
    addons.lemmatize = part('lemmatize.js');
    addons.readabilityStats = part('readability-stats.js');
    addons.wordVectors = undefined;
    model.addons = addons;
    if (!existsSync(coreFile)) return undefined;
    return model as unknown as Model;
  } catch {
    return undefined;
  }
}

/**
 * A word → index lookup with the shape of a plain object (`hash[word]`, `hash[word] = i`) over
 * the model's 88k words: a binary search of the words in sorted order (an order kept in the cache
 * folder), with words the tagger adds later in a Map. Filling an object with the words took ~60 ms
 * of every CLI answer, a Map ~20 ms; reading the order takes under 1 ms.
 */
function sortedLookup(list: readonly string[], version: string): Record<string, number> {
  const size = list.length;
  const order = lexemeOrder(list, version);
  const find = (word: string): number | undefined => {
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = order[mid]!;
      const w = list[at]!;
      if (w === word) return at;
      if (w < word) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  };
  const added = new Map<string, number>();
  return new Proxy(Object.create(null) as Record<string, number>, {
    get: (_target, key) => (typeof key === 'string' ? (added.get(key) ?? find(key)) : undefined),
    set: (_target, key, value: number) => {
      if (typeof key !== 'string') return false;
      added.set(key, value);
      return true;
    },
    has: (_target, key) => typeof key === 'string' && (added.has(key) || find(key) !== undefined),
  });
}

/** Indices of `list` in code-unit order of their words: from the cache folder, else sorted now. */
function lexemeOrder(list: readonly string[], version: string): Uint32Array {
  const bytes = cachedBytes(
    `wink-lexeme-order-${version}-${list.length}.bin`,
    () => {
      const order = Array.from({ length: list.length }, (_, i) => i);
      order.sort((a, b) => (list[a]! < list[b]! ? -1 : list[a]! > list[b]! ? 1 : a - b));
      return new Uint8Array(Uint32Array.from(order).buffer);
    },
    (b) => b.byteLength === list.length * 4 && isOrdered(list, viewOrder(b)),
  );
  return viewOrder(bytes);
}

function viewOrder(bytes: Uint8Array): Uint32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Uint32Array(copy.buffer);
}

/** Spot-checks a cached order (every 97th pair and the ends): a stale or damaged file fails. */
function isOrdered(list: readonly string[], order: Uint32Array): boolean {
  for (let i = 1; i < order.length; i += i < 2 || i > order.length - 3 ? 1 : 97) {
    const a = list[order[i - 1]!];
    const b = list[order[i]!];
    if (a === undefined || b === undefined || !(a < b)) return false;
  }
  return true;
}

/** Parses the core JSON and builds what the tagger needs: lexicon arrays and lookup hashes. */
function readCore(file: string, version: string): CoreJson {
  const core = JSON.parse(readFileSync(file, 'utf8')) as CoreJson;
  const words = (packed: string | Uint32Array): Uint32Array => {
    if (typeof packed !== 'string') return packed;
    const bytes = Buffer.from(packed, 'base64');
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new Uint32Array(copy.buffer);
  };
  core.lexicon = words(core.lexicon);
  core.xpansions = words(core.xpansions);
  const indexOf = (list: readonly string[]): Record<string, number> => {
    const hash = Object.create(null) as Record<string, number>;
    for (let k = 0; k < list.length; k++) hash[list[k]!] = k;
    return hash;
  };
  const layout = core.packing.layout;
  core.packing.efList = [];
  for (const name in layout) {
    const [, bits, shift, kind, extra] = layout[name]!;
    const feature = core.features[name]!;
    if (kind === 0) {
      feature.hash = indexOf(feature.list);
      feature.intrinsicSize = feature.list.length;
      feature.index = feature.list.length;
      feature.maxIndex = bits! >>> shift!;
    }
    if (extra === 1) core.packing.efList.push(name);
  }
  const lexeme = core.features.lexeme!;
  lexeme.hash = sortedLookup(lexeme.list, version);
  lexeme.intrinsicSize = lexeme.list.length;
  lexeme.index = lexeme.list.length;
  const clusters = core.features.posClusters!.list as unknown as Array<string | Set<number>>;
  for (let k = 0; k < clusters.length; k++) {
    clusters[k] = new Set(
      String(clusters[k])
        .split('_')
        .map((tag) => core.pos.hash[tag] ?? 0),
    );
  }
  return core;
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

/**
 * Of the words in `text`, how many are English function words ("the", "did", "of", "what"): the
 * model's own stop-word list. An English question is full of them; a question in another
 * language written in the Latin script has few ("was", "over" and "a" are shared).
 */
export function functionWords(text: string): { words: number; function: number } {
  const n = nlp();
  const its = n.its;
  let words = 0;
  let fn = 0;
  n.readDoc(text)
    .tokens()
    .each((t: ItemToken) => {
      if (t.out(its.type) !== 'word') return;
      words++;
      if (t.out(its.stopWordFlag)) fn++;
    });
  return { words, function: fn };
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

/** Whether token `i` is written right against the one before it (no space between). */
export function glued(tokens: readonly NlpToken[], i: number): boolean {
  const t = tokens[i];
  return t !== undefined && i > 0 && t.start === tokens[i - 1]!.end;
}
/** A word or number written right against the token before it ("2" + "A" of "2A"). */
function gluedWord(tokens: readonly NlpToken[], i: number): boolean {
  return glued(tokens, i) && /^[\p{L}\p{N}]+$/u.test(tokens[i]!.text);
}
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
      if (gluedWord(tokens, j + 1)) j++;
      // "Saint-Evroul", "Astra 2A": pieces the tokenizer split off a written-together name.
      else if (
        tokens[j + 1]?.text === '-' &&
        glued(tokens, j + 1) &&
        gluedWord(tokens, j + 2) &&
        /^[\p{Lu}\p{N}]/u.test(tokens[j + 2]!.text) // not "Norman-educated"
      )
        j += 2;
      else if (tokens[j + 1]?.pos === 'NUM' && gluedWord(tokens, j + 2)) j += 2;
      else if (tokens[j + 1]?.pos === 'PROPN') j++;
      else if (NAME_PARTICLES.has(tokens[j + 1]?.word ?? '') && tokens[j + 2]?.pos === 'PROPN')
        j += 2;
      else break;
    }
    runs.push([i, j]);
    i = j + 1;
  }
  return runs;
}

const UNITS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINAL_UNITS = [
  'zeroth',
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
];
/** Number words and their values: "three" and "third" are 3, "twentieth" is 20. */
const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ...UNITS.map((w, i) => [w, i] as const),
  ...ORDINAL_UNITS.map((w, i) => [w, i] as const),
  ...TENS.flatMap((w, i) =>
    w ? [[w, i * 10] as const, [`${w.slice(0, -1)}ieth`, i * 10] as const] : [],
  ),
  ['hundred', 100],
  ['hundredth', 100],
]);
/**
 * The value a single word writes, whether in digits or letters, cardinal or ordinal ("3", "3rd",
 * "three", "third" are all 3), so that "the 3rd son" and "the third son" match; undefined for
 * other words.
 */
export function numberValue(word: string): number | undefined {
  const w = word.toLowerCase();
  const digits = /^(\d+)(?:st|nd|rd|th)?$/.exec(w);
  if (digits) return Number(digits[1]);
  return NUMBER_WORDS.get(w);
}
