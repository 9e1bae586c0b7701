/**
 * Damage that keeps every file size right (what `npm run robustness` found): it must be refused
 * when the index loads, not surface at the first question as a crash or as wrong quotes.
 */
import {
  cpSync,
  lstatSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreConfig } from '../../../src/config.js';
import { IndexError } from '../../../src/errors.js';
import { buildIndex } from '../../../src/rag/build.js';
import { loadIndex, readManifest } from '../../../src/rag/store/index-store.js';
import { readSections, writeSections } from '../../../src/rag/store/sections.js';
import { makeTempDir, removeDir, silenceLogs, testConfig } from '../../support/core.js';

let root: string;
let seed: CoreConfig;
let embedderId: string;

beforeAll(async () => {
  silenceLogs();
  root = makeTempDir('storybot-index-damage-');
  seed = testConfig(root, { INDEX_DIR: path.join(root, 'seed') });
  await buildIndex({ config: seed });
  embedderId = readManifest(seed.INDEX_DIR).manifest.embedder.id;
});

afterAll(() => removeDir(root));

/** A private copy of the seed index; returns its INDEX_DIR and build directory. */
function copyOfSeed(name: string): { indexDir: string; build: string } {
  const indexDir = path.join(root, name);
  cpSync(seed.INDEX_DIR, indexDir, { recursive: true, verbatimSymlinks: true });
  return { indexDir, build: path.resolve(indexDir, readlinkSync(path.join(indexDir, 'current'))) };
}

function expectRefused(indexDir: string, reason: RegExp): void {
  let error: unknown;
  try {
    loadIndex(indexDir, embedderId);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(IndexError);
  expect((error as Error).message).toMatch(/damaged/);
  expect((error as Error).message).toMatch(reason);
  expect((error as Error).message).toMatch(/npm run index/);
}

describe('loading an index refuses damage that keeps the file sizes', () => {
  it('a chunk table column whose name lost a byte', () => {
    const { indexDir, build } = copyOfSeed('renamed-column');
    const file = path.join(build, 'chunks.bin');
    const bytes = readFileSync(file);
    const at = bytes.indexOf('"ordinal"');
    expect(at).toBeGreaterThan(0);
    bytes[at + 1] = 'O'.charCodeAt(0);
    writeFileSync(file, bytes);
    expectRefused(indexDir, /no ordinal column/);
  });

  it('a chunk row that points past the article list', () => {
    const { indexDir, build } = copyOfSeed('row-out-of-range');
    const file = path.join(build, 'chunks.bin');
    const size = statSync(file).size;
    const { meta, sections } = readSections(file);
    (sections.article as Uint32Array)[0] = 999;
    writeSections(file, meta, sections);
    expect(statSync(file).size).toBe(size);
    expectRefused(indexDir, /chunk 0 points outside its article/);
  });

  it('an article entry that lost its id', () => {
    const { indexDir, build } = copyOfSeed('article-without-id');
    const file = path.join(build, 'articles.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"id"', '"iX"'));
    expectRefused(indexDir, /article entry is malformed/);
  });
});

describe('building over an index directory', () => {
  it('replaces a `current` that is a regular file with the link to the new build', async () => {
    const { indexDir } = copyOfSeed('current-is-a-file');
    const current = path.join(indexDir, 'current');
    rmSync(current);
    writeFileSync(current, 'builds/whatever\n');
    await buildIndex({ config: { ...seed, INDEX_DIR: indexDir } });
    expect(lstatSync(current).isSymbolicLink()).toBe(true);
    expect(loadIndex(indexDir, embedderId).manifest.chunks).toBeGreaterThan(0);
  });
});

describe('article text damaged inside bodies.bin', () => {
  it('is refused when the article is first used, never quoted', () => {
    const { indexDir, build } = copyOfSeed('flipped-body');
    const file = path.join(build, 'bodies.bin');
    const bytes = readFileSync(file);
    bytes[40] = bytes[40] === 0x41 ? 0x42 : 0x41; // one ASCII letter changed: same size, valid UTF-8
    writeFileSync(file, bytes);
    const index = loadIndex(indexDir, embedderId);

    expect(() => index.chunk(0)).toThrowError(IndexError);
    expect(() => index.body(0)).toThrowError(/does not match its checksum.*npm run index/);
  });

  it('an undamaged copy serves the same text as the corpus', () => {
    const { indexDir } = copyOfSeed('intact-body');
    const index = loadIndex(indexDir, embedderId);
    expect(index.body(0)).toContain('Chinese President Xi Jinping told US President Donald Trump');
  });
});
