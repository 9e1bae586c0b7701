import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/rag/build.js';
import { createEmbedder, type Embedder } from '../../src/rag/embeddings/index.js';
import { retrieve } from '../../src/rag/retrieve.js';
import { loadIndex, type StoredIndex } from '../../src/rag/store/index-store.js';
import { makeTempDir, removeDir, silenceLogs, testConfig } from '../support/core.js';

// A story covered by two outlets. The Daily Planet writes about the bridge at length, day after
// day, in near-identical words; the Gotham Gazette covers everything else, mentions the bridge
// once and the museum once. Plain BM25 ranks the Planet's bridge articles first for every
// bridge question, whatever outlet or date the question names.
const DAYS = ['01', '05', '09', '13'];
const CREWS = ['Early crews', 'Night crews', 'Extra crews', 'Weekend crews'];
const TOPICS = [
  'school lunches',
  'park benches',
  'library hours',
  'bus fares',
  'street lights',
  'tax forms',
  'snow plows',
  'garden rules',
];
const ARTICLES = [
  ...DAYS.map((day, i) => ({
    id: `planet-${day}`,
    source: 'The Daily Planet',
    published_at: `2024-03-${day}T09:00:00Z`,
    title: 'Harbor bridge update',
    body:
      `The harbor bridge repairs continued. ${CREWS[i]} worked on the harbor bridge deck and the harbor bridge cables. ` +
      'Drivers waited to use the harbor bridge again, and the bridge repairs were said to be nearly finished.',
  })),
  ...TOPICS.map((topic, i) => ({
    id: `gazette-${i}`,
    source: 'Gotham Gazette',
    published_at: `2024-02-1${i}T09:00:00Z`,
    title: `Council notes: ${topic}`,
    body:
      `The council discussed ${topic} on Monday. Members asked for a report on ${topic} by spring.` +
      (i === 2 ? ' The city museum closed for renovation.' : '') +
      (i === 5 ? ' A member said the bridge repairs were finished.' : ''),
  })),
];

describe('retrieval with outlets, dates and many-part questions', () => {
  let root: string;
  let index: StoredIndex;
  let embedder: Embedder;

  beforeAll(async () => {
    silenceLogs();
    root = makeTempDir('storybot-outlets-');
    const corpus = path.join(root, 'corpus');
    mkdirSync(corpus);
    writeFileSync(path.join(corpus, 'news.json'), JSON.stringify(ARTICLES));
    const config = testConfig(root, { CORPUS_DIR: corpus });
    await buildIndex({ config });
    embedder = await createEmbedder(config);
    index = loadIndex(config.INDEX_DIR, embedder.id);
  });

  afterAll(() => removeDir(root));

  const ids = async (question: string, k: number): Promise<string[]> =>
    (await retrieve(index, embedder, question, { k })).map((p) => p.chunk.articleId);

  it('puts the named outlet’s article first even when another outlet says more about the topic', async () => {
    expect(
      (await ids('What did the Gotham Gazette say about the harbor bridge repairs?', 3))[0],
    ).toBe('gazette-5');
  });

  it('gives each part of a two-outlet question a passage within the first two', async () => {
    const top = await ids(
      'Did The Daily Planet report the harbor bridge repairs finished, while the Gotham Gazette reported the museum closed?',
      2,
    );
    expect(top).toContain('gazette-2');
    expect(top.some((id) => id.startsWith('planet-'))).toBe(true);
  });

  it('prefers the article published on the date the question names, however the date is written', async () => {
    expect(
      (
        await ids('What did The Daily Planet report about the harbor bridge on March 9, 2024?', 2)
      )[0],
    ).toBe('planet-09');
    expect(
      (
        await ids('What did The Daily Planet report about the harbor bridge on 9 March 2024?', 2)
      )[0],
    ).toBe('planet-09');
  });

  it('still answers when the question names an outlet or a date the index does not have', async () => {
    expect(
      await ids('What did the Springfield Shopper say about the harbor bridge on June 9, 2020?', 3),
    ).toHaveLength(3);
  });

  it('numbers passages in order with non-increasing scores when parts are interleaved', async () => {
    const passages = await retrieve(
      index,
      embedder,
      'Did The Daily Planet report on traffic, while the Gotham Gazette reported on the museum?',
      { k: 4 },
    );
    expect(passages.map((p) => p.n)).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < passages.length; i++)
      expect(passages[i]!.score).toBeLessThanOrEqual(passages[i - 1]!.score);
  });
});
