import { readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, type BuildProgress } from '../../src/rag/build.js';
import type { Article } from '../../src/rag/types.js';
import { generateCorpus, SyntheticLanguage } from '../../scripts/bench-scale.js';
import { makeTempDir, removeDir, silenceLogs, testConfig } from '../support/core.js';

let root: string;
let articles: Article[];

beforeAll(() => {
  silenceLogs();
  root = makeTempDir('storybot-build-');
  articles = generateCorpus(
    new SyntheticLanguage(11, ['market', 'minister', 'election']),
    150,
    1_000,
  ).articles;
});
afterAll(() => removeDir(root));

const filesOf = (indexDir: string): Record<string, Buffer> => {
  const dir = path.resolve(indexDir, readlinkSync(path.join(indexDir, 'current')));
  return Object.fromEntries(
    ['bodies.bin', 'chunks.bin', 'lexical.bin', 'vectors.hnsw', 'articles.json'].map((f) => [
      f,
      readFileSync(path.join(dir, f)),
    ]),
  );
};

describe('building an index', () => {
  it('writes the same files whether chunks are embedded through the cache or tokenized once without it', async () => {
    const cachedConfig = testConfig(root, {
      INDEX_DIR: path.join(root, 'cached'),
      CACHE_DIR: path.join(root, 'cache'),
    });
    const plainConfig = testConfig(root, {
      INDEX_DIR: path.join(root, 'plain'),
      CACHE_DIR: path.join(root, 'cache'),
    });
    const cached = await buildIndex({ config: cachedConfig, articles });
    const plain = await buildIndex({ config: plainConfig, articles, noCache: true });
    expect(plain.manifest.chunks).toBe(150);
    expect(cached.manifest.files).toEqual(plain.manifest.files);
    const a = filesOf(cachedConfig.INDEX_DIR);
    const b = filesOf(plainConfig.INDEX_DIR);
    for (const f of Object.keys(a)) expect(a[f]!.equals(b[f]!), f).toBe(true);
  });

  it('reports every phase, and finishes the vector index and the word index for every chunk', async () => {
    const events: BuildProgress[] = [];
    const config = testConfig(root, { INDEX_DIR: path.join(root, 'progress') });
    await buildIndex({ config, articles, noCache: true, onProgress: (p) => events.push(p) });
    const phases = [...new Set(events.map((e) => e.phase))];
    expect(phases).toEqual(
      expect.arrayContaining(['load', 'chunk', 'embed', 'lexical', 'vectors', 'write', 'swap']),
    );
    for (const phase of ['embed', 'lexical', 'vectors'] as const) {
      expect(events.filter((e) => e.phase === phase).at(-1)).toMatchObject({
        done: 150,
        total: 150,
      });
    }
    expect(events.at(-1)?.phase).toBe('swap');
  });
});
