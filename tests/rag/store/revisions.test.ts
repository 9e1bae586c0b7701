import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreConfig } from '../../../src/config.js';
import { buildIndex } from '../../../src/rag/build.js';
import { openEngine } from '../../../src/rag/engine.js';
import { makeTempDir, removeDir, silenceLogs, testConfig } from '../../support/core.js';

let root: string;
let config: CoreConfig;
const corpus = () => config.CORPUS_DIR;
const write = (name: string, body: string) =>
  writeFileSync(
    path.join(corpus(), name),
    `---\ntitle: ${name}\npublished_at: 2026-11-20\n---\n${body}\n`,
  );

beforeAll(() => {
  silenceLogs();
  root = makeTempDir('storybot-revisions-');
  config = testConfig(root, { CORPUS_DIR: path.join(root, 'corpus') });
  mkdirSync(corpus());
});
afterAll(() => removeDir(root));

describe('corrections noticed across re-indexes', () => {
  it('marks an article revised when its text changes, keeps the mark, and tells stale quotes apart', async () => {
    write('a.md', 'The council approved a budget of 90 million dollars on Wednesday.');
    write('b.md', 'The ferry runs every hour between the harbour and the island.');
    write('c.md', 'The museum reopens in the spring after a two-year refit.');
    await buildIndex({ config });
    const first = await openEngine(config);
    expect(first.articles.every((a) => a.revisedAt === undefined)).toBe(true);

    write('a.md', 'The council approved a budget of 95 million dollars on Wednesday.');
    rmSync(path.join(corpus(), 'c.md'));
    await buildIndex({ config });
    const second = await openEngine(config);
    const revised = second.articles.find((a) => a.id === 'a')!.revisedAt;
    expect(revised).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(second.articles.find((a) => a.id === 'b')!.revisedAt).toBeUndefined();

    const old = {
      articleId: 'a',
      quote: 'The council approved a budget of 90 million dollars on Wednesday.',
    };
    expect(second.quoteStatus(old)).toEqual({ status: 'changed', revisedAt: revised });
    expect(second.quoteStatus({ articleId: 'b', quote: 'The ferry runs every hour' })).toEqual({
      status: 'current',
    });
    expect(second.quoteStatus({ articleId: 'c', quote: 'The museum reopens' })).toEqual({
      status: 'removed',
    });

    await buildIndex({ config });
    expect((await openEngine(config)).articles.find((a) => a.id === 'a')!.revisedAt).toBe(revised);
  });
});
