/**
 * The index on disk: one immutable build directory per build, and a `current` symlink that is
 * swapped atomically (rename) once a new build is complete. Readers resolve the link once at
 * load, so a swap never mixes files of two builds, and a failed build never touches `current`.
 *
 *   INDEX_DIR/current -> builds/<build id>
 *   INDEX_DIR/builds/<build id>/{manifest.json, articles.json, bodies.bin, chunks.bin, lexical.bin, vectors.hnsw}
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { IndexError } from '../../errors.js';
import { makeChunk } from '../chunk.js';
import type { ArticleMeta, Chunk, Manifest, Span } from '../types.js';
import { checkHnswFile } from './hnsw-check.js';
import { LexicalIndex } from './lexical.js';
import { GrowableU32, readSections, writeAll, writeSections } from './sections.js';
import { HnswVectorIndex, type VectorIndex } from './vectors.js';

export const FORMAT_VERSION = 1;
const FILES = ['articles.json', 'bodies.bin', 'chunks.bin', 'lexical.bin', 'vectors.hnsw'] as const;
const REBUILD = 'Rebuild it with `npm run index`.';

/** Manifest plus what is needed to check the files it describes. */
export interface StoredManifest extends Manifest {
  files: Record<string, { bytes: number }>;
  /** efSearch is absent from indexes written before it was recorded; they use the default. */
  hnsw: { m: number; efConstruction: number; efSearch?: number };
}

interface StoredArticle extends ArticleMeta {
  /** Byte range of the body in bodies.bin. */
  bodyStart: number;
  bodyEnd: number;
  /** sha256 (first 16 hex digits) of the body's bytes; absent in indexes built before it existed. */
  bodyHash?: string;
}

/**
 * The chunk table as it is stored: one row per chunk, columns of numbers. A build fills it
 * article by article, so a million chunks never exist as a million objects at once.
 */
export class ChunkTableBuilder {
  private readonly article = new GrowableU32(1 << 12);
  private readonly ordinal = new GrowableU32(1 << 12);
  private readonly start = new GrowableU32(1 << 12);
  private readonly end = new GrowableU32(1 << 12);
  private readonly sentOffsets = new GrowableU32(1 << 12);
  private readonly sentSpans = new GrowableU32(1 << 14);

  constructor() {
    this.sentOffsets.push(0);
  }

  get length(): number {
    return this.article.length;
  }

  /** Appends a chunk of the article in row `articleRow`. */
  add(articleRow: number, chunk: Chunk): void {
    this.article.push(articleRow);
    this.ordinal.push(chunk.ordinal);
    this.start.push(chunk.start);
    this.end.push(chunk.end);
    for (const span of chunk.sentences) {
      this.sentSpans.push(span.start);
      this.sentSpans.push(span.end);
    }
    this.sentOffsets.push(this.sentSpans.length / 2);
  }

  articleRow(i: number): number {
    return this.article.get(i);
  }

  /** Rebuilds chunk `i` of `article` (the article in row `articleRow(i)`). */
  chunk(i: number, article: { id: string; title: string; body: string }): Chunk {
    const sentences: Span[] = [];
    for (let s = this.sentOffsets.get(i); s < this.sentOffsets.get(i + 1); s++) {
      sentences.push({ start: this.sentSpans.get(2 * s), end: this.sentSpans.get(2 * s + 1) });
    }
    return makeChunk(article, this.ordinal.get(i), sentences);
  }

  /** The stored columns (views; no copy). */
  columns(): Record<string, Uint32Array> {
    return {
      article: this.article.view(),
      ordinal: this.ordinal.view(),
      start: this.start.view(),
      end: this.end.view(),
      sentOffsets: this.sentOffsets.view(),
      sentSpans: this.sentSpans.view(),
    };
  }
}

/** What writes `vectors.hnsw`: an in-memory index, or a build still finishing on a worker. */
export interface VectorFileWriter {
  save(file: string): void | Promise<void>;
}

/** Everything a build produces, before it is written. */
export interface IndexContents {
  manifest: Omit<StoredManifest, 'files'>;
  articles: Array<ArticleMeta & { body: string }>;
  chunks: ChunkTableBuilder;
  lexical: LexicalIndex;
  vectors: VectorFileWriter;
}

/** Bytes of body text gathered before each write to bodies.bin. */
const BODY_WRITE_BYTES = 16 << 20;

/**
 * Writes a complete build into `dir` (which must not exist yet). The vector file comes last, so
 * a vector index still being built on a worker gets the time the other files take.
 */
