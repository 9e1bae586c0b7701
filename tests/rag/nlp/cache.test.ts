import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedTable, setNlpCacheDir } from '../../../src/rag/nlp/cache.js';

const dirs: string[] = [];
afterEach(() => {
  setNlpCacheDir(undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'storybot-nlp-cache-'));
  dirs.push(d);
  return d;
}

describe('cachedTable', () => {
  it('builds once, then reads the saved file; a file that fails its check is rebuilt', () => {
    const dir = tempDir();
    setNlpCacheDir(dir);
    let builds = 0;
    const build = (): string => {
      builds++;
      return 'a\tb\n';
    };
    const complete = (t: string): boolean => t.endsWith('\n');
    expect(cachedTable('t.tsv', build, complete)).toBe('a\tb\n');
    expect(cachedTable('t.tsv', build, complete)).toBe('a\tb\n');
    expect(builds).toBe(1);
    writeFileSync(path.join(dir, 't.tsv'), 'a\tb'); // cut short
    expect(cachedTable('t.tsv', build, complete)).toBe('a\tb\n');
    expect(builds).toBe(2);
    expect(readFileSync(path.join(dir, 't.tsv'), 'utf8')).toBe('a\tb\n');
    expect(readdirSync(dir)).toEqual(['t.tsv']); // no temporary files left
  });

  it('still answers when the cache folder cannot be written', () => {
    const blocker = path.join(tempDir(), 'not-a-folder');
    writeFileSync(blocker, 'x');
    setNlpCacheDir(path.join(blocker, 'cache'));
    expect(
      cachedTable(
        't.tsv',
        () => 'built\n',
        () => true,
      ),
    ).toBe('built\n');
  });
});
