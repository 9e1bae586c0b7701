/**
 * Whether a question leans on the previous turn ("and Japan?", "why did she say that?"), so the
 * retriever and the answerer carry that turn's words over.
 */
import { fold, STOPWORDS, tokenize } from '../text.js';

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
