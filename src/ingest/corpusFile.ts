/**
 * Writing an extracted article into `corpus/` as Markdown with front matter, the corpus staying
 * the source of truth. The same article added twice (same canonical URL, or nearly the same
 * text) replaces its earlier file instead of becoming a duplicate. Writes are atomic and can be
 * undone, so a failed re-index leaves the corpus as it was.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomically } from '../corpus/atomic.js';
import { loadCorpus } from '../corpus/load.js';
import { CorpusError } from '../errors.js';
import type { Article } from '../rag/types.js';
import { IngestError } from './errors.js';
import type { ExtractedArticle } from './extract.js';
import { dropTracking } from './metadata.js';

/** Bodies at least this similar (word 5-gram Jaccard) are the same article. */
export const NEAR_DUPLICATE = 0.9;

/** An article file written into the corpus, with the means to take it back. */
export interface InstalledArticle {
  fileName: string;
  path: string;
  /** True when an earlier version of the same article was replaced. */
  replaced: boolean;
  /** True when the file already held exactly this text (nothing was written). */
  unchanged: boolean;
  rollback(): Promise<void>;
}

/** A URL reduced to what identifies the page: no scheme difference, www, fragment, tracking or trailing slash. */
export function normalizeUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = dropTracking(new URL(raw));
    url.searchParams.sort();
    const query = url.searchParams.toString();
    const host = url.hostname.toLowerCase().replace(/^www\./, '');
    return `${host}${url.port ? `:${url.port}` : ''}${url.pathname.replace(/\/+$/, '')}${query ? `?${query}` : ''}`;
  } catch {
    return raw.trim();
  }
}

/** Hashed word 5-grams of a text (lower-cased words), for near-duplicate detection. */
export function shingles(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = new Set<string>();
  if (words.length < 5) out.add(words.join(' '));
  for (let i = 0; i + 5 <= words.length; i++) out.add(words.slice(i, i + 5).join(' '));
  return out;
}

/** Jaccard similarity of two shingle sets (1 = same text). */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const s of small) if (large.has(s)) shared++;
  return shared / (a.size + b.size - shared);
}

/** The front matter and body of the Markdown file for an article. */
export function renderMarkdown(article: ExtractedArticle): string {
  const front: Record<string, string> = { title: article.title };
  if (article.source) front.source = article.source;
  if (article.url) front.url = article.url;
  if (article.publishedAt) front.published_at = article.publishedAt;
  if (article.updatedAt) front.updated_at = article.updatedAt;
  if (article.author) front.author = article.author;
  return `---\n${stringify(front, { lineWidth: 0 }).trimEnd()}\n---\n${article.body.trim()}\n`;
}

/** A short ASCII file stem from the date and title: `2026-11-25-harbor-bridge-reopens`. */
export function fileStemFor(article: ExtractedArticle): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(article.publishedAt ?? '')?.[0] ?? 'undated';
  const words =
    article.title
      .replace(/ß/g, 'ss')
      .replace(/[æÆ]/g, 'ae')
      .replace(/[øØ]/g, 'o')
      .replace(/[œŒ]/g, 'oe')
      .replace(/[łŁ]/g, 'l')
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? [];
  let slug = '';
  for (const word of words) {
    if (slug.length + word.length + 1 > 60) break;
    slug = slug ? `${slug}-${word}` : word;
  }
  // A title in another script leaves no ASCII: name the file by a hash of the title instead.
  slug ||= `article-${createHash('sha256').update(article.title).digest('hex').slice(0, 8)}`;
  return `${day}-${slug}`;
}

async function existingArticles(corpusDir: string): Promise<Article[]> {
  try {
    return (await loadCorpus(corpusDir, { skipInvalid: true })).articles;
  } catch (error) {
    // An empty or missing corpus has nothing to duplicate.
    if (error instanceof CorpusError) return [];
    throw error;
  }
}

/** The corpus article that is the same as `article` (same canonical URL or nearly the same text). */
export function findSameArticle(
  article: ExtractedArticle,
  existing: Article[],
): Article | undefined {
  const url = normalizeUrl(article.url);
  const byUrl = url ? existing.find((a) => normalizeUrl(a.url) === url) : undefined;
  if (byUrl) return byUrl;
  // Texts this similar have nearly the same length: only those are compared word by word.
  const near = (a: Article) =>
    Math.abs(a.body.length - article.body.length) <= 0.2 * article.body.length;
  const mine = shingles(article.body);
  return existing.find((a) => near(a) && jaccard(mine, shingles(a.body)) >= NEAR_DUPLICATE);
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Picks the file to write: the earlier version's file, or a new name not yet taken. */
async function targetFile(
  corpusDir: string,
  article: ExtractedArticle,
  same: Article | undefined,
): Promise<string> {
  if (same) {
    if (!/\.(md|txt)$/i.test(same.file))
      throw new IngestError(
        `this article is already in the corpus, in ${same.file}; edit it there`,
      );
    return same.file;
  }
  const stem = fileStemFor(article);
  for (let n = 1; ; n++) {
    const name = n === 1 ? `${stem}.md` : `${stem}-${n}.md`;
    if ((await readIfExists(path.join(corpusDir, name))) === undefined) return name;
  }
}

/**
 * Writes `article` into `corpusDir` (replacing its earlier version when there is one) and returns
 * how to undo it. Nothing else in the corpus is touched. `existing` is the corpus already loaded,
 * when the caller has it (otherwise it is read, skipping invalid files).
 */
export async function installArticle(
  corpusDir: string,
  article: ExtractedArticle,
  existing?: Article[],
): Promise<InstalledArticle> {
  await mkdir(corpusDir, { recursive: true });
  const same = findSameArticle(article, existing ?? (await existingArticles(corpusDir)));
  const fileName = await targetFile(corpusDir, article, same);
  const target = path.join(corpusDir, fileName);
  const previous = await readIfExists(target);
  const text = renderMarkdown(article);
  const unchanged = previous === text;
  if (!unchanged) await writeFileAtomically(target, text);
  return {
    fileName,
    path: target,
    replaced: previous !== undefined,
    unchanged,
    rollback: async () => {
      if (unchanged) return;
      if (previous !== undefined) await writeFileAtomically(target, previous);
      else await rm(target, { force: true });
    },
  };
}
