/**
 * Corrections noticed: a build compares each article's text with the build it replaces, and an
 * article whose text changed is marked `revisedAt` (the time of the build that saw the change;
 * later builds carry the mark on). `/sources` shows the mark; answers given before it can tell
 * that their quotes may be stale.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hashBody, readManifest, type StoredIndex } from './index-store.js';

interface PreviousArticle {
  bodyHash?: string;
  revisedAt?: string;
}

/** Body checksums and revision marks of the live build, by article id (empty when there is none). */
export function previousRevisions(indexDir: string): Map<string, PreviousArticle> {
  try {
    const { dir } = readManifest(indexDir);
    const articles = JSON.parse(readFileSync(path.join(dir, 'articles.json'), 'utf8')) as Array<
      PreviousArticle & { id: string }
    >;
    return new Map(articles.map((a) => [a.id, { bodyHash: a.bodyHash, revisedAt: a.revisedAt }]));
  } catch {
    // No live index, or one too damaged to read: nothing to compare with, nothing marked.
    return new Map();
  }
}

/** `{ revisedAt }` for an article whose text differs from the previous build's, or that was marked before. */
export function revisionMark(
  previous: Map<string, PreviousArticle>,
  article: { id: string; body: string },
  now: string,
): { revisedAt?: string } {
  const before = previous.get(article.id);
  if (!before?.bodyHash) return {};
  if (hashBody(article.body) !== before.bodyHash) return { revisedAt: now };
  return before.revisedAt ? { revisedAt: before.revisedAt } : {};
}

/** Whether a quote shown in an earlier answer is still what its article says. */
export type QuoteStatus =
  { status: 'current' } | { status: 'changed'; revisedAt?: string } | { status: 'removed' };

const rowsById = new WeakMap<StoredIndex, Map<string, number>>();

/** Checks an earlier citation against `index`: its article is gone, or no longer holds the quote. */
export function quoteStatus(
  index: StoredIndex,
  citation: { articleId: string; quote: string },
): QuoteStatus {
  let rows = rowsById.get(index);
  if (!rows) rowsById.set(index, (rows = new Map(index.articles.map((a, row) => [a.id, row]))));
  const row = rows.get(citation.articleId);
  if (row === undefined) return { status: 'removed' };
  if (index.body(row).includes(citation.quote)) return { status: 'current' };
  const revisedAt = index.article(row).revisedAt;
  return revisedAt ? { status: 'changed', revisedAt } : { status: 'changed' };
}
