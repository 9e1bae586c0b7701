/**
 * `npx tsx scripts/tune-yesno.ts --dataset DIR [--split dev|test] [--limit N]`
 *
 * Fits the yes/no answerer's thresholds (src/rag/answer/yesno.ts, YESNO_TUNING) on MultiHop-RAG:
 * indexes the articles with the product's pipeline, retrieves the passages the engine would give
 * the answerer for every question of the split whose gold answer is Yes or No, and prints, for a
 * grid of thresholds, the Yes/No accuracy (a refusal counts as wrong) beside the always-Yes
 * baseline. Fit on dev; run once on test to report.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { yesNoOf } from '../src/bench/answer-accuracy.js';
import { benchConfig, loadMultiHop } from '../src/bench/multihop.js';
import {
  answerYesNo,
  isYesNoQuestion,
  YESNO_TUNING,
  type YesNoTuning,
} from '../src/rag/answer/yesno.js';
import { buildIndex } from '../src/rag/build.js';
import { createEmbedder } from '../src/rag/embeddings/index.js';
import { retrieve } from '../src/rag/retrieve.js';
import { loadIndex } from '../src/rag/store/index-store.js';
import { loadWordVectors } from '../src/rag/embeddings/wordvectors.js';
import { cleanUserText, tokenize } from '../src/rag/text.js';
import type { Passage } from '../src/rag/types.js';
import { createLogger, setLogger } from '../src/log.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORD_VECTORS = path.join(ROOT, 'data', 'cache', 'wordvectors');
const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    split: { type: 'string' },
    limit: { type: 'string' },
    cache: { type: 'string' },
  },
});
if (!values.dataset) {
  process.stderr.write(
    'usage: npx tsx scripts/tune-yesno.ts --dataset DIR [--split dev|test] [--limit N]\n',
  );
  process.exit(2);
}
setLogger(createLogger('warn'));
const split = values.split ?? 'dev';
const dataset = loadMultiHop(values.dataset);
const questions = dataset.questions
  .filter((q) => q.split === split && yesNoOf(q.answer) !== undefined)
  .slice(0, values.limit ? Number(values.limit) : undefined);
interface Asked {
  text: string;
  gold: 'yes' | 'no';
  passages: Passage[];
  detected: boolean;
}

/** Indexes the articles and retrieves what the engine would give the answerer for each question. */
async function retrieveAll(): Promise<{ asked: Asked[]; idf: Map<string, number> }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'storybot-yesno-'));
  try {
    const config = benchConfig(tmp, WORD_VECTORS);
    await buildIndex({ config, articles: dataset.articles, noCache: true });
    const embedder = await createEmbedder(config);
    const index = loadIndex(config.INDEX_DIR, embedder.id);
    const asked: Asked[] = [];
    const idf = new Map<string, number>();
    for (const q of questions) {
      const text = cleanUserText(q.query);
      const passages = await retrieve(index, embedder, text, { k: config.TOP_K });
      asked.push({ text, gold: yesNoOf(q.answer)!, passages, detected: isYesNoQuestion(text) });
      for (const p of passages)
        for (const t of tokenize(`${p.article.title} ${p.chunk.text} ${text}`))
          idf.set(t.stem, index.lexical.idf(t.stem));
    }
    return { asked, idf };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// --cache FILE keeps the retrieved passages (and the idf of their words) between runs.
let cached: { asked: Asked[]; idf: Map<string, number> };
if (values.cache && existsSync(values.cache)) {
  const raw = JSON.parse(readFileSync(values.cache, 'utf8')) as {
    asked: Asked[];
    idf: Array<[string, number]>;
  };
  cached = { asked: raw.asked, idf: new Map(raw.idf) };
} else {
  cached = await retrieveAll();
  if (values.cache)
    writeFileSync(values.cache, JSON.stringify({ asked: cached.asked, idf: [...cached.idf] }));
}
const { asked } = cached;
const vectors = loadWordVectors(WORD_VECTORS);
const tools = {
  idf: (stem: string) => cached.idf.get(stem) ?? 0,
  similarity: (a: string, b: string) => vectors?.similarity(a, b),
};
/** Accuracy over every asked question (a refusal is wrong), and how often each verdict was right. */
function score(tuning: YesNoTuning): {
  answered: number;
  accuracy: number;
  yes: number[];
  no: number[];
} {
  let right = 0;
  const said = { yes: [0, 0], no: [0, 0] };
  for (const a of asked) {
    const v = a.detected ? answerYesNo(a.text, a.passages, tools, tuning) : null;
    if (!v) continue;
    said[v.verdict][0]!++;
    if (v.verdict === a.gold) {
      right++;
      said[v.verdict][1]!++;
    }
  }
  const n = asked.length;
  return { answered: (said.yes[0]! + said.no[0]!) / n, accuracy: right / n, ...said };
}

const n = asked.length;
const alwaysYes = asked.filter((a) => a.gold === 'yes').length / n;
const detected = asked.filter((a) => a.detected).length / n;
process.stdout.write(
  `${n} Yes/No questions (split ${split}); read as yes/no: ${detected.toFixed(3)}; always Yes: ${alwaysYes.toFixed(3)}\n` +
    'support similar title order negation  answered accuracy  Yes (n, right)  No (n, right)\n',
);
const cell = (x: number[]): string =>
  `${String(x[0]).padStart(5)} ${(x[0] ? (x[1]! / x[0]).toFixed(3) : '-').padStart(6)}`;
const grid: YesNoTuning[] = [];
for (const support of [0.2, 0.3, 0.4, 0.5])
  for (const similar of [0.6, 0.7])
    for (const title of [0, 0.6]) grid.push({ ...YESNO_TUNING, support, similar, title });
grid.push({ ...YESNO_TUNING, order: false }, { ...YESNO_TUNING, negation: false });
for (const t of grid) {
  const r = score(t);
  process.stdout.write(
    `${t.support.toFixed(2).padStart(7)} ${t.similar.toFixed(2).padStart(7)} ${t.title.toFixed(1).padStart(5)} ${String(t.order).padStart(5)} ${String(t.negation).padStart(8)}  ${r.answered.toFixed(3).padStart(8)} ${r.accuracy.toFixed(3).padStart(8)}  ${cell(r.yes)}    ${cell(r.no)}\n`,
  );
}
