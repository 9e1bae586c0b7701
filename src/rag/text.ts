/**
 * Text primitives shared by chunking, the lexical index, the local embedder and the answerers.
 * All pure and deterministic.
 */
import { stemmer } from 'stemmer';
import type { Span } from './types.js';

// Words that end in a period without ending a sentence.
const ABBREVIATIONS = new Set(
  (
    'mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep rev hon pres ' +
    'inc ltd co corp bros dept univ assn est approx vs etc al fig no nos vol pp ed eds ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun'
  ).split(' '),
);

const CLOSERS = `"'”’)]»`;

/**
 * Splits text into sentence spans. A boundary is terminal punctuation (plus closing quotes or
 * brackets) followed by whitespace and something that can start a sentence, or a line break.
 * Abbreviations, initials ("J. Smith", "U.S.") and decimals do not end sentences.
 */
export function splitSentences(text: string, offset = 0): Span[] {
  const spans: Span[] = [];
  let start = 0;
  const push = (end: number): void => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s]!)) s++;
    while (e > s && /\s/.test(text[e - 1]!)) e--;
    if (e > s) spans.push({ start: s + offset, end: e + offset });
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      push(i);
      continue;
    }
    if (
      ch !== '.' &&
      ch !== '!' &&
      ch !== '?' &&
      ch !== '…' &&
      ch !== '。' &&
      ch !== '！' &&
      ch !== '？'
    )
      continue;
    let j = i + 1;
    while (j < text.length && (text[j] === '.' || text[j] === '!' || text[j] === '?')) j++;
    while (j < text.length && CLOSERS.includes(text[j]!)) j++;
    if ('。！？'.includes(ch)) {
      push(j);
      i = j - 1;
      continue;
    }
    if (j < text.length && !/\s/.test(text[j]!)) continue; // "3.5", "U.S.", "e.g.x"
    let k = j;
    while (k < text.length && text[k] === ' ') k++;
    const next = text[k];
    if (next === undefined) break;
    if (next !== '\n' && !/[\p{Lu}\p{N}"'“‘(\[\p{Lo}]/u.test(next)) continue;
    if (ch === '.' && j === i + 1) {
      const word = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, i - 12), i))?.[1] ?? '';
      const bare = word.replace(/\./g, '').toLowerCase();
      if (ABBREVIATIONS.has(bare)) continue;
      if (/^\p{Lu}$/u.test(word)) continue; // an initial: "John F. Kennedy"
      if (/^(\p{L}\.)+\p{L}$/u.test(word)) continue; // "U.S" before the final period
    }
    push(j);
    i = j - 1;
  }
  push(text.length);
  return spans;
}

// Short, frequent English words that carry no topic. Kept small on purpose: negations and
// question words are kept elsewhere where they matter.
export const STOPWORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him himself his how ' +
    'i if in into is it its itself just me more most my myself no nor not of off on once only or other our ours ourselves out over own ' +
    'same she should so some such than that the their theirs them themselves then there these they this those through to too under until up ' +
    'very was we were what when where which while who whom why will with would you your yours yourself yourselves ' +
    'also said says say tell told according did does done get got may might must shall us one ' +
    "whats who's what's"
  ).split(/\s+/),
);

const ASCII = /^[\x00-\x7f]*$/;

