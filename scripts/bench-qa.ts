/**
 * `npm run bench:qa -- --dataset DIR [--mode story|library] [--split dev|test|all] [--limit N]
 *   [--predictions FILE] [--json] [--answerer extractive|openai]`
 *
 * Reading-comprehension benchmark over `DIR/questions.jsonl` (see src/bench/qa.ts): the
 * product's answers against two baselines scored in the same run: sentence overlap, and refusing
 * everything.
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { answerJson } from '../src/cli/common.js';
import { loadConfig } from '../src/config.js';
import { userMessage } from '../src/errors.js';
import { createLogger, setLogger } from '../src/log.js';
import { runQaBench, type QaMode } from '../src/bench/qa.js';
import type { QaFigures } from '../src/bench/qa-metrics.js';
import type { Split } from '../src/bench/metrics.js';

const USAGE =
  'usage: npm run bench:qa -- --dataset DIR [--mode story|library] [--split dev|test|all] [--limit N] [--predictions FILE] [--json] [--answerer extractive|openai]';

function fail(message: string): never {
  process.stderr.write(`bench:qa: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      dataset: { type: 'string' },
      mode: { type: 'string', default: 'story' },
      split: { type: 'string', default: 'all' },
      limit: { type: 'string' },
      predictions: { type: 'string' },
      json: { type: 'boolean' },
      answerer: { type: 'string', default: 'extractive' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (!values.dataset) fail('--dataset is required (a folder with questions.jsonl)');
const mode = values.mode as QaMode;
if (mode !== 'story' && mode !== 'library') fail('--mode must be story or library');
const split = values.split as Split | 'all';
if (!['dev', 'test', 'all'].includes(split)) fail('--split must be dev, test or all');
if (values.answerer !== 'extractive' && values.answerer !== 'openai')
  fail('--answerer must be extractive or openai');
const limit = values.limit === undefined ? undefined : Number(values.limit);
if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0))
  fail('--limit must be a positive whole number');

setLogger(createLogger('warn'));
try {
  const config = loadConfig({ ...process.env, ANSWERER: values.answerer });
  const out = values.predictions ? createWriteStream(values.predictions) : undefined;
  const result = await runQaBench({
    dataset: values.dataset,
    config,
    mode,
    split,
    limit,
    onPrediction: (q, answer) =>
      out?.write(`${JSON.stringify({ id: q.id, ...answerJson(answer) })}\n`),
    onProgress: (m) => process.stderr.write(`bench:qa: ${m}\n`),
  });
  if (out) await new Promise<void>((resolve) => out.end(resolve));
  if (values.json) {
    const { outcomes: _outcomes, ...rest } = result;
    process.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
  } else {
    process.stdout.write(render(result.ours, result.baseline, result.refuseAll, result));
  }
} catch (error) {
  process.stderr.write(`bench:qa: ${userMessage(error)}\n`);
  process.exit(1);
}

function render(
  ours: QaFigures,
  base: QaFigures,
  refuseAll: QaFigures,
  meta: { mode: string; split: string; stories: number; indexSeconds: number },
): string {
  const pct = (x: number): string => x.toFixed(3);
  const rows: Array<[string, (f: QaFigures) => string]> = [
    ['right outcome (all questions)', (f) => pct(f.rightOutcome)],
    ['answer contains gold (answerable)', (f) => pct(f.contains)],
    ['short answer exact match', (f) => pct(f.exact)],
    ['short answer F1', (f) => pct(f.f1)],
    ['unanswerable refused', (f) => pct(f.unanswerableRefused)],
    ['answerable wrongly refused', (f) => pct(f.answerableWronglyRefused)],
    ['mean words per answer', (f) => f.meanAnswerWords.toFixed(1)],
    [
      'answer latency p50 / p95 (ms)',
      (f) => `${f.latencyP50Ms.toFixed(1)} / ${f.latencyP95Ms.toFixed(1)}`,
    ],
  ];
  const lines = [
    `${meta.mode} mode, split ${meta.split}: ${ours.questions} questions (${ours.answerable} answerable, ${ours.unanswerable} unanswerable) over ${meta.stories} stories; indexing ${meta.indexSeconds.toFixed(1)} s`,
    '',
    `${'figure'.padEnd(36)}${'storybot'.padStart(14)}${'overlap baseline'.padStart(20)}${'refuse everything'.padStart(20)}`,
    ...rows.map(
      ([name, f]) =>
        `${name.padEnd(36)}${f(ours).padStart(14)}${f(base).padStart(20)}${f(refuseAll).padStart(20)}`,
    ),
    '',
  ];
  return lines.join('\n');
}
