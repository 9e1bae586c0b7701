/**
 * `npm run bench:add -- [--articles 1000] [--json]`: wall time of adding one page to a corpus
 * of N articles, re-index included (target: ≤ 10 s at 1,000 articles).
 *
 * 1. Writes N synthetic news articles (3–5 kB each) as Markdown into a temporary corpus and builds
 *    the index once: the state of a running deployment before someone adds an article.
 * 2. In process: serves a saved news page from a loopback server and times `addArticle(url)`
 *    (fetch, reader-mode extraction, corpus write, full re-index with the embedding cache, swap).
 *    The loopback server is reached through the fetcher's explicit allowance, set here in code.
 * 3. As an admin would run it: times `npm run add -- page.html` (the compiled `storybot add`, built
 *    first) in a child process (startup, config, extraction, re-index), on another saved page.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { addArticle } from '../src/ingest/add.js';
import { renderMarkdown } from '../src/ingest/corpusFile.js';
import { createLogger, setLogger } from '../src/log.js';
import { buildIndex } from '../src/rag/build.js';
import { SyntheticLanguage } from './bench-scale.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PAGES = path.join(ROOT, 'tests', 'fixtures', 'pages');

const { values } = parseArgs({
  options: { articles: { type: 'string', default: '1000' }, json: { type: 'boolean' } },
});
const count = Number(values.articles);
setLogger(createLogger('silent'));

const root = path.join(os.tmpdir(), `storybot-bench-add-${process.pid}`);
const env = {
  CORPUS_DIR: path.join(root, 'corpus'),
  INDEX_DIR: path.join(root, 'index'),
  CACHE_DIR: path.join(root, 'cache'),
  WORD_VECTORS_DIR: path.join(ROOT, 'data', 'cache', 'wordvectors'),
  LOG_LEVEL: 'silent',
};
const config = loadConfig(env);

try {
  mkdirSync(env.CORPUS_DIR, { recursive: true });
  const language = new SyntheticLanguage(7);
  for (let i = 0; i < count; i++) {
    const a = language.article(i);
    const day = new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString();
    writeFileSync(
      path.join(env.CORPUS_DIR, `a${String(i).padStart(5, '0')}.md`),
      renderMarkdown({ ...a, publishedAt: a.publishedAt ?? day }),
    );
  }
  let t = performance.now();
  const initial = await buildIndex({ config });
  const initialMs = performance.now() - t;

  const page = readFileSync(path.join(PAGES, 'jsonld-news.html'));
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/news/flood-barrier`;
  t = performance.now();
  const added = await addArticle(url, { config, policy: { allowPrivateHosts: ['127.0.0.1'] } });
  const inProcessMs = performance.now() - t;
  server.close();

  // `npm run add` runs the compiled command: build it first (not timed).
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
  t = performance.now();
  const child = spawnSync(
    'npm',
    ['run', '-s', 'add', '--', path.join(PAGES, 'opengraph-only.html')],
    { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' },
  );
  const processMs = performance.now() - t;
  if (child.status !== 0) throw new Error(`npm run add failed: ${child.stderr}`);

  const result = {
    articles: count + 2,
    chunks: added.build!.manifest.chunks,
    initialBuildMs: Math.round(initialMs),
    addInProcessMs: Math.round(inProcessMs),
    addRebuildMs: added.build!.manifest.buildMs,
    addReembeddedChunks: added.build!.embedded,
    npmRunAddMs: Math.round(processMs),
    targetMs: 10_000,
    cpus: os.cpus().length,
    loadAverage: os.loadavg()[0]!.toFixed(2),
  };
  if (!values.json) {
    process.stdout.write(
      [
        `corpus: ${count} articles, ${initial.manifest.chunks} chunks (initial build ${result.initialBuildMs} ms, cold cache)`,
        `add by URL, in process (fetch, extract, write, re-index ${result.chunks} chunks, swap): ${result.addInProcessMs} ms (re-index ${result.addRebuildMs} ms, ${result.addReembeddedChunks} chunks embedded)`,
        `npm run add -- page.html (whole process): ${result.npmRunAddMs} ms (target ≤ ${result.targetMs} ms)`,
        `machine: ${result.cpus} cores, load average ${result.loadAverage}`,
        '',
      ].join('\n'),
    );
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
