import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/rag/build.js';
import { createEmbedder, type Embedder } from '../../src/rag/embeddings/index.js';
import { lexicalQuery, retrieve } from '../../src/rag/retrieve.js';
import { loadIndex, type StoredIndex } from '../../src/rag/store/index-store.js';
import { makeTempDir, removeDir, silenceLogs, testConfig } from '../support/core.js';

describe('lexicalQuery', () => {
  it('weights the question’s stems fully and adds the previous question’s at half weight', () => {
    const q = lexicalQuery(
      'and what about Japan tariffs?',
      'What tariffs did the US put on Taiwan?',
    );
    expect(q.get('japan')).toBe(1);
    expect(q.get('tariff')).toBe(1);
    expect(q.get('taiwan')).toBe(0.5);
    expect(lexicalQuery('and what about Japan?').has('taiwan')).toBe(false);
  });
});

describe('retrieve', () => {
  let root: string;
  let index: StoredIndex;
  let embedder: Embedder;

  beforeAll(async () => {
    silenceLogs();
    root = makeTempDir('storybot-retrieve-');
    const corpus = path.join(root, 'corpus');
    mkdirSync(corpus);
    const docs: Record<string, string> = {
      'taiwan-tariffs.txt':
        'Chip tariffs on Taiwan\nThe United States raised tariffs on semiconductors made in Taiwan to 20 percent. Officials in Taipei called the tariffs unfair.',
      'japan-tariffs.txt':
        'Car tariffs on Japan\nThe United States raised tariffs on cars made in Japan to 15 percent. Officials in Tokyo called the tariffs unfair.',
      'japan-tourism.txt':
        'Japan tourism boom\nJapan welcomed a record number of visitors this summer. Hotels across Japan were full, and Japan expects even more visitors next year.',
      'rain.txt':
        'Heavy rain in Europe\nHeavy rain flooded streets in several European cities on Sunday.',
      // The same wire story published twice.
      'wire-a.txt': 'Wire report\nThe central bank left interest rates unchanged on Thursday.',
      'wire-b.txt': 'Wire report\nThe central bank left interest rates unchanged on Thursday.',
    };
    for (const [file, text] of Object.entries(docs)) writeFileSync(path.join(corpus, file), text);
    const config = testConfig(root, { CORPUS_DIR: corpus });
    await buildIndex({ config });
    embedder = await createEmbedder(config);
    index = loadIndex(config.INDEX_DIR, embedder.id);
  });

  afterAll(() => removeDir(root));

  const articlesOf = async (question: string, options: Parameters<typeof retrieve>[3]) =>
    (await retrieve(index, embedder, question, options)).map((p) => p.chunk.articleId);

  it('puts the chunk that matches the question first', async () => {
    expect((await articlesOf('What tariffs did the US put on Taiwan?', { k: 3 }))[0]).toBe(
      'taiwan-tariffs',
    );
    expect((await articlesOf('Did rain flood European cities?', { k: 3 }))[0]).toBe('rain');
  });

  it('numbers passages 1..k in rank order, with falling scores', async () => {
    const passages = await retrieve(index, embedder, 'tariffs on Japan', { k: 4 });
    expect(passages.map((p) => p.n)).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < passages.length; i++)
      expect(passages[i]!.score).toBeLessThanOrEqual(passages[i - 1]!.score);
    for (const p of passages) expect(p.article.id).toBe(p.chunk.articleId);
  });

  it('returns one passage for two articles with identical text', async () => {
    const articles = await articlesOf('central bank interest rates', { k: 6 });
    expect(articles[0]).toMatch(/^wire-/);
    expect(articles.filter((a) => a.startsWith('wire-'))).toHaveLength(1);
    expect(articles).toHaveLength(5); // six chunks, one a duplicate
    expect(new Set(articles).size).toBe(articles.length);
  });

  it('uses the previous question for a follow-up: "and what about Japan?" after a Taiwan question finds Japan’s tariffs', async () => {
    const history = [
      {
        question: 'What tariffs did the US put on Taiwan?',
        answer: 'The United States raised tariffs… [1]',
      },
    ];
    const withHistory = await articlesOf('and what about Japan?', { k: 3, history });
    expect(withHistory[0]).toBe('japan-tariffs');
    // Without the previous turn, the article that says "Japan" most wins instead.
    const alone = await articlesOf('and what about Japan?', { k: 3 });
    expect(alone[0]).toBe('japan-tourism');
  });

  it('ignores history for a question that stands on its own', async () => {
    const history = [{ question: 'Did rain flood European cities?', answer: '…' }];
    const question = 'What tariffs did the United States put on cars made in Japan?';
    expect(await articlesOf(question, { k: 3, history })).toEqual(
      await articlesOf(question, { k: 3 }),
    );
  });
});
