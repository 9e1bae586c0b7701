import { describe, expect, it } from 'vitest';
import {
  BM25_B,
  BM25_K1,
  LexicalIndexBuilder,
  type ScoredDoc,
} from '../../../src/rag/store/lexical.js';
import { chunkArticle } from '../../../src/rag/chunk.js';
import { contentStems } from '../../../src/rag/text.js';
import { SyntheticLanguage } from '../../../scripts/bench-scale.js';

const language = new SyntheticLanguage(5, ['market', 'minister', 'election', 'price', 'river']);
const docs: string[][] = [];
for (let a = 0; docs.length < 3_000; a++)
  for (const c of chunkArticle(language.article(a), 1_000)) docs.push(contentStems(c.text));
const builder = new LexicalIndexBuilder();
docs.forEach((d) => builder.add(d));
const index = builder.build();

/** BM25 written out the plain way: every document, scores summed in query order in float32. */
function oracle(
  query: Map<string, number>,
  k: number,
  filter?: (doc: number) => boolean,
): ScoredDoc[] {
  const n = docs.length;
  const avg = docs.reduce((s, d) => s + d.length, 0) / n;
  const df = new Map<string, number>();
  for (const d of docs) for (const s of new Set(d)) df.set(s, (df.get(s) ?? 0) + 1);
  const scores = new Float32Array(n);
  const hit = new Uint8Array(n);
  for (const [stem, weight] of query) {
    if (!df.has(stem) || weight <= 0) continue;
    const idf = Math.log(1 + (n - df.get(stem)! + 0.5) / (df.get(stem)! + 0.5)) * weight;
    docs.forEach((d, i) => {
      const tf = d.filter((s) => s === stem).length;
      if (tf === 0) return;
      hit[i] = 1;
      scores[i]! +=
        (idf * tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * d.length) / avg));
    });
  }
  const all: ScoredDoc[] = [];
  for (let i = 0; i < n; i++)
    if (hit[i] && (!filter || filter(i))) all.push({ doc: i, score: scores[i]! });
  return all.sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, k);
}

describe('BM25 search', () => {
  it('returns exactly the plain BM25 ranking, with long posting lists skipped through', () => {
    for (let q = 0; q < 60; q++) {
      const query = new Map<string, number>();
      for (const s of contentStems(language.query(q, 400))) query.set(s, (query.get(s) ?? 0) + 1);
      // A follow-up carries the previous question's words at half weight.
      if (q % 3 === 0)
        for (const s of contentStems(language.query(q + 1_000, 400)))
          if (!query.has(s)) query.set(s, 0.5);
      const k = [1, 6, 50, 400][q % 4]!;
      const filter = q % 5 === 0 ? (doc: number) => doc % 3 !== 0 : undefined;
      const got = index.search(query, k, filter);
      expect(got).toEqual(oracle(query, k, filter));
    }
  });

  it('ranks equal scores by lower document id, and returns nothing for unknown words', () => {
    const b = new LexicalIndexBuilder();
    for (let i = 0; i < 3_000; i++) b.add(i % 2 ? ['common', 'filler'] : ['common', 'other']);
    const twins = b.build();
    expect(
      twins
        .search(
          new Map([
            ['common', 1],
            ['filler', 1],
            ['other', 1],
          ]),
          3,
        )
        .map((h) => h.doc),
    ).toEqual([0, 1, 2]);
    expect(twins.search(new Map([['absent', 1]]), 5)).toEqual([]);
  });
});
