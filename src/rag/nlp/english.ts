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
import { Module, createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { cachedBytes } from './cache.js';
import type WinkNlp from 'wink-nlp';
import type { ItemEntity, ItemToken } from 'wink-nlp';
import { fold, stem } from '../text.js';
import { commonWordOnly } from './wordnet.js';

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
 * The English model, assembled from the package's own parts with a quicker loader. The package's
 * loader parses its 3 MB core JSON, copies it through a second stringify and parse, and decodes
 * the packed lexicon one character at a time: half of a CLI start-up. This one reads the core,
 * and the lemmatizer's WordNet exception lists, from a packed copy in the cache folder (built
 * from the package on first use), and gives the sentiment step, which the pipe never runs, an
 * empty machine instead of parsing its 400 kB. The result reads text exactly as the published
 * model does (tests compare the two). Undefined when the package's layout is not the one this was
 * written against, or its data cannot be read: the caller then loads the package as published.
 */
export function quickModel(require: NodeJS.Require): Model | undefined {
  try {
    const dir = path.dirname(require.resolve(MODEL));
    const part = (file: string): unknown => require(path.join(dir, file));
    const coreFile = path.join(dir, 'languages', 'cur', 'models', 'eng-core-web-model.json');
    if (!existsSync(coreFile)) return undefined;
    const version = (part('../package.json') as { version?: string }).version ?? 'unknown';
    const packed = readPacked(dir, coreFile, version);
    if (!packed) return undefined;
    LEMMA_EXCEPTIONS.forEach((file, k) => {
      const at = path.join(dir, file);
      if (require.cache[at]) return;
      const seeded = new Module(at);
      seeded.filename = at;
      seeded.exports = packed.exceptions[k];
      seeded.loaded = true;
      require.cache[at] = seeded;
    });
    const model = Object.create(null) as Record<string, unknown>;
    // Each tagger built on this model reads its own core: the tagger adds words to it.
    let unused: Packed | undefined = packed;
    model.core = () => {
      const next = unused ?? readPacked(dir, coreFile, version);
      unused = undefined;
      if (!next) throw new Error('the English model could not be read');
      return readCore(next);
    };
    for (const [name, file] of [
      ['sbd', 'load-sbd-model.js'],
      ['pos', 'load-pos-model.js'],
      ['ner', 'load-ner-model.js'],
      ['negation', 'load-negation-model.js'],
      ['metaCER', 'load-cer-meta-model.js'],
    ] as const) {
      model[name] = part(file);
      if (typeof model[name] !== 'function') return undefined;
    }
    const saSetter = part('sa-setter.js');
    model.sa = () => ({ machines: [EMPTY_MACHINE], setter: saSetter });
    model.featureFn = part('feature.js');
    const addons = Object.create(null) as Record<string, unknown>;
    addons.stem = part('porter-stemmer.js');
    addons.lemmatize = part('lemmatize.js');
    addons.readabilityStats = part('readability-stats.js');
    addons.wordVectors = undefined;
    model.addons = addons;
    return model as unknown as Model;
  } catch {
    return undefined;
  }
}

/** The lemmatizer's WordNet exception lists ("went" → "go"), which it requires by these names. */
const LEMMA_EXCEPTIONS = [
  'wn-adjective-exceptions.js',
  'wn-noun-exceptions.js',
  'wn-verb-exceptions.js',
] as const;

/** A state machine that matches nothing, in the tagger's export format. */
const EMPTY_MACHINE = JSON.stringify([100, 0, { 0: {} }, {}, {}, {}]);

/**
 * A word → index lookup with the shape of a plain object (`hash[word]`, `hash[word] = i`) over
 * the model's 88k words: a binary search of the words in sorted order, with words the tagger adds
 * later in a Map. Filling an object with the words took ~60 ms of every CLI answer, a Map ~20 ms.
 */
