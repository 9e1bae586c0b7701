/**
 * `npm run bench:core -- [--repeat N] [--runs N] [--json]`: the core pipeline's speed and memory
 * on the configured corpus (the seed story by default).
 *
 * - answer time after load: every question of the evaluation set, asked `repeat` times in one
 *   process with the index loaded (p50/p95/max);
 * - a whole `npm run ask -- "…"` process, index present: wall time over `runs` runs;
 * - resident memory: peak RSS (maxRSS) of a process that loads the index and answers.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { percentile } from '../src/bench/metrics.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { openOrBuildEngine } from '../src/rag/engine.js';

const QUESTIONS_FILE = 'tests/eval/seed-questions.jsonl';

const round = (x: number): number => Math.round(x * 100) / 100;

async function measureInProcess(
  repeat: number,
): Promise<{ p50: number; p95: number; max: number; questions: number; loadMs: number }> {
  const config = loadConfig();
  const questions = readFileSync(QUESTIONS_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { question: string }).question);
  const t0 = performance.now();
  const engine = await openOrBuildEngine(config, { logger: createLogger('warn') });
  const loadMs = performance.now() - t0;
  for (const q of questions) await engine.ask(q); // warm-up: JIT and caches
  const times: number[] = [];
  for (let r = 0; r < repeat; r++) {
    for (const q of questions) {
      const t = performance.now();
      await engine.ask(q);
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  return {
    p50: round(percentile(times, 50)),
    p95: round(percentile(times, 95)),
    max: round(times.at(-1)!),
    questions: times.length,
    loadMs: round(loadMs),
  };
}

function measureProcess(runs: number): { medianMs: number; maxMs: number; peakRssMb: number } {
  const walls: number[] = [];
  let peakKb = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const out = spawnSync(
      '/usr/bin/time',
      [
        '-f',
        'MAXRSS_KB=%M',
        'npm',
        'run',
        '-s',
        'ask',
        '--',
        'What did Xi tell Trump about Taiwan?',
      ],
      { encoding: 'utf8' },
    );
    walls.push(performance.now() - t);
    if (out.status !== 0) throw new Error(`npm run ask failed: ${out.stderr}`);
    // /usr/bin/time reports the largest of npm's and its children's RSS; node running ask is the largest.
    const kb = Number(/MAXRSS_KB=(\d+)/.exec(out.stderr)?.[1] ?? 0);
    peakKb = Math.max(peakKb, kb);
  }
  walls.sort((a, b) => a - b);
  return {
    medianMs: Math.round(percentile(walls, 50)),
    maxMs: Math.round(walls.at(-1)!),
    peakRssMb: Math.round(peakKb / 1024),
  };
}

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '20' },
    runs: { type: 'string', default: '5' },
    json: { type: 'boolean' },
  },
});
const inProcess = await measureInProcess(Number(values.repeat));
const wholeProcess = measureProcess(Number(values.runs));
const result = {
  answerP50Ms: inProcess.p50,
  answerP95Ms: inProcess.p95,
  answerMaxMs: inProcess.max,
  answersTimed: inProcess.questions,
  engineLoadMs: inProcess.loadMs,
  askProcessMedianMs: wholeProcess.medianMs,
  askProcessMaxMs: wholeProcess.maxMs,
  askProcessPeakRssMb: wholeProcess.peakRssMb,
};
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k.padEnd(22)} ${v}\n`);
