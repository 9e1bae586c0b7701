import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containsGold, type QaQuestion } from '../../src/bench/qa-metrics.js';
import { REPO_ROOT, testEnv } from '../support/core.js';

const run = promisify(execFile);
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

// Two invented paragraphs, each its own story in story mode; three of the seven questions have no
// answer in their paragraph.
const FOOTBRIDGE =
  'The Kessel footbridge opened in 1894 after three years of work. The engineer Ada Morrow ' +
  'designed it for the town council. In 1951 floods closed the bridge for eight months.';
const VALLEY =
  "Mira Valley grows most of the region's apricots. Farmers there pick the fruit in late June. " +
  'A cooperative in the town of Delsa packs and ships the crop.';
const QUESTIONS: QaQuestion[] = [
  q('f1', FOOTBRIDGE, 'Who designed the Kessel footbridge?', ['Ada Morrow']),
  q('f2', FOOTBRIDGE, 'In what year did the Kessel footbridge open?', ['1894']),
  q('f3', FOOTBRIDGE, 'How much did the Kessel footbridge cost to build?', []),
  q('v1', VALLEY, 'Which fruit does Mira Valley grow?', ['apricots']),
  q('v2', VALLEY, 'In which town is the crop packed?', ['Delsa']),
  q('v3', VALLEY, 'When was the cooperative in Delsa founded?', []),
  q('v4', VALLEY, 'How many tonnes of apricots did Mira Valley export last year?', []),
];
function q(id: string, context: string, question: string, answers: string[]): QaQuestion {
  return { id, context, question, answers, is_impossible: answers.length === 0 };
}

interface Figures {
  questions: number;
  answerable: number;
  unanswerable: number;
  rightOutcome: number;
  contains: number;
  unanswerableRefused: number;
  answerableWronglyRefused: number;
}
interface Prediction {
  id: string;
  question: string;
  answer: string;
  short: string | null;
  refused: boolean;
  citations: Array<{ quote: string }>;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'storybot-qa-bench-'));
  writeFileSync(
    path.join(dir, 'questions.jsonl'),
    QUESTIONS.map((x) => JSON.stringify(x)).join('\n') + '\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bench = (args: string[], dataset = dir) =>
  run(TSX, ['scripts/bench-qa.ts', '--dataset', dataset, '--split', 'all', '--json', ...args], {
    cwd: REPO_ROOT,
    maxBuffer: 10_000_000,
    env: { ...process.env, ...testEnv(dir) },
  });

describe('npm run bench:qa', () => {
  it('scores the product, the overlap baseline and refusing everything, and writes its predictions', async () => {
    const predictions = path.join(dir, 'predictions.jsonl');
    const { stdout } = await bench(['--predictions', predictions]);
    const result = JSON.parse(stdout) as {
      mode: string;
      stories: number;
      ours: Figures;
      baseline: Figures;
      refuseAll: Figures;
    };
    expect(result.mode).toBe('story');
    expect(result.stories).toBe(2);
    expect(result.ours).toMatchObject({ questions: 7, answerable: 4, unanswerable: 3 });
    expect(result.refuseAll).toMatchObject({
      rightOutcome: 3 / 7,
      contains: 0,
      unanswerableRefused: 1,
      answerableWronglyRefused: 1,
    });
    expect(result.baseline.unanswerableRefused).toBe(0);

    // One line per question, shaped as `ask --json` prints it plus the id; every quote is the
    // paragraph's own words.
    const lines = readFileSync(predictions, 'utf8').trim().split('\n');
    const rows = lines.map((l) => JSON.parse(l) as Prediction);
    expect(rows.map((r) => r.id)).toEqual(QUESTIONS.map((x) => x.id));
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining(['id', 'question', 'answer', 'short', 'refused', 'citations']),
      );
      const context = QUESTIONS.find((x) => x.id === row.id)!.context;
      for (const c of row.citations) expect(context).toContain(c.quote);
      if (row.refused) expect(row.citations).toEqual([]);
    }
    // The printed figures are those of the written predictions.
    const right = rows.filter((r) => {
      const gold = QUESTIONS.find((x) => x.id === r.id)!;
      return gold.is_impossible ? r.refused : containsGold(r, gold.answers);
    }).length;
    expect(result.ours.rightOutcome).toBeCloseTo(right / 7, 10);
    // Plain questions whose answers the paragraphs state word for word: the answerer must do
    // better than refusing everything.
    expect(result.ours.rightOutcome).toBeGreaterThan(result.refuseAll.rightOutcome);
  });

  it('stays above its floors on the invented news probes (a development set)', async () => {
    const probes = path.join(REPO_ROOT, 'tests', 'fixtures', 'news-probes');
    const { stdout } = await bench([], probes);
    const { ours } = JSON.parse(stdout) as { ours: Figures };
    expect(ours.questions).toBe(235);
    // 2026-12-03: 0.779, 0.809, 0.694 and 0.162 (tests/fixtures/news-probes/README.md).
    expect(ours.rightOutcome).toBeGreaterThanOrEqual(0.75);
    expect(ours.contains).toBeGreaterThanOrEqual(0.78);
    expect(ours.unanswerableRefused).toBeGreaterThanOrEqual(0.66);
    expect(ours.answerableWronglyRefused).toBeLessThanOrEqual(0.19);
  });

  it('puts every paragraph in one index in library mode', async () => {
    const { stdout } = await bench(['--mode', 'library']);
    const result = JSON.parse(stdout) as { mode: string; stories: number; ours: Figures };
    expect(result.mode).toBe('library');
    expect(result.stories).toBe(2);
    expect(result.ours.questions).toBe(7);
  });
});
