import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LexicalIndex, LexicalIndexBuilder, topK } from '../../../src/rag/store/lexical.js';
import { contentStems } from '../../../src/rag/text.js';
import { makeTempDir, removeDir } from '../../support/core.js';

const dir = makeTempDir('storybot-lexical-');
afterAll(() => removeDir(dir));

const DOCS = [
  'Tariffs on steel rose again as trade talks stalled.', // 0
  'Trade talks resumed; negotiators discussed tariffs and soybeans.', // 1
  'The summit ended without a statement on trade.', // 2
  'Soybean farmers welcomed the purchases of soybeans.', // 3
  'Weather delayed the harvest across the plains.', // 4
];

function build(docs: string[] = DOCS): LexicalIndex {
  const builder = new LexicalIndexBuilder();
  for (const d of docs) builder.add(contentStems(d));
  return builder.build();
}

/** A query from text, every stem weighted 1. */
const query = (text: string): Map<string, number> => new Map(contentStems(text).map((s) => [s, 1]));

describe('LexicalIndex', () => {
  const index = build();

  it('counts documents and document frequencies of stems', () => {
    expect(index.docCount).toBe(5);
    expect(index.df('trade')).toBe(3);
    expect(index.df('soybean')).toBe(2);
    expect(index.df('nonexistent')).toBe(0);
  });

  it('gives rarer stems a higher IDF, never negative', () => {
    expect(index.idf('harvest')).toBeGreaterThan(index.idf('soybean'));
    expect(index.idf('soybean')).toBeGreaterThan(index.idf('trade'));
    expect(index.idf('trade')).toBeGreaterThan(0);
    expect(index.idf('unknown')).toBeGreaterThanOrEqual(index.idf('harvest'));
  });

  it('ranks the document with the rarer query term above one with only the common term', () => {
    // "trade" is in three documents, "steel" only in document 0.
    const hits = index.search(query('steel trade'), 5);
    expect(hits[0]!.doc).toBe(0);
    expect(hits.map((h) => h.doc).sort()).toEqual([0, 1, 2]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('rewards repeated terms with diminishing returns and shorter documents', () => {
    const repeated = build([
      'soybeans',
      'soybeans soybeans soybeans',
      'soybeans and a great many other unrelated words here',
    ]);
    const hits = repeated.search(query('soybeans'), 3);
    expect(hits.map((h) => h.doc)).toEqual([1, 0, 2]);
    expect(hits[0]!.score / hits[1]!.score).toBeLessThan(3);
  });

  it('applies query weights', () => {
    const steelHeavy = index.search(
      new Map([
        ['steel', 1],
        ['soybean', 0.1],
      ]),
      2,
    );
    const soyHeavy = index.search(
      new Map([
        ['steel', 0.1],
        ['soybean', 1],
      ]),
      2,
    );
    expect(steelHeavy[0]!.doc).toBe(0);
    expect([1, 3]).toContain(soyHeavy[0]!.doc);
  });

  it('returns nothing for unknown terms, k = 0, or an empty index', () => {
    expect(index.search(query('zebra'), 5)).toEqual([]);
    expect(index.search(query('trade'), 0)).toEqual([]);
    expect(build([]).search(query('trade'), 5)).toEqual([]);
  });

  it('honours a filter before ranking', () => {
    const hits = index.search(query('trade tariffs'), 5, (doc) => doc !== 0);
    expect(hits.map((h) => h.doc)).not.toContain(0);
    expect(hits[0]!.doc).toBe(1);
  });

  it('gives identical results after a second search (its scratch scores are reset)', () => {
    const first = index.search(query('trade soybeans'), 5);
    index.search(query('harvest weather'), 5);
    expect(index.search(query('trade soybeans'), 5)).toEqual(first);
  });

  it('saves and loads to the same rankings and statistics', () => {
    const file = path.join(dir, 'lexical.bin');
    index.save(file);
    const loaded = LexicalIndex.load(file);
    expect(loaded.docCount).toBe(index.docCount);
    for (const q of ['steel trade', 'soybeans', 'weather harvest plains', 'summit statement']) {
      expect(loaded.search(query(q), 5)).toEqual(index.search(query(q), 5));
    }
    expect(loaded.idf('trade')).toBe(index.idf('trade'));
  });

  it('saves and loads an index with no terms', () => {
    const file = path.join(dir, 'empty.bin');
    build(['']).save(file);
    const loaded = LexicalIndex.load(file);
    expect(loaded.docCount).toBe(1);
    expect(loaded.search(query('trade'), 3)).toEqual([]);
  });
});

describe('topK', () => {
  it('returns the k best, ties broken by lower document number', () => {
    const scores = [0.5, 0.9, 0.5, 0.1, 0.9];
    expect(topK([0, 1, 2, 3, 4], scores, 3)).toEqual([
      { doc: 1, score: 0.9 },
      { doc: 4, score: 0.9 },
      { doc: 0, score: 0.5 },
    ]);
  });

  it('finds the true top k among many candidates (the sampled cut-off loses none)', () => {
    const n = 5_000;
    const scores = Array.from({ length: n }, (_, i) => ((i * 7_919) % 1_009) / 1_009);
    const candidates = Array.from({ length: n }, (_, i) => i);
    const expected = [...candidates].sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, 10);
    expect(topK(candidates, scores, 10).map((h) => h.doc)).toEqual(expected);
  });
});
