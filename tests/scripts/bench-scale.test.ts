import { describe, expect, it } from 'vitest';
import { generateCorpus, SyntheticLanguage } from '../../scripts/bench-scale.js';
import { chunkArticle } from '../../src/rag/chunk.js';

describe('the scale benchmark corpus', () => {
  const language = new SyntheticLanguage(42, [
    'government',
    'market',
    'election',
    'minister',
    'price',
    'river',
  ]);

  it('has exactly the asked number of chunks, cutting the last article at a chunk boundary', () => {
    for (const size of [1, 7, 233]) {
      const { articles } = generateCorpus(language, size, 1_000);
      expect(articles.reduce((n, a) => n + chunkArticle(a, 1_000).length, 0)).toBe(size);
    }
  });

  it('is the same text on every run, and article i does not depend on the others', () => {
    const again = new SyntheticLanguage(42, [
      'government',
      'market',
      'election',
      'minister',
      'price',
      'river',
    ]);
    expect(again.article(5)).toEqual(language.article(5));
    expect(generateCorpus(again, 50, 1_000).articles[3]).toEqual(language.article(3));
    expect(again.query(9, 100)).toBe(language.query(9, 100));
  });

  it('reads like news: sentences of about 22 words, paragraphs, several chunks per article', () => {
    const { articles, sentenceWords } = generateCorpus(language, 600, 1_000);
    expect(sentenceWords).toBeGreaterThan(16);
    expect(sentenceWords).toBeLessThan(28);
    const perArticle = 600 / articles.length;
    expect(perArticle).toBeGreaterThan(3.5);
    expect(perArticle).toBeLessThan(6.5);
    expect(articles[0]!.body).toContain('\n\n');
    expect(new Set(articles.map((a) => a.source)).size).toBeGreaterThan(5);
  });
});
