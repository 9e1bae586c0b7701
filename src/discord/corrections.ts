/**
 * Corrections noticed: before the Sources button shows an answer's quotes, each is checked
 * against the index now serving. A quote whose article was re-indexed with different text, or
 * removed, is not shown as if it were current.
 */
import type { Engine } from '../rag/engine.js';
import { formatDay } from '../rag/time.js';
import type { Citation } from '../rag/types.js';

/** Notices for the citations whose quotes are no longer in the serving index, by `[n]`. */
export function staleQuoteNotices(
  engine: Pick<Engine, 'quoteStatus'> | undefined,
  citations: Citation[],
): Map<number, string> {
  const notices = new Map<number, string>();
  if (!engine) return notices;
  for (const c of citations) {
    const check = engine.quoteStatus(c);
    if (check.status === 'removed')
      notices.set(c.n, 'This article has been removed from the corpus since this answer.');
    else if (check.status === 'changed') {
      const when = check.revisedAt ? ` (re-indexed ${formatDay(check.revisedAt)})` : '';
      notices.set(
        c.n,
        `This article has changed since this answer${when}: the quote has since changed and is no longer in it.`,
      );
    }
  }
  return notices;
}