function sortedLookup(words: PackedWords): Record<string, number> {
  const { order, size } = words;
  const find = (word: string): number | undefined => {
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = order[mid]!;
      const sign = words.compare(at, word);
      if (sign === 0) return at;
      if (sign < 0) lo = mid + 1;
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

/**
 * The model's word list as the tagger uses it (`list[i]`, `list.length`, `list.push(word)`),
 * each word cut from one string on demand: 88k separate strings cost ~30 ms to parse and as much
 * again in garbage collection on every start.
 */
function wordList(words: PackedWords): string[] {
  const added: string[] = [];
  const { size } = words;
  const push = (...more: string[]): number => added.push(...more) + size;
  return new Proxy([] as string[], {
    get: (target, key, receiver) => {
      if (typeof key === 'string') {
        const c = key.charCodeAt(0);
        if (c >= 48 && c <= 57) {
          const i = Number(key);
          return i < size ? words.at(i) : added[i - size];
        }
        if (key === 'length') return size + added.length;
        if (key === 'push') return push;
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/** The model's words, packed: one string, where each word starts, and their sorted order. */
interface PackedWords {
  size: number;
  at(i: number): string;
  /** The sign of word `i` against `word` in code-unit order, without cutting it out. */
  compare(i: number, word: string): number;
  /** Indices in code-unit order of their words. */
  order: Uint32Array;
}

/** Spot-checks an order (every 97th pair and the ends): a stale or damaged one fails. */
function isOrdered(words: PackedWords): boolean {
  const { order } = words;
  if (order.length !== words.size) return false;
  for (let i = 1; i < order.length; i += i < 2 || i > order.length - 3 ? 1 : 97) {
    const a = order[i - 1]!;
    const b = order[i]!;
    if (a >= words.size || b >= words.size || !(words.at(a) < words.at(b))) return false;
  }
  return true;
}

/**
 * The core model in the cache folder's binary form, every section starting on a 4-byte
 * boundary: a magic, a digest, five lengths, then the core JSON without its word list and packed
 * arrays (plus the lemmatizer's exception lists) in ASCII, so decoding it is a copy; the words as
 * one Latin-1 string with their offsets and sorted order; the lexicon and expansions as raw
 * 32-bit words. Parsing the published 3 MB JSON (UTF-8 decoding, 88k strings, base64) was the
 * largest part of a CLI answer's start-up.
 */
const CORE_MAGIC = 'SBWINK03';
const CORE_FIELDS = 5;
/** A SHA-256 of everything after it follows the magic: a damaged byte anywhere is caught. */
const DIGEST_BYTES = 32;

/** What the packed form holds. */
interface Packed {
  core: CoreJson;
  words: PackedWords;
  exceptions: Array<Record<string, string>>;
}

/** The packed model, from the cache folder, else packed now (and saved when there is a folder). */
function readPacked(dir: string, coreFile: string, version: string): Packed | undefined {
  let read: Packed | undefined;
  const bytes = cachedBytes(
    `wink-core-${version}.bin`,
    () => packCore(dir, coreFile),
    (b) => (read = unpackCore(b)) !== undefined,
  );
  return read ?? unpackCore(bytes);
}

/** Bytes of `text` in latin1, padded with spaces to a multiple of 4. */
function padded(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  const pad = (4 - (bytes.byteLength % 4)) % 4;
  return pad === 0 ? bytes : Buffer.concat([bytes, Buffer.alloc(pad, 0x20)]);
}

/** Packs the published core JSON and the lemmatizer's exception lists into the cached form. */
function packCore(dir: string, coreFile: string): Uint8Array {
  const core = JSON.parse(readFileSync(coreFile, 'utf8')) as CoreJson & Record<string, unknown>;
  const load = createRequire(coreFile);
  const exceptions = LEMMA_EXCEPTIONS.map((file) => load(path.join(dir, file)) as unknown);
  const lexicon = Buffer.from(core.lexicon as string, 'base64');
  const xpansions = Buffer.from(core.xpansions as string, 'base64');
  const list = core.features.lexeme!.list;
  const order = Uint32Array.from(
    Array.from({ length: list.length }, (_, i) => i).sort((a, b) =>
      list[a]! < list[b]! ? -1 : list[a]! > list[b]! ? 1 : a - b,
    ),
  );
  // Words with a character past Latin-1 ("can’t": 651 of them) are kept in the header, so the
  // rest is a one-byte string: half the bytes to read and to hold.
  const wide: Record<number, string> = {};
  const offsets = new Uint32Array(list.length + 1);
  const narrow = list.map((word, i) => {
    const latin1 = !/[^\u0000-\u00ff]/.test(word);
    if (!latin1) wide[i] = word;
    offsets[i + 1] = offsets[i]! + (latin1 ? word.length : 0);
    return latin1 ? word : '';
  });
  const chars = padded(narrow.join(''));
  const rest = { ...core, lexicon: '', xpansions: '', exceptions, wide };
  rest.features = { ...core.features, lexeme: { list: [] } };
  const ascii = JSON.stringify(rest).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const header = padded(ascii);
  const fields = Uint32Array.from([
    header.byteLength,
    chars.byteLength,
    list.length,
    lexicon.byteLength,
    xpansions.byteLength,
  ]);
  const body = Buffer.concat([
    new Uint8Array(fields.buffer),
    header,
    chars,
    new Uint8Array(offsets.buffer),
    new Uint8Array(order.buffer),
    lexicon,
    xpansions,
  ]);
  const digest = createHash('sha256').update(body).digest();
  return Buffer.concat([Buffer.from(CORE_MAGIC, 'latin1'), digest, body]);
}

/** Reads the cached form back; undefined when it is cut short, damaged or of another layout. */
function unpackCore(bytes: Uint8Array): Packed | undefined {
  try {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const head = CORE_MAGIC.length + DIGEST_BYTES;
    if (buf.byteLength < head + 4 * CORE_FIELDS) return undefined;
    if (buf.toString('latin1', 0, CORE_MAGIC.length) !== CORE_MAGIC) return undefined;
    const digest = createHash('sha256').update(buf.subarray(head)).digest();
    if (!digest.equals(buf.subarray(CORE_MAGIC.length, head))) return undefined;
    // A view where the section is aligned (a file read whole is), else a copy.
    const u32 = (from: number, count: number): Uint32Array => {
      if ((buf.byteOffset + from) % 4 === 0) {
        return new Uint32Array(buf.buffer, buf.byteOffset + from, count);
      }
      const out = new Uint32Array(count);
      new Uint8Array(out.buffer).set(buf.subarray(from, from + 4 * count));
      return out;
    };
    const [headerLen = 0, charsLen = 0, size = 0, lexLen = 0, xpLen = 0] = Array.from(
      u32(head, CORE_FIELDS),
    );
    let at = head + 4 * CORE_FIELDS;
    const total = at + headerLen + charsLen + 4 * (2 * size + 1) + lexLen + xpLen;
    const aligned = [headerLen, charsLen, lexLen, xpLen].every((n) => n % 4 === 0);
    if (total !== buf.byteLength || !aligned) return undefined;
    const rest = JSON.parse(buf.toString('latin1', at, (at += headerLen))) as CoreJson & {
      exceptions?: unknown;
      wide?: Record<number, string>;
    };
    const charsAt = at;
    const offsets = u32((at += charsLen), size + 1);
    const order = u32((at += 4 * (size + 1)), size);
    at += 4 * size;
    const units = offsets[size]!;
    const wide = rest.wide;
    if (units > charsLen || typeof wide !== 'object' || wide === null) return undefined;
    const text = buf.toString('latin1', charsAt, charsAt + units);
    // Each word is cut from the string once, when the tagger first asks for it.
    const cut: Array<string | undefined> = [];
    const wordAt = (i: number): string => {
      let w = cut[i];
      if (w === undefined) {
        const from = offsets[i]!;
        const to = offsets[i + 1]!;
        w = from === to ? (wide[i] ?? '') : text.slice(from, to);
        cut[i] = w;
      }
      return w;
    };
    const compare = (i: number, word: string): number => {
      const from = offsets[i]!;
      const to = offsets[i + 1]!;
      if (from === to) {
        const w = wide[i] ?? '';
        return w < word ? -1 : w > word ? 1 : 0;
      }
      const n = Math.min(to - from, word.length);
      for (let k = 0; k < n; k++) {
        const d = text.charCodeAt(from + k) - word.charCodeAt(k);
        if (d !== 0) return d;
      }
      return to - from - word.length;
    };
    const words: PackedWords = { size, order, at: wordAt, compare };
    if (!isOrdered(words)) return undefined;
    const { exceptions } = rest;
    if (!Array.isArray(exceptions) || exceptions.length !== LEMMA_EXCEPTIONS.length) {
      return undefined;
    }
    delete rest.exceptions;
    delete rest.wide;
    rest.lexicon = u32(at, lexLen / 4);
    rest.xpansions = u32(at + lexLen, xpLen / 4);
    // The package builds these lists without a prototype: "constructor" is no exception.
    const lists = exceptions.map((e) => Object.setPrototypeOf(e, null) as Record<string, string>);
    return { core: rest, words, exceptions: lists };
  } catch {
    return undefined;
  }
}

/** Builds what the tagger needs from the packed core: lookup hashes and the word list. */
function readCore({ core, words }: Packed): CoreJson {
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
  lexeme.list = wordList(words);
  lexeme.hash = sortedLookup(words);
  lexeme.intrinsicSize = words.size;
  lexeme.index = words.size;
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

/**
 * True at the "not" of "*not only* X but also Y", which asserts both X and Y: no negation.
 */
export function notOnlyAt(tokens: readonly NlpToken[], i: number): boolean {
  return tokens[i]?.word === 'not' && ONLY_WORDS.has(tokens[i + 1]?.word ?? '');
}
/** Clears the negation wink reads into "not only …", up to the clause's end. */
function clearNotOnly(tokens: NlpToken[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (!notOnlyAt(tokens, i)) continue;
    tokens[i]!.negated = false;
    for (let j = i + 1; j < tokens.length && !CLAUSE_END.has(tokens[j]!.word); j++)
      tokens[j]!.negated = false;
  }
}
const ONLY_WORDS: ReadonlySet<string> = new Set(['only', 'just', 'merely', 'simply']);
/**
 * Ends a negation wink carries to the clause's end where a new clause joins: "*no* pilots would
 * lose their jobs *and that* most cuts would fall on office staff" denies nothing of the cuts.
 */
function endNegationAtJoin(tokens: NlpToken[]): void {
  let open = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!t.negated) {
      open = false;
      continue;
    }
    const joins = CLAUSE_JOINS.has(t.word) || (t.word === 'and' && tokens[i + 1]?.word === 'that');
    if (open && joins) {
      for (let j = i; j < tokens.length && tokens[j]!.negated; j++) tokens[j]!.negated = false;
      open = false;
      continue;
    }
    open = true;
  }
}
const CLAUSE_JOINS: ReadonlySet<string> = new Set([
  'but',
  'while',
  'whereas',
  'although',
  'though',
  'yet',
]);
/**
 * "*tuition*-free", "*tax*-free": the word before a hyphened "free" is denied (no tuition, no
 * tax), as "charge *no* tuition" denies it; wink reads no negation there.
 */
export function isFreeOf(tokens: readonly NlpToken[], i: number): boolean {
  const [word, hyphen, free] = [tokens[i], tokens[i + 1], tokens[i + 2]];
  return (
    word !== undefined &&
    hyphen !== undefined &&
    free !== undefined &&
    /^\p{L}+$/u.test(word.text) &&
    hyphen.text === '-' &&
    free.word === 'free' &&
    hyphen.start === word.end &&
    free.start === hyphen.end
  );
}
function markFreeOf(tokens: NlpToken[]): void {
  tokens.forEach((t, i) => {
    if (isFreeOf(tokens, i)) t.negated = true;
  });
}

const CLAUSE_END: ReadonlySet<string> = new Set(['.', ';', ':', '!', '?']);

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
  clearNotOnly(tokens);
  endNegationAtJoin(tokens);
  markFreeOf(tokens);
  return { tokens, entities };
}

/** What a sentence's opening word may be read again as (see `analyzeSentence`). */
const MODIFIER_OPENINGS: ReadonlySet<Pos> = new Set<Pos>(['ADJ', 'DET', 'ADV', 'NUM']);

/**
 * A passage sentence's analysis. The tagger takes a capitalized word that opens a sentence for a
 * name ("*Several* families settled…", "*Subsequent* to the war…"), and a name is what "who" and
 * "what" questions are answered with. When the sentence read with that word in lower case makes
 * it a modifier (adjective, determiner, adverb, number), WordNet writes it only in lower case,
 * and the passage never capitalizes it mid-sentence (`capitalizedElsewhere`, asked only then),
 * that reading is kept. A noun stays as the tagger read it: a capitalized noun may head a name
 * ("Apple", "Sportsbooks" as an answer), and a benchmark of news questions lost answers when
 * nouns were read again too.
 */
export function analyzeSentence(
  text: string,
  capitalizedElsewhere: (written: string) => boolean,
): Analysis {
  const first = analyze(text);
  const at = first.tokens.findIndex((t) => /\p{L}/u.test(t.text));
  const opening = first.tokens[at];
  if (
    !opening ||
    opening.pos !== 'PROPN' ||
    !/^\p{Lu}\p{Ll}+$/u.test(opening.text) ||
    first.tokens[at + 1]?.pos === 'PROPN' ||
    capitalizedElsewhere(opening.text)
  )
    return first;
  const lowered =
    text.slice(0, opening.start) + opening.text[0]!.toLowerCase() + text.slice(opening.start + 1);
  const again = analyze(lowered);
  const retagged = again.tokens[at];
  if (
    again.tokens.length !== first.tokens.length ||
    !retagged ||
    !MODIFIER_OPENINGS.has(retagged.pos) ||
    !commonWordOnly(retagged.lemma)
  )
    return first;
  again.tokens[at] = { ...retagged, text: opening.text };
  return again;
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
