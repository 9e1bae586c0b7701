/**
 * What a question asks for, and whether a sentence offers that kind of thing. Pure heuristics
 * over English surface forms: no model, so they are deliberately simple and inspectable.
 */
import { fold, STOPWORDS, tokenize, type Token } from '../text.js';

export type AnswerType =
  'person' | 'time' | 'place' | 'number' | 'duration' | 'reason' | 'yesno' | 'other';

const WEEKDAYS = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday';
const MONTHS =
  'january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec';
const NUMBER_WORDS =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|dozen|dozens|half|percent|per cent';
const TIME_UNITS = 'seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?';
const ROLE_NOUNS =
  'president|minister|official|officials|spokesman|spokeswoman|spokesperson|leader|leaders|secretary|chancellor|premier|king|queen|ceo|chief|director|ambassador|envoy|senator|governor|mayor|judge|general|agency|ministry|government|administration|prime';

const TIME_RE = new RegExp(
  `\\b(${WEEKDAYS}|${MONTHS}|yesterday|today|tomorrow|tonight|last (week|month|year)|next (week|month|year)|this (week|month|year)|(early|late|mid)[- ]?\\w+|\\d{1,2}:\\d{2}|\\b(1[89]|20)\\d{2}\\b|since then|earlier|later|ago|morning|afternoon|evening|night)\\b`,
  'i',
);
const NUMBER_RE = new RegExp(`(\\d|\\b(${NUMBER_WORDS})\\b|%|\\$|€|£|¥)`, 'i');
const DURATION_RE = new RegExp(
  `\\b(\\d+|${NUMBER_WORDS}|several|few|a|an)\\s+(${TIME_UNITS})\\b|\\bfor (hours|days|weeks|months|years)\\b`,
  'i',
);
const REASON_RE =
  /\b(because|due to|as a result|owing to|driven by|amid|after|following|since|in response|prompted|caused|led to|reason|so that|in order to|aimed at|over (its|his|her|their|the))\b/i;

/** Classifies the question by what kind of answer would satisfy it. */
export function answerTypeOf(question: string): AnswerType {
  const q = fold(question).replace(/\s+/g, ' ').trim();
  if (
    /\bhow long\b|\bfor how (long|many (days|weeks|months|years|hours|minutes))\b|\bwhat (was|is) the duration\b/.test(
      q,
    )
  )
    return 'duration';
  if (
    /\b(how (much|many)|what (percentage|percent|share|number|amount|sum|proportion)|by how much|what (was|is) the (cost|price|value|figure))\b/.test(
      q,
    )
  )
    return 'number';
  if (
    /\b(when|what (day|date|time|year|month)|which (day|date|year|month)|on what (day|date))\b/.test(
      q,
    )
  )
    return 'time';
  if (
    /\b(why|what (reason|caused|prompted|led|drove|triggered)|for what reason|what is behind|how come)\b/.test(
      q,
    )
  )
    return 'reason';
  if (/\b(where|which (country|city|place|region|nation)|in what (country|city|place))\b/.test(q))
    return 'place';
  if (/\b(who|whom|whose|which (person|leader|official|president|minister))\b/.test(q))
    return 'person';
  if (
    /^(and |so |but )?(did|does|do|is|are|was|were|has|have|had|can|could|will|would|should)\b/.test(
      q,
    )
  )
    return 'yesno';
  return 'other';
}

/**
 * True when `sentence` contains something of the kind `type` asks for. For people and places
 * the thing must be new: a name or role the question itself does not already give.
 */
export function offersAnswerType(
  type: AnswerType,
  sentence: string,
  tokens: Token[],
  questionWords: ReadonlySet<string> = new Set(),
): boolean {
  switch (type) {
    case 'time':
      return TIME_RE.test(sentence);
    case 'number':
      return NUMBER_RE.test(sentence);
    case 'duration':
      return DURATION_RE.test(sentence);
    case 'reason':
      return REASON_RE.test(sentence);
    case 'person':
      return (
        tokens.some((t) => !questionWords.has(t.word) && ROLE_WORDS.has(t.word)) ||
        hasProperName(tokens, questionWords)
      );
    case 'place':
      return hasProperName(tokens, questionWords);
    default:
      return true;
  }
}

const ROLE_WORDS = new Set(ROLE_NOUNS.split('|'));

/** A capitalized word, not merely sentence-initial, that the question does not contain. */
function hasProperName(tokens: Token[], questionWords: ReadonlySet<string>): boolean {
  return tokens.some(
    (t, i) => i > 0 && t.capitalized && !STOPWORDS.has(t.word) && !questionWords.has(t.word),
  );
}

/** Types whose absence from every candidate sentence means the story does not say. */
export const STRICT_TYPES: ReadonlySet<AnswerType> = new Set(['time', 'number', 'duration']);

/**
 * Names in the question: capitalized words that are not its first word, plus numbers.
 * If the story never mentions one of them, it cannot answer the question.
 */
export function namedTerms(question: string): Token[] {
  const tokens = tokenize(question);
  return tokens.filter(
    (t, i) => !STOPWORDS.has(t.word) && ((t.capitalized && i > 0) || /^\d/.test(t.word)),
  );
}

/** Words that mark a question as a follow-up needing the previous turn ("and Japan?"). */
export function isFollowUp(question: string): boolean {
  const q = fold(question).trim();
  if (/^(and|what about|how about|also|but|so|then|what else|why not|same for)\b/.test(q))
    return true;
  if (
    /\b(he|she|they|them|it|that|this|those|these|his|her|their)\b/.test(q) &&
    tokenize(q).filter((t) => !STOPWORDS.has(t.word)).length <= 4
  )
    return true;
  return tokenize(q).filter((t) => !STOPWORDS.has(t.word)).length <= 1;
}
