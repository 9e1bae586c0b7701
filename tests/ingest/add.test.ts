import { cpSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreConfig } from '../../src/config.js';
import { loadCorpus } from '../../src/corpus/load.js';
import { addArticle } from '../../src/ingest/add.js';
import { IngestError } from '../../src/ingest/errors.js';
import { buildIndex } from '../../src/rag/build.js';
import { readManifest } from '../../src/rag/store/index-store.js';
import {
  hashTree,
  makeTempDir,
  removeDir,
  REPO_ROOT,
  silenceLogs,
  testConfig,
} from '../support/core.js';
import {
  hugePage,
  html,
  LOOPBACK_ALLOWANCE,
  redirect,
  startPageServer,
  type PageServer,
} from '../support/page-server.js';

const PAGES = path.join(REPO_ROOT, 'tests', 'fixtures', 'pages');
const page = (name: string) => readFileSync(path.join(PAGES, `${name}.html`), 'utf8');

let root: string;
let config: CoreConfig;
let srv: PageServer;

beforeAll(async () => {
  silenceLogs();
  root = makeTempDir('storybot-add-');
  const corpus = path.join(root, 'corpus');
  cpSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'discord', 'corpus'), corpus, {
    recursive: true,
  });
  config = testConfig(root, { CORPUS_DIR: corpus });
  await buildIndex({ config });
  const news = page('jsonld-news');
  srv = await startPageServer({
    '/flood': html(news),
    // The same article at another address, without its canonical link, one word changed.
    '/flood-copy': html(
      news
        .replace(/<link rel="canonical"[^>]*>/, '')
        .replace('four-hour hearing', 'four-hour meeting'),
    ),
    '/rail': html(page('opengraph-only')),
    '/frontpage': html(page('no-article-frontpage')),
    '/paywall': html(page('paywall-stub')),
    '/broken': html(page('broken-html')),
    '/german': html(page('german')),
    '/error': (res) => res.writeHead(500).end(),
    '/loop': redirect('/loop'),
    '/huge': hugePage(50_000_000),
    '/binary': (res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(Buffer.alloc(4_000, 0)),
    '/to-metadata': redirect('http://169.254.169.254/'),
  });
});
afterAll(async () => {
  await srv.close();
  removeDir(root);
});

const corpusFiles = () => readdirSync(config.CORPUS_DIR).sort();
const add = (url: string) => addArticle(url, { config, policy: LOOPBACK_ALLOWANCE });

describe('adding an article by link', () => {
  it('writes the article into the corpus as Markdown with front matter and indexes it', async () => {
    const before = readManifest(config.INDEX_DIR).manifest.articles;
    const result = await add(`${srv.base}/flood`);
    expect(result.action).toBe('added');
    expect(result.file).toBe(
      '2025-03-11-flood-barrier-on-the-river-wend-approved-after-decade-of.md',
    );
    const text = readFileSync(path.join(config.CORPUS_DIR, result.file), 'utf8');
    expect(text).toMatch(
      /^---\ntitle: Flood barrier on the River Wend approved after decade of delays\n/,
    );
    expect(text).toContain('published_at: 2025-03-11T06:45:00+00:00');
    expect(text).toContain('updated_at: 2025-03-11T10:02:00+00:00');
    expect(text).toContain('author: Priya Halden');
    const loaded = (await loadCorpus(config.CORPUS_DIR)).articles.find(
      (a) => a.file === result.file,
    )!;
    expect(loaded.url).toBe('https://valleycourier.example/news/2025/03/flood-barrier-approved');
    expect(loaded.updatedAt).toBe('2025-03-11T10:02:00+00:00');
    expect(loaded.author).toBe('Priya Halden');
    expect(readManifest(config.INDEX_DIR).manifest.articles).toBe(before + 1);
  });

  it('updates instead of duplicating: the same canonical URL, or nearly the same text elsewhere', async () => {
    const files = corpusFiles();
    const again = await add(`${srv.base}/flood?utm_source=newsletter`);
    expect(again.action).toBe('unchanged');
    const copy = await add(`${srv.base}/flood-copy`);
    expect(copy.action).toBe('updated');
    expect(copy.file).toBe(again.file);
    expect(corpusFiles()).toEqual(files);
    expect(readFileSync(path.join(config.CORPUS_DIR, copy.file), 'utf8')).toContain(
      'four-hour meeting',
    );
  });

  it('adds another article under its own name, and accepts pages in other languages and broken HTML', async () => {
    expect((await add(`${srv.base}/rail`)).file).toMatch(/^2025-06-02-night-trains/);
    expect((await add(`${srv.base}/german`)).file).toBe(
      '2025-04-05-neue-strassenbahnlinie-verbindet-altstadt-und-hafen.md',
    );
    expect((await add(`${srv.base}/broken`)).article.title).toBe(
      'Miners rescued after two days underground',
    );
  });

  it.each([
    ['/frontpage', /no article text/],
    ['/paywall', /behind a paywall/],
    ['/error', /HTTP 500/],
    ['/loop', /redirects in a loop/],
    ['/huge', /over 2\.0 MB/],
    ['/binary', /binary data/],
    ['/to-metadata', /metadata service/],
    ['/nothing-here', /HTTP 404/],
  ])(
    'refuses %s with a clear reason, writing nothing and leaving the live index as it was',
    async (route, reason) => {
      const corpusBefore = hashTree(config.CORPUS_DIR);
      const live = readlinkSync(path.join(config.INDEX_DIR, 'current'));
      const error = await add(`${srv.base}${route}`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IngestError);
      expect((error as IngestError).message).toMatch(reason);
      expect((error as IngestError).message).not.toContain('\n');
      expect(hashTree(config.CORPUS_DIR)).toEqual(corpusBefore);
      expect(readlinkSync(path.join(config.INDEX_DIR, 'current'))).toBe(live);
    },
  );

  it('refuses the loopback server itself without the test allowance', async () => {
    const error = await addArticle(`${srv.base}/flood`, { config }).catch((e: unknown) => e);
    expect((error as IngestError).reason).toMatch(/loopback/);
  });

  it('adds a saved page or an article file from disk', async () => {
    const fromHtml = await addArticle(path.join(PAGES, 'microdata.html'), {
      config,
      reindex: false,
    });
    expect(fromHtml.article.title).toBe('Wind farm bid rejected over bird migration route');
    const md = path.join(REPO_ROOT, 'tests', 'fixtures', 'discord', 'uploads', 'night-ferry.md');
    const fromMd = await addArticle(md, { config, reindex: false });
    expect(fromMd.action).toBe('added');
    const missing = await addArticle(path.join(root, 'nope.html'), { config }).catch(
      (e: unknown) => e,
    );
    expect((missing as IngestError).reason).toBe('the file does not exist or cannot be read');
  });
});
