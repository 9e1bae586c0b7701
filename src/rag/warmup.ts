/**
 * Loads now what answering otherwise loads on the way, inside the first question that needs it:
 * the English model, WordNet's tables, the gazetteer, the date reader and the language detector
 * (about half a second together; the date reader alone ~0.3 s). A process that answers many
 * questions (the bot, the benchmarks) calls it once at start so that no user's question pays for
 * it; a one-shot `storybot ask` does not, as it would only add to its start-up.
 */
import { readQuestion } from './answer/question.js';
import { foreignLanguageOf, loadLanguageDetector } from './language.js';
import { setNlpCacheDir } from './nlp/cache.js';
import { isKnownPlace } from './nlp/gazetteer.js';
import { antonymsOf, commonWordOnly, nounClassOf, relatedOf } from './nlp/wordnet.js';
import { findDates } from './query.js';
import { parseSince, timeIntent } from './time.js';

const QUESTION = 'Which city did the mayor visit after 3 May 2024, and why did prices rise?';

/** Loads the answerer's lazily loaded data; `cacheDir` is where the NLP tables are kept. */
export function warmUpAnswering(cacheDir: string): void {
  setNlpCacheDir(cacheDir);
  readQuestion(QUESTION);
  antonymsOf('rise');
  relatedOf('rise');
  nounClassOf('city');
  commonWordOnly('city');
  isKnownPlace('Paris');
  foreignLanguageOf(QUESTION);
  // The question above reads as English without it; many short questions do not.
  loadLanguageDetector();
  findDates(QUESTION);
  timeIntent('What has happened since 3 May?');
  // The date reader's first few parses are each slow (~0.1 s), whatever the date's form.
  for (const day of ['3 June 2024', 'Monday', '12 Nov', 'last week']) parseSince(day);
}
