import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCorpus, parseArticleFile } from '../../src/corpus/load.js';
import { CorpusError } from '../../src/errors.js';
import { makeTempDir, removeDir } from '../support/core.js';

let root: string;
let corpus: string;

beforeEach(() => {
  root = makeTempDir('storybot-corpus-');
  corpus = path.join(root, 'corpus');
  mkdirSync(corpus);
});

afterEach(() => removeDir(root));

function put(name: string, content: string | Buffer): string {
  const file = path.join(corpus, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

const GOOD = 'The council approved the budget on Tuesday. It takes effect in May.\n';

/** Loads the corpus expecting a rejection, and returns the CorpusError. */
async function rejection(options: Parameters<typeof loadCorpus>[1] = {}): Promise<CorpusError> {
  const error = await loadCorpus(corpus, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CorpusError);
  return error as CorpusError;
}

describe('loadCorpus accepts', () => {
  it('a plain text file without front matter, titled by its first line and identified by its name', async () => {
    put('budget.txt', `Council passes budget\n${GOOD}`);
    const { articles } = await loadCorpus(corpus);
    expect(articles).toHaveLength(1);
    expect(articles[0]).toMatchObject({
      id: 'budget',
      title: 'Council passes budget',
      file: 'budget.txt',
    });
    expect(articles[0]!.body).toBe(`Council passes budget\n${GOOD}`);
    expect(articles[0]!.source).toBeUndefined();
  });

  it('a markdown file with front matter, whose fields become metadata and are not part of the body', async () => {
    put(
      'notes/council.md',
      '---\ntitle: "Council passes the budget"\nsource: City Gazette\nurl: https://example.org/budget\npublished_at: 2025-03-04\n---\n' +
        GOOD,
    );
    const { articles } = await loadCorpus(corpus);
    expect(articles[0]).toMatchObject({
      id: 'notes/council',
      title: 'Council passes the budget',
      source: 'City Gazette',
      url: 'https://example.org/budget',
      publishedAt: '2025-03-04',
      file: path.join('notes', 'council.md'),
    });
    expect(articles[0]!.body).toBe(GOOD);
  });

  it('a text file with Windows line endings and a byte-order mark, normalized to plain newlines', async () => {
    put('crlf.txt', Buffer.from(`\uFEFFFirst line.\r\nSecond line.\r\n`, 'utf8'));
    const { articles } = await loadCorpus(corpus);
    expect(articles[0]!.body).toBe('First line.\nSecond line.\n');
  });

  it('a JSON array of articles, each with its own id', async () => {
    put(
      'feed.json',
      JSON.stringify([
        {
          title: 'One',
          source: 'Wire',
          url: 'https://example.org/1',
          published_at: '2025-01-01',
          body: 'First body.',
        },
        { id: 'custom-id', title: 'Two', body: 'Second body.' },
      ]),
    );
    const { articles } = await loadCorpus(corpus);
    expect(articles.map((a) => a.title)).toEqual(['One', 'Two']);
    expect(articles[0]!.id).toMatch(/^feed:[0-9a-f]{12}$/);
    expect(articles[0]).toMatchObject({
      source: 'Wire',
      url: 'https://example.org/1',
      publishedAt: '2025-01-01',
      body: 'First body.',
    });
    expect(articles[1]!.id).toBe('custom-id');
  });

  it('a JSON file holding a single article object', async () => {
    put('single.json', JSON.stringify({ title: 'Alone', body: 'Only body.', source: null }));
    const { articles } = await loadCorpus(corpus);
    expect(articles).toHaveLength(1);
    expect(articles[0]).toMatchObject({ title: 'Alone', body: 'Only body.' });
    expect(articles[0]!.source).toBeUndefined();
  });

  it('a JSON-lines file, one article per line, skipping blank lines', async () => {
    put(
      'lines.jsonl',
      `${JSON.stringify({ title: 'A', body: 'Alpha.' })}\n\n${JSON.stringify({ title: 'B', body: 'Beta.' })}\n`,
    );
    const { articles } = await loadCorpus(corpus);
    expect(articles.map((a) => a.body)).toEqual(['Alpha.', 'Beta.']);
    expect(new Set(articles.map((a) => a.id)).size).toBe(2);
  });

  it('a symbolic link to a file inside the corpus', async () => {
    put('real/original.txt', GOOD);
    symlinkSync(path.join(corpus, 'real', 'original.txt'), path.join(corpus, 'alias.txt'));
    const { articles, skipped } = await loadCorpus(corpus);
    expect(skipped).toEqual([]);
    expect(articles.map((a) => a.id).sort()).toEqual(['alias', 'real/original']);
  });

  it('a corpus with other files in it, ignoring them by name instead of failing', async () => {
    put('story.txt', GOOD);
    put('README', 'not an article');
    put('photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]));
    put('.hidden.txt', GOOD);
    const { articles, ignored } = await loadCorpus(corpus);
    expect(articles.map((a) => a.id)).toEqual(['story']);
    expect(ignored.sort()).toEqual(['README', 'photo.png']);
  });
});

describe('loadCorpus rejects, naming the file and the reason,', () => {
  const cases: Array<[string, string, string | Buffer, RegExp]> = [
    [
      'a file that is not UTF-8',
      'latin1.txt',
      Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x6f, 0x69, 0x72, 0x2e]),
      /not valid UTF-8/,
    ],
    [
      'a file containing NUL bytes',
      'binary.txt',
      Buffer.from('Some text\u0000more text.', 'utf8'),
      /NUL bytes/,
    ],
    ['an empty file', 'empty.txt', '', /the file is empty/],
    ['a file of whitespace only', 'blank.md', ' \n\t\n  ', /has no text/],
    [
      'a text file whose front matter leaves no body',
      'only-meta.md',
      '---\ntitle: Nothing here\n---\n\n',
      /body is empty/,
    ],
    ['malformed JSON', 'broken.json', '[{"title": "A", "body": "B"', /malformed JSON/],
    [
      'a JSON item without a body',
      'nobody.json',
      JSON.stringify([{ title: 'A', body: 'ok' }, { title: 'B' }]),
      /item 1 is not an article \(body/,
    ],
    [
      'a JSON item without a title',
      'notitle.json',
      JSON.stringify({ body: 'Text.' }),
      /the object is not an article \(title/,
    ],
    [
      'a JSON-lines file with a bad line',
      'bad.jsonl',
      `${JSON.stringify({ title: 'A', body: 'B' })}\n{oops\n`,
      /line 2 is not valid JSON/,
    ],
    ['a JSON file holding no articles', 'none.json', '[]', /holds no articles/],
  ];

  it.each(cases)('%s', async (_what, name, content, reason) => {
    put('good.txt', GOOD);
    put(name, content);
    const error = await rejection();
    expect(error.file).toBe(name);
    expect(error.reason).toMatch(reason);
    expect(error.message).toContain(name);
    expect(error.message).toMatch(reason);
    expect(error.message).toContain('--skip-invalid');
  });

  it('a file over the size limit, before reading it', async () => {
    put('big.txt', 'x'.repeat(2_000) + '.');
    const error = await rejection({ maxFileBytes: 1_000 });
    expect(error.file).toBe('big.txt');
    expect(error.reason).toMatch(/over the .* limit/);
  });

  it('a 100 MB file under the default limit, by size and not by content', async () => {
    // A sparse file: 100 MB long, no disk space used, and all NUL bytes — so a rejection that
    // mentions size rather than NUL proves the file was never read.
    const file = put('huge.txt', '');
    truncateSync(file, 100 * 1024 * 1024);
    const error = await rejection();
    expect(error.file).toBe('huge.txt');
    expect(error.reason).toMatch(/104\.9 MB, over the .* MB limit/);
  });

  it('a second article with the id of an article in another file', async () => {
    put('a.txt', `---\nid: shared\n---\n${GOOD}`);
    put('b.json', JSON.stringify([{ id: 'shared', title: 'Other', body: 'Other body.' }]));
    const error = await rejection();
    expect(error.file).toBe('b.json');
    expect(error.reason).toBe('duplicate article id "shared" (also in a.txt)');
  });

  it('two articles with the same id inside one file', async () => {
    put(
      'twins.jsonl',
      `${JSON.stringify({ id: 7, title: 'A', body: 'First.' })}\n${JSON.stringify({ id: '7', title: 'B', body: 'Second.' })}\n`,
    );
    const error = await rejection();
    expect(error.file).toBe('twins.jsonl');
    expect(error.reason).toBe('duplicate article id "7" (also in the same file)');
  });

  it('a symbolic link pointing outside the corpus directory', async () => {
    writeFileSync(path.join(root, 'secret.txt'), 'A file outside the corpus.');
    put('story.txt', GOOD);
    symlinkSync(path.join(root, 'secret.txt'), path.join(corpus, 'leak.txt'));
    const error = await rejection();
    expect(error.file).toBe('leak.txt');
    expect(error.reason).toMatch(/points outside the corpus/);
  });

  it('a broken symbolic link', async () => {
    put('story.txt', GOOD);
    symlinkSync(path.join(corpus, 'gone.txt'), path.join(corpus, 'dangling.txt'));
    const error = await rejection();
    expect(error.file).toBe('dangling.txt');
    expect(error.reason).toMatch(/broken/);
  });

  it('every bad file at once, listing each in the message', async () => {
    put('good.txt', GOOD);
    put('empty.txt', '');
    put('nul.txt', Buffer.from([0x41, 0x00, 0x42]));
    const error = await rejection();
    expect(error.message).toMatch(/^2 corpus file\(s\) cannot be indexed/);
    expect(error.message).toContain('empty.txt: the file is empty');
    expect(error.message).toContain('nul.txt: the file contains NUL bytes');
  });

  it('a corpus directory that does not exist', async () => {
    const error = await loadCorpus(path.join(root, 'missing')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorpusError);
    expect((error as CorpusError).reason).toMatch(/does not exist/);
  });

  it('a corpus with no article files at all', async () => {
    put('README', 'nothing to index');
    const error = await rejection();
    expect(error.reason).toMatch(/no articles found/);
  });
});

describe('loadCorpus with skipInvalid', () => {
  it('returns the valid articles and lists each skipped file with its reason', async () => {
    put('good.txt', GOOD);
    put('also-good.json', JSON.stringify({ title: 'Fine', body: 'Fine body.' }));
    put('empty.txt', '');
    put('broken.json', '{');
    const { articles, skipped } = await loadCorpus(corpus, { skipInvalid: true });
    expect(articles.map((a) => a.file).sort()).toEqual(['also-good.json', 'good.txt']);
    expect(skipped.map((s) => [s.file, s.reason])).toEqual([
      ['broken.json', expect.stringMatching(/malformed JSON/)],
      ['empty.txt', 'the file is empty'],
    ]);
  });

  it('still fails when every file is invalid', async () => {
    put('empty.txt', '');
    const error = await rejection({ skipInvalid: true });
    expect(error.reason).toMatch(/no valid articles/);
  });
});

describe('parseArticleFile', () => {
  it('refuses an unsupported file type by name', () => {
    expect(() => parseArticleFile('upload.pdf', Buffer.from('%PDF-1.7'))).toThrowError(
      /upload\.pdf: unsupported file type "\.pdf"/,
    );
  });

  it('parses bytes without touching the disk', () => {
    const [article] = parseArticleFile('drop.md', Buffer.from(`# Heading here\n${GOOD}`));
    expect(article).toMatchObject({ id: 'drop', title: 'Heading here', file: 'drop.md' });
  });
});
