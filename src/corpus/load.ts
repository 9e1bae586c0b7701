/**
 * Corpus loading: files → validated Articles.
 *
 * Accepted files: `.txt` / `.md` (optional YAML front matter with title, source, url, published_at,
 * updated_at, author)
 * and `.json` / `.jsonl` (articles shaped `{title, source, url, published_at, body}`, optionally `id`).
 * Anything that cannot be trusted as text is rejected with a `CorpusError` naming the file and reason.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CorpusError } from '../errors.js';
import type { Article } from '../rag/types.js';

export const ARTICLE_EXTENSIONS = ['.txt', '.md', '.json', '.jsonl'] as const;

/** Files above this size are refused before they are read (a story article is a few kB). */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

const metaSchema = z.object({
  title: z.string().trim().min(1).max(500).optional(),
  source: z.string().trim().max(200).optional(),
  url: z.string().trim().max(2_000).optional(),
  published_at: z.union([z.string(), z.date()]).optional(),
  updated_at: z.union([z.string(), z.date()]).optional(),
  author: z.string().trim().max(300).optional(),
  id: z.union([z.string(), z.number()]).optional(),
});

const jsonArticleSchema = metaSchema.extend({
  title: z.string().trim().min(1, 'title is empty').max(500),
  body: z.string().refine((b) => b.trim().length > 0, 'body is empty'),
  source: z.string().trim().max(200).nullish(),
  url: z.string().trim().max(2_000).nullish(),
  published_at: z.union([z.string(), z.date()]).nullish(),
  updated_at: z.union([z.string(), z.date()]).nullish(),
  author: z.string().trim().max(300).nullish(),
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes bytes as strict UTF-8 and refuses content that is not plain text. */
function decodeText(file: string, bytes: Buffer): string {
  if (bytes.length === 0) throw new CorpusError(file, 'the file is empty');
  if (bytes.includes(0)) throw new CorpusError(file, 'the file contains NUL bytes (binary data?)');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new CorpusError(file, 'the file is not valid UTF-8 text');
  }
  text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (text.trim() === '') throw new CorpusError(file, 'the file has no text');
  return text;
}

function cleanString(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** "1.5 MB", "800 kB", "12 bytes": readable at any scale. */
export function formatBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} bytes`;
}

function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 12);
}

/** Makes a stable id from the file stem; JSON items get `stem:hash(url|title)` unless they carry `id`. */
function stemOf(file: string): string {
  return file.replace(/\.(txt|md|json|jsonl)$/i, '').replace(/\\/g, '/');
}

/** `updated_at` and `author`, present on the article only when the file gives them. */
function optionalMeta(meta: {
  updated_at?: string | Date | null;
  author?: string | null;
}): Pick<Article, 'updatedAt' | 'author'> {
  const updatedAt = cleanString(meta.updated_at);
  const author = cleanString(meta.author);
  return { ...(updatedAt ? { updatedAt } : {}), ...(author ? { author } : {}) };
}

function firstLineTitle(body: string): string {
  const line = body.split('\n').find((l) => l.trim() !== '') ?? '';
  const clean = line.replace(/^#+\s*/, '').trim();
  return clean.length > 120 ? `${clean.slice(0, 117).trimEnd()}…` : clean;
}

function parseTextArticle(file: string, text: string): Article {
  let body = text;
  let meta: z.infer<typeof metaSchema> = {};
  const fm = /^---\n([\s\S]*?)\n---\n?/.exec(text);
  if (fm) {
    let raw: unknown;
    try {
      raw = parseYaml(fm[1] ?? '');
    } catch (error) {
      throw new CorpusError(
        file,
        `the front matter is not valid YAML (${(error as Error).message.split('\n')[0]})`,
      );
    }
    const parsed = metaSchema.safeParse(raw ?? {});
    if (!parsed.success) {
      throw new CorpusError(
        file,
        `the front matter is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      );
    }
    meta = parsed.data;
    body = text.slice(fm[0].length);
  }
  if (body.trim() === '') throw new CorpusError(file, 'the article body is empty');
  return {
    id: meta.id !== undefined ? String(meta.id) : stemOf(file),
    title: meta.title ?? firstLineTitle(body),
    source: cleanString(meta.source),
    url: cleanString(meta.url),
    publishedAt: cleanString(meta.published_at),
    ...optionalMeta(meta),
    body,
    file,
  };
}

