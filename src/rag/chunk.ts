/**
 * Article → chunks of whole sentences, each remembering where every sentence sits in the
 * article body so that citations can quote exact sentences.
 */
import { splitSentences } from './text.js';
import type { Article, Chunk, Span } from './types.js';

export const DEFAULT_CHUNK_SIZE = 1_000;
/** Sentences repeated at the start of the next chunk. */
export const DEFAULT_OVERLAP = 1;
/** Only sentences shorter than this share of the chunk size are repeated. */
const OVERLAP_MAX_SHARE = 0.3;

/**
 * Breaks a sentence longer than `max` at the last clause mark (; : , —) or space before the
 * limit. Only run-on "sentences" (lists, tables flattened to text) ever get here.
 */
function splitLongSentence(body: string, span: Span, max: number): Span[] {
  const out: Span[] = [];
  let start = span.start;
  while (span.end - start > max) {
    const window = body.slice(start, start + max);
    let cut = Math.max(
      window.lastIndexOf('; '),
      window.lastIndexOf(': '),
      window.lastIndexOf(', '),
      window.lastIndexOf(' — '),
    );
    if (cut < max * 0.5) cut = window.lastIndexOf(' ');
    if (cut < max * 0.3) cut = max - 1; // no space at all: a hard cut is the only option
    const end = start + cut + 1;
    const trimmedEnd = body.slice(start, end).trimEnd().length + start;
    out.push({ start, end: trimmedEnd });
    start = end;
    while (start < span.end && /\s/.test(body[start]!)) start++;
  }
  if (span.end > start) out.push({ start, end: span.end });
  return out;
}

/** The sentence spans of an article body, with over-long ones broken into pieces ≤ `max`. */
export function sentenceSpans(body: string, max = DEFAULT_CHUNK_SIZE): Span[] {
  return splitSentences(body).flatMap((s) =>
    s.end - s.start > max ? splitLongSentence(body, s, max) : [s],
  );
}

/**
 * Packs consecutive sentences into chunks of at most `size` characters (a sentence is never cut
 * unless it alone exceeds `size`). Chunk ids are `${article.id}#${ordinal}`, stable while the
 * article text is unchanged.
 */
export function chunkArticle(
  article: Article,
  size = DEFAULT_CHUNK_SIZE,
  overlap = DEFAULT_OVERLAP,
): Chunk[] {
  const spans = sentenceSpans(article.body, size);
  const chunks: Chunk[] = [];
  let group: Span[] = [];
  const flush = (): void => {
    if (group.length === 0) return;
    chunks.push(makeChunk(article, chunks.length, group));
    // The next chunk repeats the last sentence when it is short, so a statement that runs over
    // a chunk boundary ("They discussed Ukraine. Xi said…") is whole in one chunk.
    const last = group[group.length - 1]!;
    group =
      overlap > 0 && group.length > 1 && last.end - last.start <= size * OVERLAP_MAX_SHARE
        ? [last]
        : [];
  };
  let fresh = 0;
  for (const span of spans) {
    const start = group[0]?.start ?? span.start;
    if (fresh > 0 && span.end - start > size) {
      flush();
      fresh = 0;
      if (group.length > 0 && span.end - group[0]!.start > size) group = [];
    }
    group.push(span);
    fresh++;
  }
  if (fresh > 0) flush();
  return chunks;
}

/**
 * The chunk of `article` numbered `ordinal` made of `sentences` (non-empty, in order): the one
 * place a chunk's id and text are derived, whether it is being built or read back from an index.
 */
export function makeChunk(
  article: Pick<Article, 'id' | 'title' | 'body'>,
  ordinal: number,
  sentences: Span[],
): Chunk {
  const start = sentences[0]!.start;
  const end = sentences[sentences.length - 1]!.end;
  return {
    id: `${article.id}#${ordinal}`,
    articleId: article.id,
    ordinal,
    title: article.title,
    text: article.body.slice(start, end),
    start,
    end,
    sentences,
  };
}

/** The verbatim text of one sentence of a chunk. */
export function sentenceText(chunk: Chunk, span: Span): string {
  return chunk.text.slice(span.start - chunk.start, span.end - chunk.start);
}

/** What is embedded and indexed for a chunk: the article's metadata, then the text. */
export function chunkSearchText(
  chunk: Chunk,
  meta: { title: string; source?: string; publishedAt?: string },
): string {
  const head = [meta.title, meta.source, meta.publishedAt?.slice(0, 10)]
    .filter(Boolean)
    .join(' · ');
  return `${head}\n${chunk.text}`;
}
