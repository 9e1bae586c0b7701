/**
 * The compact word-vector file: looked up through its own hash table, in place, its vectors
 * read from the file as they are needed.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeWordVectors,
  loadWordVectors,
  openWordVectors,
} from '../../../src/rag/embeddings/wordvectors.js';
import { makeTempDir, removeDir, WORD_VECTORS_DIR } from '../../support/core.js';

const vectors = loadWordVectors(WORD_VECTORS_DIR)!;
const fileName = readdirSync(WORD_VECTORS_DIR).find((f) => f.endsWith('-v2.bin'))!;
const filePath = path.join(WORD_VECTORS_DIR, fileName);

describe('WordVectors', () => {
  it('finds every word at its frequency rank, and no word it does not hold', () => {
    const words = vectors.words;
    expect(words.length).toBe(150_000);
    for (const i of [0, 1, 777, 65_536, words.length - 1]) expect(vectors.rank(words[i]!)).toBe(i);
    expect(vectors.rank('the')).toBeLessThan(10);
    expect(vectors.rank('zzqxjvbw')).toBeUndefined();
    expect(vectors.rank('')).toBeUndefined();
  });

  it('gives a word similarity 1 with itself, more with a near word than an unrelated one', () => {
    expect(vectors.similarity('ocean', 'ocean')).toBeCloseTo(1, 1);
    expect(vectors.similarity('ocean', 'sea')!).toBeGreaterThan(
      vectors.similarity('ocean', 'spreadsheet')!,
    );
    expect(vectors.similarity('ocean', 'zzqxjvbw')).toBeUndefined();
  });

  it('keeps ranking right after more lookups than it remembers (20,000 words)', () => {
    const words = vectors.words.slice(0, 20_050);
    words.forEach((w, i) => expect(vectors.rank(w)).toBe(i));
    expect(vectors.rank('zzqxjvbw')).toBeUndefined();
    expect(vectors.rank(words[3]!)).toBe(3);
  });

  it('handles words longer than the lookup buffer and non-ASCII words', () => {
    expect(vectors.rank('x'.repeat(5_000))).toBeUndefined();
    const accented = vectors.words.find((w) => /[^\x00-\x7f]/.test(w));
    if (accented) expect(vectors.rank(accented)).toBe(vectors.words.indexOf(accented));
  });

  it('refuses a truncated or foreign file instead of reading past its end', () => {
    const file = readFileSync(filePath);
    expect(() => decodeWordVectors(file.subarray(0, file.length - 10))).toThrow(/truncated/);
    expect(() => decodeWordVectors(file.subarray(0, 1_000))).toThrow(/truncated/);
    expect(() => decodeWordVectors(Buffer.from('not vectors at all, not at all'))).toThrow(
      /not a word-vector file/,
    );
    // An unaligned copy (as a pooled buffer may be) reads the same.
    const unaligned = Buffer.alloc(file.length + 1).subarray(1);
    file.copy(unaligned);
    expect(decodeWordVectors(unaligned).rank('ocean')).toBe(vectors.rank('ocean'));
  });
});

describe('openWordVectors', () => {
  const tmp = makeTempDir();
  afterAll(() => removeDir(tmp));
  const whole = decodeWordVectors(readFileSync(filePath));
  const pairs: Array<[string, string]> = [
    ['ocean', 'sea'],
    ['soybeans', 'crops'],
    ['tariff', 'tariffs'],
    ['phone', 'call'],
    ['ocean', 'zzqxjvbw'],
  ];
  const sum = (v: typeof vectors, words: string[]): Float32Array => {
    const out = new Float32Array(v.dims + 3);
    for (const w of words) v.addTo(w, 0.5, out, 3);
    return out;
  };

  it('reads the same vectors, row by row, as a whole read of the file', () => {
    const lazy = openWordVectors(filePath);
    for (const [a, b] of pairs) expect(lazy.similarity(a, b)).toBe(whole.similarity(a, b));
    const words = ['the', 'taiwan', 'spreadsheet', 'zzqxjvbw', whole.words.at(-1)!];
    expect(sum(lazy, words)).toEqual(sum(whole, words));
    expect(lazy.words.slice(0, 50)).toEqual(whole.words.slice(0, 50));
  });

  it('reads the same vectors after switching from single rows to the rest at once', () => {
    const lazy = openWordVectors(filePath, { singleReads: 2 });
    for (const [a, b] of pairs) expect(lazy.similarity(a, b)).toBe(whole.similarity(a, b));
    // Rows never read singly come from the whole read; rows read singly keep their values.
    const words = [...whole.words.slice(1_000, 1_200), 'ocean', 'sea'];
    expect(sum(lazy, words)).toEqual(sum(whole, words));
  });

  it('refuses a truncated or foreign file when it opens it', () => {
    const file = readFileSync(filePath);
    const cut = path.join(tmp, 'cut.bin');
    writeFileSync(cut, file.subarray(0, file.length - 10));
    expect(() => openWordVectors(cut)).toThrow(/truncated/);
    writeFileSync(cut, file.subarray(0, 1_000));
    expect(() => openWordVectors(cut)).toThrow(/truncated/);
    writeFileSync(cut, 'not vectors');
    expect(() => openWordVectors(cut)).toThrow(/not a word-vector file/);
    writeFileSync(cut, '');
    expect(() => openWordVectors(cut)).toThrow(/not a word-vector file/);
  });
});
