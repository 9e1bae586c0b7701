/**
 * Citations are built in code from passage data, never from model text: the quote is always a
 * slice of the article body and the link always the article's own.
 */
import { sentenceText } from '../chunk.js';
import type { Citation, Passage, Span } from '../types.js';

/** A citation numbered `n` quoting `spans` (sentences of the passage's chunk, in order). */
export function citationFor(n: number, passage: Passage, spans: Span[]): Citation {
  const first = Math.min(...spans.map((s) => s.start));
  const last = Math.max(...spans.map((s) => s.end));
  // One contiguous slice, so the quote is verbatim even when the cited sentences are not adjacent.
  const quote = sentenceText(passage.chunk, { start: first, end: last });
  const { article } = passage;
  return {
    n,
    chunkId: passage.chunk.id,
    articleId: passage.chunk.articleId,
    title: article.title,
    quote,
    ...(article.url ? { url: article.url } : {}),
    ...(article.source ? { source: article.source } : {}),
    ...(article.publishedAt ? { publishedAt: article.publishedAt } : {}),
  };
}

/** Markers like `[2]` or `[1, 3]` found in a text, in order of appearance. */
export function citationMarkers(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/\[(\d+(?:\s*,\s*\d+)*)\]/g))
    for (const n of m[1]!.split(',')) out.push(Number(n.trim()));
  return out;
}
