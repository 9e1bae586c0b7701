import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { Embeddings } from '@langchain/core/embeddings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreConfig } from '../../../src/config.js';
import { CorpusError, IndexError } from '../../../src/errors.js';
import { buildIndex } from '../../../src/rag/build.js';
import type { Embedder } from '../../../src/rag/embeddings/index.js';
import { openEngine } from '../../../src/rag/engine.js';
import {
  acquireBuildLock,
  corpusFingerprint,
  FORMAT_VERSION,
  indexExists,
  loadIndex,
  readManifest,
} from '../../../src/rag/store/index-store.js';
import {
  hashTree,
  makeTempDir,
  removeDir,
  SEED_CORPUS,
  seedBodies,
  silenceLogs,
  testConfig,
} from '../../support/core.js';

let root: string;
let seedEmbedderId: string;
let bodies: Map<string, string>;
let seedChunks: number;

/** A config with its own index dir, sharing one embedding cache (so rebuilds are quick). */
function configIn(name: string, extra: Record<string, string> = {}): CoreConfig {
  return testConfig(root, {
    INDEX_DIR: path.join(root, name, 'index'),
    CACHE_DIR: path.join(root, 'shared-cache'),
    ...extra,
  });
}

/** The directory `current` points at. */
const currentDir = (config: CoreConfig): string =>
  path.resolve(config.INDEX_DIR, readlinkSync(path.join(config.INDEX_DIR, 'current')));

/** Expects `fn` to throw an IndexError whose message matches every pattern, and returns it. */
function expectIndexError(fn: () => unknown, ...patterns: RegExp[]): IndexError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(IndexError);
  for (const p of patterns) expect((caught as Error).message).toMatch(p);
  return caught as IndexError;
}

/** Writes a small corpus of `articles` (file name → text) into a fresh directory. */
function writeCorpus(name: string, articles: Record<string, string>): string {
  const dir = path.join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(articles)) writeFileSync(path.join(dir, file), text);
  return dir;
}

beforeAll(async () => {
  silenceLogs();
  root = makeTempDir('storybot-store-');
  const config = configIn('seed');
  const report = await buildIndex({ config });
  seedEmbedderId = report.manifest.embedder.id;
  seedChunks = report.manifest.chunks;
  bodies = await seedBodies();
});

afterAll(() => removeDir(root));

describe('an index built from the seed corpus', () => {
  it('has a manifest describing the build and loads back to the same chunks', () => {
    const config = configIn('seed');
    expect(indexExists(config.INDEX_DIR)).toBe(true);
    const { manifest } = readManifest(config.INDEX_DIR);
    expect(manifest).toMatchObject({
      formatVersion: FORMAT_VERSION,
      articles: 1,
      chunkSize: 1_000,
    });
    expect(manifest.embedder.id).toMatch(/^local:/);
    expect(manifest.embedder.dimensions).toBeGreaterThan(0);
    expect(manifest.chunks).toBeGreaterThan(1);
    expect(Number.isNaN(Date.parse(manifest.builtAt))).toBe(false);
    expect(manifest.corpusFingerprint).toMatch(/^[0-9a-f]{64}$/);

    const index = loadIndex(config.INDEX_DIR, seedEmbedderId);
    expect(index.chunkCount).toBe(manifest.chunks);
    expect(index.vectors.size).toBe(manifest.chunks);
    const [meta] = index.articles;
    const body = bodies.get(meta!.id)!;
    for (let i = 0; i < index.chunkCount; i++) {
      const chunk = index.chunk(i);
      expect(chunk.id).toBe(`${meta!.id}#${chunk.ordinal}`);
      expect(chunk.text).toBe(body.slice(chunk.start, chunk.end));
      for (const s of chunk.sentences) expect(body.slice(s.start, s.end).length).toBeGreaterThan(0);
    }
    expect(index.lexical.docCount).toBe(manifest.chunks);
  });

  it('records a corpus fingerprint that changes with the text and not with article order', () => {
    const a = { id: 'a', title: 'A', body: 'One.' };
    const b = { id: 'b', title: 'B', body: 'Two.' };
    expect(corpusFingerprint([a, b])).toBe(corpusFingerprint([b, a]));
    expect(corpusFingerprint([a, { ...b, body: 'Two!' }])).not.toBe(corpusFingerprint([a, b]));
  });
});

