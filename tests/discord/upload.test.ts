import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  checkAttachment,
  checkUploadContent,
  downloadAttachment,
  installUpload,
  safeUploadName,
  UploadError,
} from '../../src/discord/reindex/upload.js';

const info = (
  name: string,
  size = 100,
  contentType: string | null = 'text/plain; charset=utf-8',
) => ({ name, size, contentType, url: 'http://unused' });

describe('checkAttachment', () => {
  it('accepts .txt, .md and .json files of a matching type and size', () => {
    expect(checkAttachment(info('Story.txt'), 1_000)).toBe('Story.txt');
    expect(checkAttachment(info('notes.md', 10, 'text/markdown'), 1_000)).toBe('notes.md');
    expect(checkAttachment(info('feed.json', 10, 'application/json'), 1_000)).toBe('feed.json');
    expect(checkAttachment(info('no-type.md', 10, null), 1_000)).toBe('no-type.md');
  });

  it('refuses other extensions, mismatched types, empty and oversized files', () => {
    expect(() => checkAttachment(info('evil.exe'), 1_000)).toThrow(UploadError);
    expect(() => checkAttachment(info('photo.txt', 10, 'image/png'), 1_000)).toThrow(/image\/png/);
    expect(() => checkAttachment(info('big.txt', 1_001), 1_000)).toThrow(/1,001 bytes/);
    expect(() => checkAttachment(info('empty.txt', 0), 1_000)).toThrow(/empty/);
  });

  it('turns hostile names into plain corpus file names', () => {
    expect(safeUploadName('../../etc/passwd.txt')).toBe('passwd.txt');
    expect(safeUploadName('..\\..\\win.md')).toBe('win.md');
    expect(safeUploadName('.hidden.md')).toBe('hidden.md');
    expect(safeUploadName('my story (final)!.md')).toBe('my-story-final-.md');
    expect(() => safeUploadName('%%%.md')).toThrow(UploadError);
    expect(() => checkAttachment(info('.md'), 1_000)).toThrow(UploadError);
  });
});

describe('checkUploadContent', () => {
  it('runs the corpus loader on the bytes', () => {
    const articles = checkUploadContent(
      'fire.md',
      Buffer.from('---\ntitle: The fire\n---\nIt began at dawn. It spread fast.\n'),
    );
    expect(articles[0]).toMatchObject({ title: 'The fire' });
  });

  it('names the file and the reason for content the loader rejects', () => {
    expect(() => checkUploadContent('bad.json', Buffer.from('{"title": '))).toThrow(
      /`bad.json` was refused: malformed JSON/,
    );
    expect(() => checkUploadContent('nul.txt', Buffer.from('abc\u0000def'))).toThrow(UploadError);
    expect(() =>
      checkUploadContent('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff])),
    ).toThrow(UploadError);
  });
});

describe('downloadAttachment', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/small') return res.end('hello');
      if (req.url === '/lying') {
        // No content-length: the size is only discovered while streaming.
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        for (let i = 0; i < 20; i++) res.write('x'.repeat(1_000));
        return res.end();
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads a file within the limit', async () => {
    expect((await downloadAttachment(`${base}/small`, 100)).toString()).toBe('hello');
  });

  it('stops a download that grows past the limit even without a declared size', async () => {
    await expect(downloadAttachment(`${base}/lying`, 5_000)).rejects.toThrow(/upload limit/);
  });

  it('reports an HTTP failure as a user-facing error', async () => {
    await expect(downloadAttachment(`${base}/missing`, 100)).rejects.toThrow(UploadError);
  });
});

describe('installUpload', () => {
  let corpus: string;
  beforeEach(async () => {
    corpus = await mkdtemp(path.join(tmpdir(), 'storybot-corpus-'));
  });
  afterEach(() => rm(corpus, { recursive: true, force: true }));

  it('writes the file and removes it again on rollback, leaving no temp files', async () => {
    const installed = await installUpload(corpus, 'new.md', Buffer.from('text'));
    expect(await readFile(path.join(corpus, 'new.md'), 'utf8')).toBe('text');
    expect(installed.replaced).toBe(false);
    await installed.rollback();
    expect(await readdir(corpus)).toEqual([]);
  });

  it('restores the previous bytes of a replaced file on rollback', async () => {
    await writeFile(path.join(corpus, 'a.md'), 'old');
    const installed = await installUpload(corpus, 'a.md', Buffer.from('new'));
    expect(installed.replaced).toBe(true);
    await installed.rollback();
    expect(await readFile(path.join(corpus, 'a.md'), 'utf8')).toBe('old');
  });

  it('refuses to write through a symbolic link of the same name', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'storybot-outside-'));
    await writeFile(path.join(outside, 'target.md'), 'precious');
    await symlink(path.join(outside, 'target.md'), path.join(corpus, 'link.md'));
    await expect(installUpload(corpus, 'link.md', Buffer.from('overwrite'))).rejects.toThrow(
      /not a regular file/,
    );
    expect(await readFile(path.join(outside, 'target.md'), 'utf8')).toBe('precious');
    await rm(outside, { recursive: true, force: true });
  });

  it('creates the corpus directory when it does not exist yet', async () => {
    const nested = path.join(corpus, 'deep', 'corpus');
    await mkdir(path.dirname(nested), { recursive: true });
    await installUpload(nested, 'x.txt', Buffer.from('x'));
    expect(await readdir(nested)).toEqual(['x.txt']);
  });
});
