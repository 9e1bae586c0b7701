/**
 * The compact word-vector file: looked up through its own hash table, in place.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWordVectors, loadWordVectors } from '../../../src/rag/embeddings/wordvectors.js';
import { WORD_VECTORS_DIR } from '../../support/core.js';

const vectors = loadWordVectors(WORD_VECTORS_DIR)!;

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

  it('handles words longer than the lookup buffer and non-ASCII words', () => {
    expect(vectors.rank('x'.repeat(5_000))).toBeUndefined();
    const accented = vectors.words.find((w) => /[^\x00-\x7f]/.test(w));
    if (accented) expect(vectors.rank(accented)).toBe(vectors.words.indexOf(accented));
  });

  it('refuses a truncated or foreign file instead of reading past its end', () => {
    const name = readdirSync(WORD_VECTORS_DIR).find((f) => f.endsWith('-v2.bin'))!;
    const file = readFileSync(path.join(WORD_VECTORS_DIR, name));
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
