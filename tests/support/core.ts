/**
 * Shared fixtures for the core pipeline tests: throwaway directories, configs that keep every
 * index and cache out of the repository, and a built index over the seed story.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type CoreConfig } from '../../src/config.js';
import { createLogger, setLogger } from '../../src/log.js';
import { buildIndex, type BuildReport } from '../../src/rag/build.js';
import { openEngine, type Engine } from '../../src/rag/engine.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SEED_CORPUS = path.join(REPO_ROOT, 'corpus');
/** Prepared once by tests/setup/wordvectors.ts; shared by every test index. */
export const WORD_VECTORS_DIR = path.join(REPO_ROOT, 'data', 'cache', 'wordvectors');

/** Keeps test output readable: the pipeline logs progress at info level. */
export function silenceLogs(): void {
  setLogger(createLogger('silent'));
}

/** A fresh directory under the OS temp dir. */
export function makeTempDir(prefix = 'storybot-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** The environment a test process gets: index and cache inside `root`, shared word vectors. */
export function testEnv(root: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CORPUS_DIR: SEED_CORPUS,
    INDEX_DIR: path.join(root, 'index'),
    CACHE_DIR: path.join(root, 'cache'),
    WORD_VECTORS_DIR,
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

/** A validated config whose index and cache live in `root`. */
export function testConfig(root: string, extra: Record<string, string> = {}): CoreConfig {
  return loadConfig(testEnv(root, extra));
}

export interface SeedIndex {
  root: string;
  config: CoreConfig;
  report: BuildReport;
  engine: Engine;
  /** The seed articles' bodies by id, read straight from corpus/ (what quotes must come from). */
  bodies: Map<string, string>;
}

/** Builds an index of the seed story in a temp dir and opens it (call from `beforeAll`). */
export async function buildSeedIndex(extra: Record<string, string> = {}): Promise<SeedIndex> {
  silenceLogs();
  const root = makeTempDir();
  const config = testConfig(root, extra);
  const report = await buildIndex({ config });
  const engine = await openEngine(config);
  return { root, config, report, engine, bodies: await seedBodies() };
}

/** Raw text of every seed article body, keyed by article id. */
export async function seedBodies(): Promise<Map<string, string>> {
  const { loadCorpus } = await import('../../src/corpus/load.js');
  const { articles } = await loadCorpus(SEED_CORPUS);
  return new Map(articles.map((a) => [a.id, a.body]));
}

/** sha256 of every file under `dir` (relative path → hash), following no links. */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const full = path.join(at, name);
      const st = statSync(full, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(full);
      else
        out[path.relative(dir, full)] = createHash('sha256')
          .update(readFileSync(full))
          .digest('hex');
    }
  };
  walk(dir);
  return out;
}
