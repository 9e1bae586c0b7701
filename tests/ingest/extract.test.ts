import { readFileSync } from 'node:fs';
import path from 'node:path';
import { distance } from 'fastest-levenshtein';
import { describe, expect, it } from 'vitest';
import { IngestError } from '../../src/ingest/errors.js';
import { extractArticle } from '../../src/ingest/extract.js';
import { stripSiteSuffix } from '../../src/ingest/metadata.js';
import { REPO_ROOT } from '../support/core.js';

/**
 * Saved pages of different real-world shapes (tests/fixtures/pages/*.html), each with what a
 * reader sees in expected.json: title, publication day and article text, or the refusal.
 */
const PAGES = path.join(REPO_ROOT, 'tests', 'fixtures', 'pages');
interface Expected {
  title?: string;
  date?: string;
  body?: string;
  refusal?: 'no article' | 'paywall';
}
const expected = JSON.parse(readFileSync(path.join(PAGES, 'expected.json'), 'utf8')) as Record<
  string,
  Expected
>;

/** 1 − Levenshtein distance / length, over whitespace-collapsed text. */
function similarity(a: string, b: string): number {
  const x = a.replace(/\s+/g, ' ').trim();
  const y = b.replace(/\s+/g, ' ').trim();
  return 1 - distance(x, y) / Math.max(x.length, y.length, 1);
}

const load = (name: string) => readFileSync(path.join(PAGES, `${name}.html`), 'utf8');
const articles = Object.entries(expected).filter(([, e]) => !e.refusal);
const refusals = Object.entries(expected).filter(([, e]) => e.refusal);

describe('extracting articles from saved pages', () => {
  it('has at least twelve saved pages, with and without articles', () => {
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(12);
    expect(refusals.length).toBeGreaterThanOrEqual(2);
  });

  it.each(articles)('reads the title, date and text a reader sees on %s', (name, e) => {
    const article = extractArticle(load(name), `https://pages.example/${name}`);
    expect(article.title).toBe(e.title);
    expect(article.publishedAt?.slice(0, 10)).toBe(e.date);
    expect(similarity(article.body, e.body!)).toBeGreaterThanOrEqual(0.95);
  });

  it.each(refusals)('refuses %s with a clear reason', (name, e) => {
    let error: unknown;
    try {
      extractArticle(load(name), `https://pages.example/${name}`);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).reason).toMatch(
      e.refusal === 'paywall' ? /behind a paywall/ : /no article text/,
    );
  });

  it('takes the canonical URL, outlet and authors from the page metadata', () => {
    const news = extractArticle(load('jsonld-news'), 'https://pages.example/x?utm_source=feed');
    expect(news.url).toBe('https://valleycourier.example/news/2025/03/flood-barrier-approved');
    expect(news.source).toBe('The Valley Courier');
    expect(news.author).toBe('Priya Halden');
    expect(news.updatedAt).toBe('2025-03-11T10:02:00+00:00');
    const blog = extractArticle(load('blog-post'));
    expect(blog.author).toBe('Dana Whitcombe, Luis Ortega');
    const amp = extractArticle(load('amp'));
    expect(amp.url).toBe('https://oceanwire.example/science/coral-die-off-northern-reef');
  });

  it('falls back to the page URL and its host when the page names neither', () => {
    const article = extractArticle(
      load('time-element-only'),
      'https://www.shire.example/news/1?utm_medium=x&id=3',
    );
    expect(article.url).toBe('https://www.shire.example/news/1?utm_medium=x&id=3');
    expect(article.source).toBe('shire.example');
  });

  it('strips an outlet name from a <title>, but not half of a headline', () => {
    expect(stripSiteSuffix('Bridge reopens after repairs | Coastal Herald')).toBe(
      'Bridge reopens after repairs',
    );
    expect(stripSiteSuffix('Bridge reopens - Herald', 'Herald')).toBe('Bridge reopens');
    expect(stripSiteSuffix('Minister resigns - and the party splits over the budget vote')).toBe(
      'Minister resigns - and the party splits over the budget vote',
    );
  });
});

describe('metadata in less common places', () => {
  const shell = (head: string, url?: string) =>
    extractArticle(
      `<html><head>${head}</head><body><article><h1>Visible headline</h1>${'<p>A paragraph of the article that goes on long enough to count as text a reader came for.</p>'.repeat(5)}</article></body></html>`,
      url,
    );

  it('finds an article nested in a WebPage, and strips "By" from author names', () => {
    const a = shell(
      '<script type="application/ld+json">{"@type":"WebPage","mainEntity":{"@type":"ReportageNews","headline":"Nested headline","datePublished":"2025-02-03","author":"By Sam Lee"}}</script>',
    );
    expect(a).toMatchObject({
      title: 'Nested headline',
      publishedAt: '2025-02-03',
      author: 'Sam Lee',
    });
  });

  it('takes the date from the URL path when the page states none', () => {
    expect(
      shell('<title>x</title>', 'https://news.example/2024/07/09/story-slug').publishedAt,
    ).toBe('2024-07-09');
    expect(
      shell('<title>x</title>', 'https://news.example/story-2024').publishedAt,
    ).toBeUndefined();
  });
});