export async function writeBuild(dir: string, contents: IndexContents): Promise<StoredManifest> {
  mkdirSync(dir, { recursive: true });
  // Bodies are streamed: at a million chunks they are about a gigabyte, more than one string or
  // one comfortable buffer should hold.
  const stored: StoredArticle[] = [];
  const fd = openSync(path.join(dir, 'bodies.bin'), 'w');
  try {
    let pending = Buffer.allocUnsafe(BODY_WRITE_BYTES);
    let used = 0;
    let at = 0;
    for (const { body, ...meta } of contents.articles) {
      const bytes = Buffer.byteLength(body, 'utf8');
      if (used + bytes > pending.length) {
        writeAll(fd, pending.subarray(0, used));
        used = 0;
        if (bytes > pending.length) pending = Buffer.allocUnsafe(bytes);
      }
      pending.write(body, used, 'utf8');
      const bodyHash = hashBytes(pending.subarray(used, used + bytes));
      used += bytes;
      stored.push({ ...meta, bodyStart: at, bodyEnd: at + bytes, bodyHash });
      at += bytes;
    }
    writeAll(fd, pending.subarray(0, used));
  } finally {
    closeSync(fd);
  }
  writeFileSync(path.join(dir, 'articles.json'), JSON.stringify(stored));
  writeSections(
    path.join(dir, 'chunks.bin'),
    { chunks: contents.chunks.length },
    contents.chunks.columns(),
  );
  contents.lexical.save(path.join(dir, 'lexical.bin'));
  await contents.vectors.save(path.join(dir, 'vectors.hnsw'));

  const files: StoredManifest['files'] = {};
  for (const f of FILES) files[f] = { bytes: statSync(path.join(dir, f)).size };
  const manifest: StoredManifest = { ...contents.manifest, files };
  writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The read-only, loaded index. */
export class StoredIndex {
  private readonly bodyCache = new Map<number, string>();

  constructor(
    readonly dir: string,
    readonly manifest: StoredManifest,
    private readonly storedArticles: StoredArticle[],
    private readonly bodies: Buffer,
    private readonly table: Record<string, Uint32Array>,
    readonly lexical: LexicalIndex,
    readonly vectors: VectorIndex,
  ) {}

  get chunkCount(): number {
    return this.manifest.chunks;
  }

  /** Article metadata (no body), in corpus order. */
  get articles(): ArticleMeta[] {
    return this.storedArticles.map(({ bodyStart: _s, bodyEnd: _e, bodyHash: _h, ...meta }) => meta);
  }

  articleRow(chunk: number): number {
    return this.table.article![chunk]!;
  }

  article(row: number): ArticleMeta {
    const { bodyStart: _s, bodyEnd: _e, bodyHash: _h, ...meta } = this.storedArticles[row]!;
    return meta;
  }

  /** The article's full text (decoded on demand, a few hundred kept). */
  body(row: number): string {
    let text = this.bodyCache.get(row);
    if (text === undefined) {
      const a = this.storedArticles[row]!;
      const bytes = this.bodies.subarray(a.bodyStart, a.bodyEnd);
      // Sizes and structure were checked at load; a flipped byte inside a body is caught here,
      // when the article is first used, so a quote is never served from damaged text.
      if (a.bodyHash !== undefined && hashBytes(bytes) !== a.bodyHash) {
        throw new IndexError(
          `The index in ${this.dir} is damaged (the text of article "${a.id}" does not match its checksum). ${REBUILD}`,
        );
      }
      text = bytes.toString('utf8');
      if (this.bodyCache.size > 512) this.bodyCache.clear();
      this.bodyCache.set(row, text);
    }
    return text;
  }

  /** Rebuilds the Chunk object for table row `i`. */
  chunk(i: number): Chunk {
    const t = this.table;
    const row = t.article![i]!;
    const a = this.storedArticles[row]!;
    const sentences: Span[] = [];
    for (let s = t.sentOffsets![i]!; s < t.sentOffsets![i + 1]!; s++) {
      sentences.push({ start: t.sentSpans![2 * s]!, end: t.sentSpans![2 * s + 1]! });
    }
    return makeChunk({ id: a.id, title: a.title, body: this.body(row) }, t.ordinal![i]!, sentences);
  }

  /** Rows of the chunks of one article, in order. */
  chunksOfArticle(row: number): number[] {
    const first = this.articleChunkStarts();
    const out: number[] = [];
    for (let i = first[row]!; i < first[row + 1]!; i++) out.push(this.byArticle![i]!);
    return out;
  }

  private byArticle: Uint32Array | undefined;
  private firstOfArticle: Uint32Array | undefined;

  /** Chunk rows grouped by article (a counting sort, built on first use: O(chunks) once). */
  private articleChunkStarts(): Uint32Array {
    if (this.firstOfArticle) return this.firstOfArticle;
    const art = this.table.article!;
    const first = new Uint32Array(this.storedArticles.length + 1);
    for (let i = 0; i < art.length; i++) first[art[i]! + 1]!++;
    for (let a = 0; a < this.storedArticles.length; a++) first[a + 1]! += first[a]!;
    const fill = first.slice(0, this.storedArticles.length);
    const rows = new Uint32Array(art.length);
    for (let i = 0; i < art.length; i++) rows[fill[art[i]!]!++] = i;
    this.byArticle = rows;
    this.firstOfArticle = first;
    return first;
  }
}

/** The `current` link of an index directory. */
function currentLink(indexDir: string): string {
  return path.join(indexDir, 'current');
}

/** True when `indexDir` has a completed build. */
export function indexExists(indexDir: string): boolean {
  return existsSync(path.join(currentLink(indexDir), 'manifest.json'));
}

/** Reads and checks the manifest of the current build, without loading anything else. */
export function readManifest(indexDir: string): { dir: string; manifest: StoredManifest } {
  const link = currentLink(indexDir);
  if (!existsSync(link))
    throw new IndexError(`No index found in ${indexDir}. Build it with \`npm run index\`.`);
  let dir: string;
  let manifest: StoredManifest;
  try {
    dir = realpathSync(link);
    manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as StoredManifest;
  } catch {
    throw new IndexError(`The index in ${indexDir} has no readable manifest. ${REBUILD}`);
  }
  if (manifest.formatVersion !== FORMAT_VERSION) {
    throw new IndexError(
      `The index in ${indexDir} has format version ${String(manifest.formatVersion)}; this storybot reads version ${FORMAT_VERSION}. ${REBUILD}`,
    );
  }
  return { dir, manifest };
}

/**
 * Loads the current build. Refuses (IndexError) an index built by another embedder or with files
 * missing, truncated or inconsistent, before any native code reads them.
 */
export function loadIndex(indexDir: string, expectedEmbedderId: string): StoredIndex {
  const { dir, manifest } = readManifest(indexDir);
  if (manifest.embedder?.id !== expectedEmbedderId) {
    throw new IndexError(
      `The index in ${indexDir} was built with embedder "${manifest.embedder?.id}", but "${expectedEmbedderId}" is configured. ` +
        `Rebuild it with \`npm run index\`, or set EMBEDDINGS_PROVIDER back to what built it.`,
    );
  }
  for (const f of FILES) {
    const expected = manifest.files?.[f]?.bytes;
    let actual: number;
    try {
      actual = statSync(path.join(dir, f)).size;
    } catch {
      throw new IndexError(`The index in ${indexDir} is missing ${f}. ${REBUILD}`);
    }
    if (actual !== expected)
      throw new IndexError(
        `The index in ${indexDir} is damaged: ${f} has ${actual} bytes, expected ${String(expected)}. ${REBUILD}`,
      );
  }
  try {
    const articles = JSON.parse(
      readFileSync(path.join(dir, 'articles.json'), 'utf8'),
    ) as StoredArticle[];
    const bodies = readFileSync(path.join(dir, 'bodies.bin'));
    const { sections } = readSections(path.join(dir, 'chunks.bin'));
    const table = sections as Record<string, Uint32Array>;
    if (articles.length !== manifest.articles || table.article?.length !== manifest.chunks)
      throw new Error('counts differ from the manifest');
    checkTables(articles, bodies.length, table, manifest.chunks);
    const lexical = LexicalIndex.load(path.join(dir, 'lexical.bin'));
    if (lexical.docCount !== manifest.chunks)
      throw new Error('lexical index size differs from the manifest');
    // Native code trusts the file's links; a damaged file of the right size would crash the process.
    checkHnswFile(path.join(dir, 'vectors.hnsw'), manifest.embedder.dimensions, manifest.chunks);
    const vectors = HnswVectorIndex.load(
      path.join(dir, 'vectors.hnsw'),
      manifest.embedder.dimensions,
      manifest.chunks,
      manifest.hnsw?.efSearch,
    );
    return new StoredIndex(dir, manifest, articles, bodies, table, lexical, vectors);
  } catch (error) {
    if (error instanceof IndexError) throw error;
    throw new IndexError(
      `The index in ${indexDir} is damaged (${(error as Error).message}). ${REBUILD}`,
      { cause: error },
    );
  }
}

const CHUNK_COLUMNS = ['article', 'ordinal', 'start', 'end', 'sentOffsets', 'sentSpans'] as const;

/**
 * Checks that the article list and the chunk table hold together before anything is served. A
 * damaged byte keeps every file size right; without this it surfaces later, at a question, as a
 * crash (a missing column, a row past the end) or as citations that quote the wrong text.
 */
function checkTables(
  articles: StoredArticle[],
  bodyBytes: number,
  table: Record<string, Uint32Array>,
  chunks: number,
): void {
  for (const a of articles) {
    const ok =
      typeof a?.id === 'string' &&
      typeof a.title === 'string' &&
      Number.isInteger(a.bodyStart) &&
      Number.isInteger(a.bodyEnd);
    if (!ok || a.bodyStart < 0 || a.bodyStart > a.bodyEnd || a.bodyEnd > bodyBytes)
      throw new Error('an article entry is malformed');
  }
  for (const name of CHUNK_COLUMNS)
    if (!(table[name] instanceof Uint32Array))
      throw new Error(`the chunk table has no ${name} column`);
  const { article, ordinal, start, end, sentOffsets, sentSpans } = table as Record<
    (typeof CHUNK_COLUMNS)[number],
    Uint32Array
  >;
  if (
    ordinal.length !== chunks ||
    start.length !== chunks ||
    end.length !== chunks ||
    sentOffsets.length !== chunks + 1 ||
    sentOffsets[chunks]! * 2 !== sentSpans.length
  ) {
    throw new Error('the chunk table columns differ in length');
  }
  for (let i = 0; i < chunks; i++) {
    const a = articles[article[i]!];
    // Offsets count characters and a character takes at least one byte: the body's bytes bound them.
    if (
      !a ||
      start[i]! > end[i]! ||
      end[i]! > a.bodyEnd - a.bodyStart ||
      sentOffsets[i]! > sentOffsets[i + 1]!
    ) {
      throw new Error(`chunk ${i} points outside its article`);
    }
  }
}

/** A fresh, unique directory for a build in progress. */
export function newBuildDir(indexDir: string): string {
  const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  return path.join(indexDir, 'builds', `.tmp-${id}`);
}

/**
 * Publishes a finished build: renames it to its final name, then atomically repoints `current`.
 * Keeps the previous build (for rollback) and removes older ones and abandoned temp dirs.
 */
export function publishBuild(indexDir: string, tmpDir: string): string {
  const finalDir = tmpDir.replace(/\.tmp-([^/\\]+)$/, '$1');
  renameSync(tmpDir, finalDir);
  const link = currentLink(indexDir);
  // Only a link names a previous build; anything else in its place is simply replaced.
  const previous = lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()
    ? readlinkSync(link)
    : undefined;
  const tmpLink = `${link}.${process.pid}.tmp`;
  rmSync(tmpLink, { force: true });
  symlinkSync(path.relative(indexDir, finalDir), tmpLink);
  renameSync(tmpLink, link);
  const keep = new Set([path.basename(finalDir), previous ? path.basename(previous) : '']);
  const builds = path.join(indexDir, 'builds');
  for (const name of readdirSync(builds)) {
    if (keep.has(name) || name.startsWith('.tmp-')) continue;
    rmSync(path.join(builds, name), { recursive: true, force: true });
  }
  return finalDir;
}

/** Removes a build that failed; `current` was never touched. */
export function discardBuild(tmpDir: string): void {
  rmSync(tmpDir, { recursive: true, force: true });
}

/** Lock files held by builds running in this process. */
const heldHere = new Set<string>();

/**
 * Takes the build lock (one build per index at a time, across processes). Returns a release
 * function, or throws IndexError naming the process that holds it.
 */
export function acquireBuildLock(indexDir: string): () => void {
  mkdirSync(indexDir, { recursive: true });
  const file = path.join(indexDir, 'build.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const key = path.resolve(file);
      heldHere.add(key);
      return () => {
        heldHere.delete(key);
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8'));
      // Our own pid is only stale when no build of this process holds the lock (a crash and a
      // pid reused by a later run); a second build in the same process must wait like any other.
      const ours = pid === process.pid && heldHere.has(path.resolve(file));
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (pid !== process.pid || ours)) {
        throw new IndexError(
          `Another index build is running (process ${pid}). Wait for it to finish.`,
        );
      }
      unlinkSync(file); // stale lock from a crashed build
    }
  }
  throw new IndexError('Could not take the index build lock.');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Short content hash of an article body's bytes (corruption check, not security). */
function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** The checksum stored for an article body (`bodyHash`). */
export function hashBody(body: string): string {
  return hashBytes(Buffer.from(body, 'utf8'));
}

/** sha256 over the articles' ids, titles and bodies, in id order. */
export function corpusFingerprint(
  articles: Array<{ id: string; title: string; body: string }>,
): string {
  const hash = createHash('sha256');
  for (const a of [...articles].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)))
    hash.update(`${a.id}\0${a.title}\0${a.body}\0`);
  return hash.digest('hex');
}
