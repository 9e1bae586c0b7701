import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { warmUpAnswering } from '../../src/rag/warmup.js';
import { makeTempDir, removeDir } from '../support/core.js';

const cache = makeTempDir('storybot-warmup-');
afterAll(() => removeDir(cache));

describe('warming up the answerer', () => {
  it('loads the date reader and the language detector, which answering otherwise loads inside a question', () => {
    const require = createRequire(import.meta.url);
    const loaded = (name: string): boolean =>
      Object.keys(require.cache).some((file) => file.includes(`${path.sep}${name}${path.sep}`));
    expect(loaded('chrono-node')).toBe(false);
    expect(loaded('tinyld')).toBe(false);
    warmUpAnswering(cache);
    expect(loaded('chrono-node')).toBe(true);
    expect(loaded('tinyld')).toBe(true);
  });
});
