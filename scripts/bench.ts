/**
 * `npm run bench -- --dataset DIR [--limit N] [--json] [--answers] [--split dev|test|all] [--chunk-size N] [--smoke-articles N] [--predictions FILE]`
 *
 * Runs the MultiHop-RAG retrieval benchmark (see src/bench/multihop.ts) and prints the figures of
 * the product's pipeline and of a plain BM25 baseline side by side. `--json` prints one object
 * `{"ours": {...}, "bm25": {...}}` for the chosen split (default: all questions). `--answers` adds
 * the product's answer accuracy by question type, beside an always-"Yes" baseline for Yes/No
 * questions (and an `"answers"` key in the JSON).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { userMessage } from '../src/errors.js';
import { createLogger, setLogger } from '../src/log.js';
import { benchJson, renderReport } from '../src/bench/multihop-report.js';
import { runMultiHopBench, type SystemRun } from '../src/bench/multihop.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE =
  'usage: npm run bench -- --dataset DIR [--limit N] [--json] [--answers] [--split dev|test|all] [--chunk-size N] [--smoke-articles N] [--predictions FILE]';

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`bench: --${name} must be a whole number\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      dataset: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      answers: { type: 'boolean' },
      split: { type: 'string' },
      'chunk-size': { type: 'string' },
      'smoke-articles': { type: 'string' },
      predictions: { type: 'string' },
    },
  }));
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
if (!values.dataset) {
  process.stderr.write(
    `bench: --dataset is required (the MultiHop-RAG folder with corpus.json and queries.json)\n${USAGE}\n`,
  );
  process.exit(2);
}
const split = values.split ?? 'all';
if (split !== 'dev' && split !== 'test' && split !== 'all') {
  process.stderr.write(`bench: --split must be dev, test or all\n${USAGE}\n`);
  process.exit(2);
}

setLogger(createLogger('warn'));
try {
  const result = await runMultiHopBench({
    datasetDir: values.dataset,
    limit: positiveInt('limit', values.limit),
    split,
    chunkSize: positiveInt('chunk-size', values['chunk-size']),
    extraArticles: positiveInt('smoke-articles', values['smoke-articles']),
    answers: values.answers ?? false,
    wordVectorsDir: path.join(ROOT, 'data', 'cache', 'wordvectors'),
    onProgress: (message) => process.stderr.write(`bench: ${message}\n`),
  });
  if (values.predictions) writePredictions(values.predictions, result.ours, split);
  if (values.json) process.stdout.write(`${JSON.stringify(benchJson(result, split))}\n`);
  else
    process.stdout.write(renderReport(result, split === 'all' ? ['dev', 'test', 'all'] : [split]));
} catch (error) {
  process.stderr.write(
    `bench: ${userMessage(error, `unexpected failure: ${(error as Error).stack ?? String(error)}`)}\n`,
  );
  process.exit(1);
}

/**
 * `--predictions FILE`: one JSON line per question of the split, as the product answered it
 * (query, type, gold answer, answer text, short answer, refused), for reading the misses.
 */
function writePredictions(file: string, run: SystemRun, which: string): void {
  const lines = run.results
    .filter((r) => which === 'all' || r.question.split === which)
    .map((r) =>
      JSON.stringify({
        query: r.question.query,
        type: r.question.type,
        gold: r.question.answer,
        answer: r.answer?.answer ?? null,
        short: r.answer?.short ?? null,
        refused: r.refused,
      }),
    );
  writeFileSync(file, lines.length > 0 ? `${lines.join('\n')}\n` : '');
}
