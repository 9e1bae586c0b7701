/**
 * `npm run bench:core -- [--repeat N] [--runs N] [--json]`: the core pipeline's speed and memory
 * on the configured corpus (the seed story by default).
 *
 * - answer time after load: every question of the evaluation set, asked `repeat` times in one
 *   process with the index loaded (p50/p95/max);
 * - a whole `storybot ask "…"` process (the compiled `node dist/cli/storybot.js`), index present:
 *   median wall time over `runs` runs, alternated with `node -e 0` runs so that the ratio of the
 *   two medians holds on a busy machine (targets: ≤ 0.4 s and ≤ 4× `node -e 0`);
 * - resident memory: peak RSS (maxRSS) of a process that loads the index and answers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/** Wall time (ms) and peak RSS (KiB) of one process, through /usr/bin/time. */
function timeProcess(command: string[]): { ms: number; kb: number } {
  const t = performance.now();
  const out = spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', ...command], { encoding: 'utf8' });
  const ms = performance.now() - t;
  if (out.status !== 0) throw new Error(`${command.join(' ')} failed: ${out.stderr}`);
  return { ms, kb: Number(/MAXRSS_KB=(\d+)/.exec(out.stderr)?.[1] ?? 0) };
}

const ASK = [
  process.execPath,
  'dist/cli/storybot.js',
  'ask',
  'What did Xi tell Trump about Taiwan?',
];
const BARE_NODE = [process.execPath, '-e', '0'];

function measureProcess(runs: number): {
  medianMs: number;
  maxMs: number;
  nodeMedianMs: number;
  ratio: number;
  peakRssMb: number;
} {
  if (!existsSync(ASK[1]!)) throw new Error('dist/ is missing: run npm run build first');
  timeProcess(ASK); // warm-up: the file cache, and an index built if there was none
  const ask: number[] = [];
  const bare: number[] = [];
  let peakKb = 0;
  for (let i = 0; i < runs; i++) {
    const run = timeProcess(ASK);
    ask.push(run.ms);
    peakKb = Math.max(peakKb, run.kb);
    bare.push(timeProcess(BARE_NODE).ms);
  }
  const medianMs = percentile(
    [...ask].sort((a, b) => a - b),
    50,
  );
  const nodeMedianMs = percentile(
    [...bare].sort((a, b) => a - b),
    50,
  );
  return {
    medianMs: Math.round(medianMs),
    maxMs: Math.round(Math.max(...ask)),
    nodeMedianMs: Math.round(nodeMedianMs),
    ratio: round(medianMs / nodeMedianMs),
    peakRssMb: Math.round(peakKb / 1024),
  };
}

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '20' },
    runs: { type: 'string', default: '7' },
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
  nodeProcessMedianMs: wholeProcess.nodeMedianMs,
  askToNodeRatio: wholeProcess.ratio,
  askProcessPeakRssMb: wholeProcess.peakRssMb,
};
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k.padEnd(22)} ${v}\n`);
