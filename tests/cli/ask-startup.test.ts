/**
 * What a one-question `storybot ask` (the compiled CLI, index present) loads and how it ends:
 * nothing that only building, Discord, OpenAI or a `.env` file needs, and the whole answer on
 * stdout before the process exits (it exits once its output is written).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSeedIndex, removeDir, testEnv, type SeedIndex } from '../support/core.js';
import { DIST_ENTRY, ensureDistBuilt } from '../support/dist.js';

let seed: SeedIndex;
let logFile: string;
let tracker: string;

/**
 * A module for `node --import` that appends every module the process loads to MODULE_LOG: ES
 * modules through a load hook, CommonJS ones from require's cache when the process exits.
 */
const TRACKER = `
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
const log = process.env.MODULE_LOG;
register('data:text/javascript,' + encodeURIComponent(
  "import { appendFileSync } from 'node:fs';" +
  "export async function load(url, context, next) {" +
  "  appendFileSync(" + JSON.stringify(log) + ", url + '\\\\n');" +
  "  return next(url, context);" +
  "}"));
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(log, Object.keys(cache).join('\\n') + '\\n'));
`;

beforeAll(async () => {
  ensureDistBuilt();
  seed = await buildSeedIndex();
  logFile = path.join(seed.root, 'modules.log');
  tracker = path.join(seed.root, 'tracker.mjs');
  writeFileSync(tracker, TRACKER);
}, 120_000);
afterAll(() => removeDir(seed?.root));

/** Runs the compiled `storybot ask` with the tracker; returns its result and the modules it loaded. */
function trackedAsk(args: string[]): { status: number | null; stdout: string; modules: string[] } {
  writeFileSync(logFile, '');
  const run = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(tracker).href, DIST_ENTRY, 'ask', ...args],
    {
      cwd: seed.root,
      env: { PATH: process.env.PATH ?? '', ...testEnv(seed.root), MODULE_LOG: logFile },
      encoding: 'utf8',
    },
  );
  const modules = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  return { status: run.status, stdout: run.stdout, modules };
}

describe('storybot ask, index present', () => {
  it('loads no module that only the builder, Discord, OpenAI, the database or dotenv needs', () => {
    const run = trackedAsk(['--json', 'What did Xi tell Trump about Taiwan?']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ refused: false });
    const packages = new Set(
      run.modules.flatMap((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1] ?? []),
    );
    // The tracker sees what was loaded: the English model and the vector index are needed.
    expect(packages).toContain('wink-nlp');
    expect(packages).toContain('hnswlib-node');
    for (const unused of [
      '@langchain/core',
      '@langchain/openai',
      'p-queue',
      'openai',
      'discord.js',
      'dotenv',
      'pino',
      'better-sqlite3',
      'kysely',
      'pg',
      'linkedom',
      '@mozilla/readability',
      'yaml',
      'chrono-node',
      'tinyld',
    ])
      expect(packages, unused).not.toContain(unused);
    // The build bundles `ask` (scripts/bundle-cli.mjs): the engine is a chunk of its own, and
    // the builder's and the OpenAI answerer's chunks are loaded only when used.
    const own = run.modules.filter((m) => m.includes('/dist/'));
    expect(own.some((m) => m.endsWith('/dist/cli/ask.js'))).toBe(true);
    expect(own.some((m) => /\/dist\/cli\/chunks\/engine-\w+\.js$/.test(m))).toBe(true);
    for (const builderOnly of [
      '/dist/rag/',
      '/dist/cli/chunks/build-',
      '/dist/cli/chunks/openai-',
      '/dist/corpus/',
      '/dist/discord/',
      '/dist/db/',
    ])
      expect(own.filter((m) => m.includes(builderOnly))).toEqual([]);
  });

  it('writes every answer of a long --stdin run before it exits', () => {
    const questions = Array.from({ length: 60 }, (_, i) => `What did Xi say about Taiwan (${i})?`);
    const input = `${questions.join('\n')}\n`;
    const run = spawnSync(process.execPath, [DIST_ENTRY, 'ask', '--stdin'], {
      cwd: seed.root,
      env: { PATH: process.env.PATH ?? '', ...testEnv(seed.root) },
      input,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { question: string }).question)).toEqual(questions);
  });
});