function articleFromJson(file: string, item: unknown, where: string): Article {
  const parsed = jsonArticleSchema.safeParse(item);
  if (!parsed.success) {
    const why = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'item'}: ${i.message}`)
      .join('; ');
    throw new CorpusError(file, `${where} is not an article (${why})`);
  }
  const a = parsed.data;
  if (a.body.includes('\u0000')) throw new CorpusError(file, `${where} contains NUL characters`);
  const body = a.body.replace(/\r\n?/g, '\n');
  const url = cleanString(a.url);
  return {
    id:
      a.id !== undefined
        ? String(a.id)
        : `${stemOf(file)}:${shortHash(url ?? `${a.title}\n${a.published_at ?? ''}`)}`,
    title: a.title,
    source: cleanString(a.source),
    url,
    publishedAt: cleanString(a.published_at),
    ...optionalMeta(a),
    body,
    file,
  };
}

function parseJsonArticles(file: string, text: string, lines: boolean): Article[] {
  const items: Array<{ value: unknown; where: string }> = [];
  if (lines) {
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        items.push({ value: JSON.parse(line), where: `line ${i + 1}` });
      } catch {
        throw new CorpusError(file, `line ${i + 1} is not valid JSON`);
      }
    });
  } else {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new CorpusError(file, `malformed JSON (${(error as Error).message})`);
    }
    const list = Array.isArray(value) ? value : [value];
    list.forEach((v, i) =>
      items.push({ value: v, where: Array.isArray(value) ? `item ${i}` : 'the object' }),
    );
  }
  if (items.length === 0) throw new CorpusError(file, 'the file holds no articles');
  return items.map(({ value, where }) => articleFromJson(file, value, where));
}

/**
 * Parses one corpus file's bytes into articles; throws `CorpusError` naming `name` and the reason.
 * Pure (no I/O), so uploads can be checked before anything is written.
 */
export function parseArticleFile(name: string, bytes: Buffer): Article[] {
  const ext = path.extname(name).toLowerCase();
  if (!(ARTICLE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new CorpusError(
      name,
      `unsupported file type "${ext || 'none'}" (use ${ARTICLE_EXTENSIONS.join(', ')})`,
    );
  }
  const text = decodeText(name, bytes);
  if (ext === '.json') return parseJsonArticles(name, text, false);
  if (ext === '.jsonl') return parseJsonArticles(name, text, true);
  return [parseTextArticle(name, text)];
}

export interface LoadOptions {
  /** Index the valid files and report the rest instead of failing on the first bad file. */
  skipInvalid?: boolean;
  maxFileBytes?: number;
}

export interface LoadedCorpus {
  articles: Article[];
  skipped: CorpusError[];
  /** Files ignored because their extension is not an article format (README, images…). */
  ignored: string[];
}

/** Lists article files under `dir` recursively, sorted, skipping dot-files. */
async function listFiles(
  root: string,
  rootReal: string,
  errors: CorpusError[],
  ignored: string[],
): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full);
      if (entry.isSymbolicLink()) {
        // A link may only point inside the corpus: otherwise an upload or a careless admin could
        // make the bot quote any file on the machine.
        let target: string;
        try {
          target = await realpath(full);
        } catch {
          errors.push(new CorpusError(rel, 'the symbolic link is broken'));
          continue;
        }
        if (target !== rootReal && !target.startsWith(rootReal + path.sep)) {
          errors.push(
            new CorpusError(rel, 'the symbolic link points outside the corpus directory'),
          );
          continue;
        }
        const st = await stat(full);
        if (st.isDirectory()) continue; // avoid cycles; linked folders are not followed
      } else if (entry.isDirectory()) {
        await walk(full);
        continue;
      } else if (!entry.isFile()) {
        continue;
      }
      if (
        (ARTICLE_EXTENSIONS as readonly string[]).includes(path.extname(entry.name).toLowerCase())
      )
        out.push(rel);
      else ignored.push(rel);
    }
  }
  await walk(root);
  return out;
}

/**
 * Loads every article under `dir`. Without `skipInvalid` the first problems abort the load with
 * a `CorpusError` listing every bad file; with it, bad files are returned in `skipped`.
 */
export async function loadCorpus(dir: string, options: LoadOptions = {}): Promise<LoadedCorpus> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let rootReal: string;
  try {
    rootReal = await realpath(dir);
    if (!(await lstat(rootReal)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new CorpusError(dir, 'the corpus directory does not exist or is not a directory');
  }
  const problems: CorpusError[] = [];
  const ignored: string[] = [];
  const files = await listFiles(dir, rootReal, problems, ignored);
  const articles: Article[] = [];
  const seen = new Map<string, string>();
  for (const rel of files) {
    const full = path.join(dir, rel);
    try {
      const size = (await stat(full)).size;
      if (size > maxBytes) {
        throw new CorpusError(
          rel,
          `the file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit`,
        );
      }
      const parsed = parseArticleFile(rel, await readFile(full));
      // Checked against earlier files and within this one: two articles sharing an id would
      // share chunk ids, and citations would point at the wrong text.
      const inFile = new Set<string>();
      for (const article of parsed) {
        const earlier =
          seen.get(article.id) ?? (inFile.has(article.id) ? 'the same file' : undefined);
        if (earlier !== undefined) {
          throw new CorpusError(rel, `duplicate article id "${article.id}" (also in ${earlier})`);
        }
        inFile.add(article.id);
      }
      for (const article of parsed) {
        seen.set(article.id, rel);
        articles.push(article);
      }
    } catch (error) {
      if (error instanceof CorpusError) problems.push(error);
      else
        problems.push(
          new CorpusError(
            rel,
            `could not be read (${(error as NodeJS.ErrnoException).code ?? 'I/O error'})`,
          ),
        );
    }
  }
  if (problems.length > 0 && !options.skipInvalid) {
    const list = problems.map((p) => `  - ${p.message}`).join('\n');
    const err = new CorpusError(problems[0]!.file, problems[0]!.reason);
    err.message = `${problems.length} corpus file(s) cannot be indexed:\n${list}\nFix or remove them, or pass --skip-invalid to index the rest.`;
    throw Object.assign(err, { problems });
  }
  if (articles.length === 0) {
    throw new CorpusError(
      dir,
      problems.length
        ? 'no valid articles (every file was rejected)'
        : 'no articles found (.txt, .md, .json, .jsonl)',
    );
  }
  return { articles, skipped: problems, ignored };
}
