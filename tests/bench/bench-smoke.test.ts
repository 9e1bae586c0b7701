import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { JSON_KEYS } from '../../src/bench/multihop-report.js';
import { REPO_ROOT } from '../support/core.js';

const run = promisify(execFile);
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
// The public dataset sits beside the repository (never inside it); without it the smoke is skipped.
const DATASET = path.resolve(REPO_ROOT, '..', 'shared', 'datasets', 'multihop-rag');
const haveDataset = existsSync(path.join(DATASET, 'queries.json'));

const bench = (args: string[]) =>
  run(TSX, ['scripts/bench.ts', ...args], { cwd: REPO_ROOT, maxBuffer: 10_000_000 });

describe('npm run bench (MultiHop-RAG smoke)', () => {
  it.skipIf(!haveDataset)(
    'prints one JSON object with the exact figure keys for ours and for bm25, and answer accuracy',
    async () => {
      // 20 questions over their evidence articles plus 20 others: the real pipeline, end to end, in seconds.
      const { stdout } = await bench([
        '--dataset',
        DATASET,
        '--limit',
        '20',
        '--smoke-articles',
        '20',
        '--json',
        '--answers',
      ]);
      const result = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
      expect(Object.keys(result)).toEqual(['ours', 'bm25', 'answers']);
      const answers = result.answers as {
        all: { questions: number; accuracy: number };
        yesNo: { questions: number; accuracy: number; alwaysYes: number };
        byType: Record<string, unknown>;
      };
      expect(answers.all.questions).toBe(20);
      for (const x of [answers.all.accuracy, answers.yesNo.accuracy, answers.yesNo.alwaysYes]) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
      }
      expect(answers.yesNo.questions).toBeGreaterThan(0);
      expect(Object.keys(answers.byType).length).toBeGreaterThan(1);
      for (const system of ['ours', 'bm25'] as const) {
        const figures = result[system]!;
        expect(Object.keys(figures)).toEqual([...JSON_KEYS, 'byType']);
        for (const key of [
          'hits@4',
          'hits@10',
          'mrr@10',
          'map@10',
          'allEvidence@10',
          'nullRefusal',
          'falseRefusal',
        ]) {
          expect(figures[key]).toBeGreaterThanOrEqual(0);
          expect(figures[key]).toBeLessThanOrEqual(1);
        }
        // Every question's evidence articles are indexed, so most questions find some evidence.
        expect(figures['hits@10']).toBeGreaterThan(0.5);
        expect(figures['hits@4']).toBeLessThanOrEqual(figures['hits@10'] as number);
        expect(figures.indexSeconds).toBeGreaterThan(0);
        expect(figures.peakRssMb).toBeGreaterThan(0);
        expect(Object.keys(figures.byType as object).sort()).toEqual([
          'comparison_query',
          'inference_query',
          'null_query',
          'temporal_query',
        ]);
      }
    },
  );

  it('exits with usage when the dataset is not given or the split is unknown', async () => {
    await expect(bench([])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--dataset is required'),
    });
    await expect(bench(['--dataset', DATASET, '--split', 'train'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--split'),
    });
  });

  it('says which file is missing when the dataset folder is wrong', async () => {
    await expect(
      bench(['--dataset', path.join(REPO_ROOT, 'no-such-dataset'), '--limit', '1']),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('corpus.json cannot be read'),
    });
  });
});