describe('loading an index refuses, with an IndexError that says to run `npm run index`,', () => {
  /** A private copy of the seed index to damage (links are copied as links). */
  function damagedCopy(name: string): CoreConfig {
    const config = configIn(name);
    cpSync(configIn('seed').INDEX_DIR, config.INDEX_DIR, {
      recursive: true,
      verbatimSymlinks: true,
    });
    expect(currentDir(config).startsWith(config.INDEX_DIR)).toBe(true);
    return config;
  }

  it('an index directory with no build', () => {
    expectIndexError(
      () => loadIndex(path.join(root, 'nothing-here'), seedEmbedderId),
      /No index found/,
      /npm run index/,
    );
  });

  it('an index built with another embedder than the configured one, naming both', () => {
    expectIndexError(
      () => loadIndex(configIn('seed').INDEX_DIR, 'openai:text-embedding-3-small@0000'),
      new RegExp(`built with embedder "${seedEmbedderId.replace(/[+.]/g, '\\$&')}"`),
      /"openai:text-embedding-3-small@0000" is configured/,
      /npm run index/,
    );
  });

  it('an index built offline when OpenAI embeddings are configured, at engine start', async () => {
    const config = configIn('seed', {
      EMBEDDINGS_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    });
    const error = await openEngine(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as Error).message).toMatch(/EMBEDDINGS_PROVIDER/);
    expect((error as Error).message).not.toContain('sk-test-not-a-real-key');
  });

  it('a manifest from another format version', () => {
    const config = damagedCopy('future');
    const file = path.join(currentDir(config), 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...manifest, formatVersion: FORMAT_VERSION + 1 }));
    expectIndexError(
      () => loadIndex(config.INDEX_DIR, seedEmbedderId),
      new RegExp(`format version ${FORMAT_VERSION + 1}`),
      /npm run index/,
    );
  });

  it('a manifest that is not JSON', () => {
    const config = damagedCopy('garbled');
    writeFileSync(
      path.join(currentDir(config), 'manifest.json'),
      '{"formatVersion": 1, "embedder": ',
    );
    expectIndexError(
      () => loadIndex(config.INDEX_DIR, seedEmbedderId),
      /no readable manifest/,
      /npm run index/,
    );
  });

  it.each(['articles.json', 'bodies.bin', 'chunks.bin', 'lexical.bin', 'vectors.hnsw'])(
    'a build with %s missing',
    (file) => {
      const config = damagedCopy(`missing-${file}`);
      rmSync(path.join(currentDir(config), file));
      expectIndexError(
        () => loadIndex(config.INDEX_DIR, seedEmbedderId),
        new RegExp(`missing ${file.replace('.', '\\.')}`),
        /npm run index/,
      );
    },
  );

  it.each(['articles.json', 'chunks.bin', 'lexical.bin', 'vectors.hnsw'])(
    'a build with %s truncated',
    (file) => {
      const config = damagedCopy(`truncated-${file}`);
      const full = path.join(currentDir(config), file);
      truncateSync(full, Math.floor(statSync(full).size / 2));
      expectIndexError(
        () => loadIndex(config.INDEX_DIR, seedEmbedderId),
        /damaged/,
        new RegExp(file.replace('.', '\\.')),
        /npm run index/,
      );
    },
  );

  it('a vector file damaged in place, before native code reads it (it would crash the process)', () => {
    const config = damagedCopy('scribbled-vectors');
    const full = path.join(currentDir(config), 'vectors.hnsw');
    const bytes = readFileSync(full);
    // Overwrite the first element's neighbour ids: same size, so only a content check sees it.
    bytes.fill(0xff, 100, 200);
    writeFileSync(full, bytes);
    expectIndexError(
      () => loadIndex(config.INDEX_DIR, seedEmbedderId),
      /damaged/,
      /vectors\.hnsw/,
      /npm run index/,
    );
  });

  it('a chunk table damaged in place', () => {
    const config = damagedCopy('scribbled-chunks');
    const full = path.join(currentDir(config), 'chunks.bin');
    const bytes = readFileSync(full);
    bytes.fill(0x7b, 8, 40); // inside the JSON header
    writeFileSync(full, bytes);
    expectIndexError(() => loadIndex(config.INDEX_DIR, seedEmbedderId), /damaged/, /npm run index/);
  });
});

