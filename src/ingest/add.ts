/**
 * Adding one article to the story: from a link, a saved web page or an article file, into
 * `corpus/`, then into the index with the usual atomic swap. On any failure the corpus file is
 * put back as it was and the live index is untouched (the build only swaps when complete).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CoreConfig } from '../config.js';
import { formatBytes, loadCorpus, parseArticleFile } from '../corpus/load.js';
import { CorpusError } from '../errors.js';
import { buildIndex, type BuildProgress, type BuildReport } from '../rag/build.js';
import { indexExists } from '../rag/store/index-store.js';
import type { Article } from '../rag/types.js';
import { installArticle, type InstalledArticle } from './corpusFile.js';
import { IngestError } from './errors.js';
import { extractArticle, MIN_ARTICLE_CHARS, type ExtractedArticle } from './extract.js';
import { decodeBody, DEFAULT_FETCH_POLICY, fetchPage, type FetchPolicy } from './fetch.js';

export interface AddOptions {
  config: CoreConfig;
  /** Limits and test-only allowances for fetching links. */
  policy?: FetchPolicy;
  /** Rebuild the index after writing the file (default true). */
  reindex?: boolean;
  onProgress?: (progress: BuildProgress) => void;
}

export interface AddResult {
  action: 'added' | 'updated' | 'unchanged';
  /** Corpus-relative file name written. */
  file: string;
  article: ExtractedArticle;
  build?: BuildReport;
}

/** True when the input is a link rather than a file path. */
export function isLink(input: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(input.trim());
}

/** A plain-text page or file: first line the title, the rest the body. */
function articleFromPlainText(text: string, url?: string): ExtractedArticle {
  const [first = '', ...rest] = text.trim().split('\n');
  const body = rest.join('\n').trim();
  if (body.length < MIN_ARTICLE_CHARS) throw new IngestError('the page has no article text', url);
  return { title: first.replace(/^#+\s*/, '').trim(), body, url };
}

async function readLocal(file: string, maxBytes: number): Promise<ExtractedArticle> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new IngestError('not a regular file', file);
    size = st.size;
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throw new IngestError('the file does not exist or cannot be read', file);
  }
  if (size > maxBytes) throw new IngestError(`the file is over ${formatBytes(maxBytes)}`, file);
  const bytes = await readFile(file);
  const ext = path.extname(file).toLowerCase();
  if (ext === '.html' || ext === '.htm') {
    try {
      return extractArticle(decodeBody(bytes, ''));
    } catch (error) {
      // The page has no URL of its own; the reason is about this file.
      if (error instanceof IngestError) throw new IngestError(error.reason, file);
      throw error;
    }
  }
  if (ext === '.md' || ext === '.txt') {
    try {
      const [a] = parseArticleFile(path.basename(file), bytes);
      return {
        title: a!.title,
        source: a!.source,
        url: a!.url,
        publishedAt: a!.publishedAt,
        updatedAt: a!.updatedAt,
        author: a!.author,
        body: a!.body,
      };
    } catch (error) {
      if (error instanceof CorpusError) throw new IngestError(error.reason, file);
      throw error;
    }
  }
  throw new IngestError('only links, .html pages and .md or .txt articles can be added', file);
}

/** Fetches a link and extracts its article (no writing); refuses anything but http(s) links. */
export async function readLinkedArticle(
  url: string,
  policy: FetchPolicy = {},
): Promise<ExtractedArticle> {
  const page = await fetchPage(url, policy);
  if (page.contentType === 'text/plain' || page.contentType === 'text/markdown')
    return articleFromPlainText(page.text, page.url);
  return extractArticle(page.text, page.url);
}

/** Fetches or reads `input` (a link, or a file path for the CLI) and extracts its article. */
export async function readArticle(
  input: string,
  policy: FetchPolicy = {},
): Promise<ExtractedArticle> {
  if (isLink(input)) return readLinkedArticle(input, policy);
  return readLocal(input, policy.maxBytes ?? DEFAULT_FETCH_POLICY.maxBytes);
}

/** What was written, with how to undo it, and the article itself. */
export type InstalledInput = InstalledArticle & { article: ExtractedArticle };

/**
 * Fetches a link and writes its article into `corpusDir` (no re-index). Only links: this is
 * what Discord admins reach, and they must not name files on the bot's machine.
 */
export async function installFromLink(
  url: string,
  corpusDir: string,
  policy: FetchPolicy = {},
): Promise<InstalledInput> {
  const article = await readLinkedArticle(url, policy);
  return { ...(await installArticle(corpusDir, article)), article };
}

/**
 * Adds the article at `input` (a URL, an .html page, or an .md/.txt article) to the corpus and
 * re-indexes. Throws `IngestError`/`CorpusError` (user-safe) with nothing changed on failure.
 */
export async function addArticle(input: string, options: AddOptions): Promise<AddResult> {
  const { config } = options;
  const article = await readArticle(input, options.policy);
  // Read once, strictly, as the build would: a corpus that cannot be indexed is reported before
  // anything is written, and the build gets these articles instead of reading them again.
  const corpus = await loadCorpusOrNone(config.CORPUS_DIR);
  const installed = await installArticle(config.CORPUS_DIR, article, corpus);
  const action = installed.unchanged ? 'unchanged' : installed.replaced ? 'updated' : 'added';
  const result: AddResult = { action, file: installed.fileName, article };
  // The same text again needs no new build, unless there is no index yet.
  if (options.reindex === false || (installed.unchanged && indexExists(config.INDEX_DIR)))
    return result;
  try {
    const written = parseArticleFile(installed.fileName, await readFile(installed.path));
    const articles = [...corpus.filter((a) => a.file !== installed.fileName), ...written].sort(
      (a, b) => a.file.localeCompare(b.file),
    );
    result.build = await buildIndex({ config, articles, onProgress: options.onProgress });
  } catch (error) {
    await installed.rollback();
    throw error;
  }
  return result;
}

/** The corpus's articles, or none when it is empty or missing (the first article may be this one). */
async function loadCorpusOrNone(dir: string): Promise<Article[]> {
  try {
    return (await loadCorpus(dir)).articles;
  } catch (error) {
    const empty =
      error instanceof CorpusError &&
      /^(no articles found|the corpus directory does not exist)/.test(error.reason);
    if (empty) return [];
    throw error;
  }
}