/** Lowercases and strips accents so "Élysée" and "elysee" meet. */
export function fold(text: string): string {
  // ASCII has nothing to decompose or strip, and is most of what is folded.
  if (ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** A word: letters and digits, with one apostrophe suffix ("China's"). The one word pattern. */
export const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** English month names, January first, lowercase. The one month table. */
export const MONTHS: readonly string[] = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** A month as written in running text ("October"), from its number (1–12). */
export function monthName(month: number): string {
  const m = MONTHS[month - 1] ?? '';
  return m.charAt(0).toUpperCase() + m.slice(1);
}

/** A word of the text with its position. */
export interface Token {
  /** Folded surface form ("tariffs"). */
  word: string;
  /** Porter stem of the folded form ("tariff"); the lexical index's term. */
  stem: string;
  start: number;
  end: number;
  /** The word started with a capital letter in the original text. */
  capitalized: boolean;
}

const stemCache = new Map<string, string>();
/** Porter stem with a bounded memo (the same words recur constantly). */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = /^\d/.test(word) ? word : stemmer(word);
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Splits text into word tokens (letters and digits), possessives folded ("China's" → "china"). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const raw = m[0];
    let word = fold(raw);
    if (word.includes("'") || word.includes('’'))
      word = word.replace(/['’]s$/, '').replace(/['’]/g, '');
    // "US" and "U.S." name a country; lowercased they would collide with the pronoun "us".
    if (raw === 'US' || (raw === 'U' && text.slice(m.index!, m.index! + 4) === 'U.S.'))
      word = 'usa';
    if (raw === 'S' && text.slice(m.index! - 2, m.index! + 2) === 'U.S.') continue;
    if (word === '') continue;
    out.push({
      word,
      stem: stem(word),
      start: m.index!,
      end: m.index! + raw.length,
      capitalized: isCapitalized(raw),
    });
  }
  return out;
}

/** True when the word starts with an upper-case letter (ASCII checked without a regex). */
function isCapitalized(raw: string): boolean {
  const c = raw.charCodeAt(0);
  return c < 128 ? c >= 65 && c <= 90 : /^\p{Lu}/u.test(raw);
}

/** Stems of the topical words of `text`, in order, with repeats (for BM25 term frequency). */
export function contentStems(text: string): string[] {
  return contentStemsOf(tokenize(text));
}

/** `contentStems` of a text already tokenized (an index build tokenizes each chunk once). */
export function contentStemsOf(tokens: Token[]): string[] {
  const out: string[] = [];
  for (const t of tokens) if (!STOPWORDS.has(t.word) && t.word.length > 0) out.push(t.stem);
  return out;
}

/** FNV-1a 32-bit hash, for feature hashing. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Terminal strings (window titles, hyperlinks: ESC ] … BEL or ESC \\), whose payload is no text. */
const OSC = /\u001b[\]P^_][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
/** ANSI escape sequences: CSI (colours, cursor moves) and two-character forms. */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;
/** C0 and C1 control characters except tab and newline. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
/** Bidirectional overrides, embeddings, isolates and marks: they can reorder displayed text. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Zero-width characters that hide content or split keywords; U+200D stays (emoji sequences need it). */
const ZERO_WIDTH = /[\u180e\u200b\u200c\u2060-\u2064\ufeff]/g;

/**
 * Removes what text pasted by a person can carry besides words: terminal escapes, control
 * characters, bidirectional controls and zero-width characters; line breaks become `\n`.
 * Letters of every script, emoji and markdown are kept. The one sanitizer for the CLI, the
 * pipeline and Discord, in two modes:
 * - `display` (text we show): controls vanish; U+200D stays so emoji sequences render;
 * - `words` (text we search): a control becomes a space so the words it separated stay apart,
 *   and U+200D goes too, since inside a word it would only hide that word from the index.
 */
export function stripUnsafeChars(text: string, mode: 'display' | 'words' = 'display'): string {
  const clean = text
    .replace(/\r\n?/g, '\n')
    .replace(OSC, '')
    .replace(ANSI, '')
    .replace(BIDI, '')
    .replace(ZERO_WIDTH, '');
  return mode === 'display'
    ? clean.replace(CONTROL, '')
    : clean.replace(CONTROL, ' ').replace(/\u200d/g, '');
}

/** `stripUnsafeChars` for search, then whitespace collapsed: a question on one line. */
export function cleanUserText(text: string): string {
  return stripUnsafeChars(text, 'words').replace(/\s+/g, ' ').trim();
}
