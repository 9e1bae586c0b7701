import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/rag/engine.js';
import { buildSeedIndex, removeDir, type SeedIndex } from '../support/core.js';

let seed: SeedIndex;
beforeAll(async () => {
  seed = await buildSeedIndex();
}, 120_000);
afterAll(() => removeDir(seed?.root));

const QUESTION = 'What did the two leaders discuss on the phone?';

describe('reading an index ahead of questions', () => {
  it('reads every sentence once, and nothing again on a second pass', async () => {
    const engine = await openEngine(seed.config);
    const first = await engine.preread!();
    expect(first).toBeGreaterThan(seed.report.manifest.chunks);
    expect(await engine.preread!()).toBe(0);
  });

  it('stops near its budget, and at once when aborted', async () => {
    const all = await (await openEngine(seed.config)).preread!();
    const some = await (await openEngine(seed.config)).preread!({ maxSentences: 1 });
    expect(some).toBeGreaterThanOrEqual(1);
    expect(some).toBeLessThan(all);
    const aborted = new AbortController();
    aborted.abort();
    expect(await (await openEngine(seed.config)).preread!({ signal: aborted.signal })).toBe(0);
  });

  it('changes no answer', async () => {
    const cold = await (await openEngine(seed.config)).ask(QUESTION);
    const warm = await openEngine(seed.config);
    await warm.preread!();
    expect(await warm.ask(QUESTION)).toEqual(cold);
  });
});
