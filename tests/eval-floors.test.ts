import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvalQuestions, scoreAnswer, summarizeOutcomes } from '../src/eval.js';
import {
  buildSeedIndex,
  REPO_ROOT,
  removeDir,
  silenceLogs,
  type SeedIndex,
} from './support/core.js';

/**
 * The story's evaluation sets run in every `npm test`, so the README's figures are guarded:
 * each floor sits a little under the figure measured when it was set (README, "Measured").
 */
const FLOORS = {
  'seed-questions.jsonl': { answerAccuracy: 0.58, refusalAccuracy: 0.9, falseRefusalRate: 0.2 },
  'seed-questions-holdout.jsonl': {
    answerAccuracy: 0.68,
    refusalAccuracy: 0.85,
    falseRefusalRate: 0.25,
  },
} as const;

let seed: SeedIndex;
beforeAll(async () => {
  silenceLogs();
  seed = await buildSeedIndex();
}, 120_000);
afterAll(() => removeDir(seed?.root));

describe('the story evaluation sets', () => {
  for (const [file, floor] of Object.entries(FLOORS)) {
    it(`${file} stays at or above its floors, every cited quote verbatim`, async () => {
      const questions = readEvalQuestions(path.join(REPO_ROOT, 'tests/eval', file));
      const outcomes = [];
      for (const q of questions)
        outcomes.push(scoreAnswer(q, await seed.engine.ask(q.question), seed.bodies));
      const figures = summarizeOutcomes(outcomes);
      expect(figures.answerAccuracy).toBeGreaterThanOrEqual(floor.answerAccuracy);
      expect(figures.refusalAccuracy).toBeGreaterThanOrEqual(floor.refusalAccuracy);
      expect(figures.falseRefusalRate).toBeLessThanOrEqual(floor.falseRefusalRate);
      expect(figures.quotesVerbatim).toBe(1);
    }, 60_000);
  }
});

describe('readEvalQuestions', () => {
  it('refuses an answerable question whose support is a single word', () => {
    const file = path.join(seedTmp(), 'q.jsonl');
    return import('node:fs').then(({ writeFileSync }) => {
      writeFileSync(
        file,
        `${JSON.stringify({ id: 'x', kind: 'direct', question: 'Who?', expect: ['a'], support: 'Taiwan' })}\n`,
      );
      expect(() => readEvalQuestions(file)).toThrow(/supporting sentence/);
    });
  });
});

function seedTmp(): string {
  return seed.root;
}
