import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../../src/rag/build.js';
import { chunkArticle } from '../../../src/rag/chunk.js';
import { createEmbedder } from '../../../src/rag/embeddings/index.js';
import { loadIndex, type StoredIndex } from '../../../src/rag/store/index-store.js';
import type { Article } from '../../../src/rag/types.js';
import { generateCorpus, SyntheticLanguage } from '../../../scripts/bench-scale.js';
import { makeTempDir, removeDir, silenceLogs, testConfig } from '../../support/core.js';

let root: string;
let articles: Article[];
let index: StoredIndex;

beforeAll(async () => {
  silenceLogs();
  root = makeTempDir('storybot-table-');
  const config = testConfig(root);
  // Articles of very different lengths, one of them a single sentence.
  articles = generateCorpus(new SyntheticLanguage(3, []), 60, config.CHUNK_SIZE).articles;
  articles.splice(4, 0, {
    id: 'short',
    title: 'Short',
    body: 'One sentence only.',
    file: 'short.txt',
  });
  await buildIndex({ config, articles, noCache: true });
  index = loadIndex(config.INDEX_DIR, (await createEmbedder(config)).id);
});
afterAll(() => removeDir(root));

describe('the stored chunk table', () => {
  it('gives back every chunk exactly as the chunker made it, in article order', () => {
    const expected = articles.flatMap((a) => chunkArticle(a, 1_000));
    expect(index.chunkCount).toBe(expected.length);
    expected.forEach((chunk, row) => expect(index.chunk(row)).toEqual(chunk));
  });

  it('lists the chunks of each article in order, for the first, a one-chunk and the last article', () => {
    for (const row of [0, 4, articles.length - 1]) {
      const rows = index.chunksOfArticle(row);
      expect(rows.map((r) => index.chunk(r).articleId)).toEqual(rows.map(() => articles[row]!.id));
      expect(rows.map((r) => index.chunk(r).ordinal)).toEqual(rows.map((_, i) => i));
      expect(rows.length).toBe(index.article(row).chunks);
    }
    expect(index.chunksOfArticle(4)).toHaveLength(1);
  });
});