describe('building over an existing index', () => {
  it('leaves every byte of the current build and the `current` link unchanged when the corpus has a bad file', async () => {
    const config = configIn('atomic-fail');
    const good = writeCorpus('atomic-corpus', {
      'story.txt': readFileSync(path.join(SEED_CORPUS, '000_39ea354dbb4ad603.txt'), 'utf8'),
    });
    await buildIndex({ config, corpusDir: good });
    const link = readlinkSync(path.join(config.INDEX_DIR, 'current'));
    const before = hashTree(config.INDEX_DIR);
    expect(Object.keys(before).length).toBeGreaterThan(6);

    writeFileSync(path.join(good, 'broken.json'), '{"title": "half an upload"');
    const error = await buildIndex({ config, corpusDir: good }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorpusError);
    expect((error as CorpusError).file).toBe('broken.json');

    expect(readlinkSync(path.join(config.INDEX_DIR, 'current'))).toBe(link);
    expect(hashTree(config.INDEX_DIR)).toEqual(before);
    expect(existsSync(path.join(config.INDEX_DIR, 'build.lock'))).toBe(false);
  });

  it('leaves the current build unchanged when the embedder fails halfway through a build', async () => {
    const config = configIn('atomic-embed-fail');
    await buildIndex({ config });
    const link = readlinkSync(path.join(config.INDEX_DIR, 'current'));
    const before = hashTree(config.INDEX_DIR);

    // Stands in for an embeddings server that goes away mid-build (the only way to make the
    // project's own embedder fail on demand).
    class FailingEmbeddings extends Embeddings<number[]> {
      constructor() {
        super({});
      }
      override async embedDocuments(): Promise<number[][]> {
        throw new Error('embeddings server went away');
      }
      override async embedQuery(): Promise<number[]> {
        throw new Error('embeddings server went away');
      }
    }
    const failing: Embedder = {
      id: 'failing:test',
      embeddings: new FailingEmbeddings(),
      wordVectors: null,
      dimensions: async () => 8,
      embedQuery: async () => new Float32Array(8),
    };
    await expect(buildIndex({ config, embedder: failing })).rejects.toThrow(
      /embeddings server went away/,
    );

    expect(readlinkSync(path.join(config.INDEX_DIR, 'current'))).toBe(link);
    expect(hashTree(config.INDEX_DIR)).toEqual(before);
    expect(
      readdirSync(path.join(config.INDEX_DIR, 'builds')).filter((d) => d.startsWith('.tmp-')),
    ).toEqual([]);
  });

  it('swaps `current` on success, while an engine opened before keeps answering from its own build', async () => {
    const corpus = writeCorpus('swap-corpus', {
      'bridge.txt': 'Bridge news\nThe harbour bridge reopened on Monday after repairs.\n',
    });
    const config = configIn('swap', { CORPUS_DIR: corpus });
    await buildIndex({ config });
    const firstBuild = currentDir(config);
    const before = await openEngine(config);
    const question = 'When did the harbour bridge reopen?';
    expect((await before.ask(question)).citations[0]?.quote).toMatch(/Monday/);

    writeFileSync(
      path.join(corpus, 'bridge.txt'),
      'Bridge news\nThe harbour bridge reopened on Friday after repairs.\n',
    );
    await buildIndex({ config });
    expect(currentDir(config)).not.toBe(firstBuild);
    const after = await openEngine(config);
    expect((await after.ask(question)).citations[0]?.quote).toMatch(/Friday/);

    // A third build removes the first build's files: the old engine holds what it needs.
    await buildIndex({ config });
    expect(existsSync(firstBuild)).toBe(false);
    const old = await before.ask(question);
    expect(old.refused).toBe(false);
    expect(old.citations[0]?.quote).toBe('The harbour bridge reopened on Monday after repairs.');
  });

  it('is refused while another live process holds the build lock, leaving its lock alone', async () => {
    const config = configIn('locked');
    await buildIndex({ config });
    const link = readlinkSync(path.join(config.INDEX_DIR, 'current'));
    const lock = path.join(config.INDEX_DIR, 'build.lock');
    // The test runner's parent process is alive for the whole test and is not this process.
    writeFileSync(lock, String(process.ppid));
    try {
      const error = await buildIndex({ config }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IndexError);
      expect((error as Error).message).toMatch(
        new RegExp(`Another index build is running \\(process ${process.ppid}\\)`),
      );
      expect(() => acquireBuildLock(config.INDEX_DIR)).toThrowError(IndexError);
      expect(readFileSync(lock, 'utf8')).toBe(String(process.ppid));
      expect(readlinkSync(path.join(config.INDEX_DIR, 'current'))).toBe(link);
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it('refuses a second build in the same process while the first holds the lock', async () => {
    const config = configIn('same-process-lock');
    const release = acquireBuildLock(config.INDEX_DIR);
    try {
      const error = await buildIndex({ config }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IndexError);
      expect((error as Error).message).toMatch(/Another index build is running/);
    } finally {
      release();
    }
    await expect(buildIndex({ config })).resolves.toMatchObject({
      manifest: { articles: expect.any(Number) },
    });
  });

  it('takes over a lock left by a build process that has died', async () => {
    const config = configIn('stale-lock');
    mkdirSync(config.INDEX_DIR, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(path.join(config.INDEX_DIR, 'build.lock'), String(dead));
    const report = await buildIndex({ config });
    expect(report.manifest.chunks).toBe(seedChunks);
    expect(existsSync(path.join(config.INDEX_DIR, 'build.lock'))).toBe(false);
  });
});

describe('the embedding cache', () => {
  it('embeds nothing on a rebuild of the same corpus, and only the new chunks when an article is added', async () => {
    const corpus = writeCorpus('cache-corpus', {
      'story.txt': readFileSync(path.join(SEED_CORPUS, '000_39ea354dbb4ad603.txt'), 'utf8'),
    });
    const config = configIn('cache', {
      CORPUS_DIR: corpus,
      CACHE_DIR: path.join(root, 'cache-only'),
    });
    const first = await buildIndex({ config });
    expect(first.embedded).toBe(first.manifest.chunks);
    expect(first.cached).toBe(0);

    const second = await buildIndex({ config });
    expect(second.embedded).toBe(0);
    expect(second.cached).toBe(second.manifest.chunks);

    writeFileSync(
      path.join(corpus, 'extra.md'),
      '---\ntitle: A second article\n---\n' +
        'The envoy arrived in Seoul on Tuesday. Talks lasted three hours. '.repeat(30),
    );
    const third = await buildIndex({ config });
    const added = third.manifest.chunks - second.manifest.chunks;
    expect(added).toBeGreaterThan(1);
    expect(third.embedded).toBe(added);
    expect(third.cached).toBe(second.manifest.chunks);
  });

  it('ignores and cuts off a record torn by a crash, keeping the whole ones', async () => {
    const cacheDir = path.join(root, 'torn-cache');
    const config = configIn('torn', { CACHE_DIR: cacheDir });
    const first = await buildIndex({ config });
    const embeddings = path.join(cacheDir, 'embeddings');
    const [file] = readdirSync(embeddings);
    const full = path.join(embeddings, file!);
    const whole = statSync(full).size;
    const recordBytes = 16 + first.manifest.embedder.dimensions * 4;
    expect(whole % recordBytes).toBe(0);
    appendFileSync(full, Buffer.alloc(37, 0xab));

    const second = await buildIndex({ config });
    expect(second.embedded).toBe(0);
    expect(statSync(full).size).toBe(whole);
  });
});
