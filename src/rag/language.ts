/**
 * The language a question is written in (tinyld, a maintained n-gram language detector), so that
 * a question the answerer cannot read gets "please ask in English", never "the story doesn't say".
 */
import { createRequire } from 'node:module';
import { functionWords } from './nlp/english.js';

/** The language the answerer reads (its NLP model and word vectors are English). */
export const ANSWER_LANGUAGE = 'en';

/** Detector confidence above which a question is taken to be in another language. */
const CONFIDENT = 0.5;

/** Share of function words above which a Latin-script question is taken as English. */
const ENGLISH_FUNCTION_SHARE = 0.2;

/**
 * The ISO 639-1 code of the question's language when it is confidently not English, else
 * undefined (English, or too short or mixed to tell: those are answered as usual).
 */
export function foreignLanguageOf(question: string): string | undefined {
  const words = question.split(/\s+/).filter((w) => /\p{L}/u.test(w));
  const nonLatin =
    /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Cyrillic}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Greek}\p{Script=Thai}\p{Script=Devanagari}]/u.test(
      question,
    );
  if (words.length < 3 && !nonLatin) return undefined;
  if (!nonLatin && looksEnglish(question)) return undefined;
  const [top] = detector().detectAll(question);
  if (!top || top.lang === ANSWER_LANGUAGE || top.accuracy < CONFIDENT) return undefined;
  return top.lang;
}

/**
 * At least two English function words, making up a quarter of the words or more. The detector's
 * n-gram model misreads some plain English questions with rare names ("How many Huguenots were in
 * France…" as Kirundi), and takes ~0.13 s to load; this check settles most questions without it.
 */
function looksEnglish(question: string): boolean {
  const { words, function: fn } = functionWords(question);
  return fn >= 2 && fn >= words * ENGLISH_FUNCTION_SHARE;
}

type Detector = typeof import('tinyld');
let loadedDetector: Detector | undefined;

/** tinyld's normal model, loaded on first need (only questions that may not be English). */
function detector(): Detector {
  loadedDetector ??= createRequire(import.meta.url)('tinyld') as Detector;
  return loadedDetector;
}

/**
 * Loads the detector now (~0.25 s), for a process that answers many questions: a short
 * question ("Who joined the army?") has too few function words to pass as English unread.
 */
export function loadLanguageDetector(): void {
  detector();
}

/** "Spanish" for "es" (from the runtime's own locale data), or the code itself. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
