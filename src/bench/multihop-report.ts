/**
 * Formatting of MultiHop-RAG benchmark results: the `--json` object and the text tables.
 * Pure: results in, strings and plain objects out.
 */
import type { AccuracyFigures, AnswerAccuracy } from './answer-accuracy.js';
import type { Split } from './metrics.js';
import {
  answerFigures,
  figures,
  NULL_TYPE,
  type BenchResult,
  type SystemFigures,
} from './multihop.js';

/** The keys `--json` prints for each system, in order (byType comes after them). */
export const JSON_KEYS = [
  'hits@4',
  'hits@10',
  'mrr@10',
  'map@10',
  'allEvidence@10',
  'nullRefusal',
  'falseRefusal',
  'queryP50Ms',
  'queryP95Ms',
  'indexSeconds',
  'peakRssMb',
] as const;

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function jsonOf(f: SystemFigures): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of JSON_KEYS)
    out[key] = round(
      f[key],
      key.endsWith('Ms') || key === 'indexSeconds' || key === 'peakRssMb' ? 2 : 4,
    );
  const byType: Record<string, Record<string, number>> = {};
  for (const [type, t] of Object.entries(f.byType)) {
    byType[type] =
      type === NULL_TYPE
        ? { questions: t.questions, nullRefusal: round(t.refused, 4) }
        : {
            questions: t.questions,
            'hits@4': round(t['hits@4'], 4),
            'hits@10': round(t['hits@10'], 4),
            'mrr@10': round(t['mrr@10'], 4),
            'map@10': round(t['map@10'], 4),
            'allEvidence@10': round(t['allEvidence@10'], 4),
            falseRefusal: round(t.refused, 4),
          };
  }
  out.byType = byType;
  return out;
}

function accuracyJson(f: AccuracyFigures): Record<string, number> {
  return { questions: f.questions, accuracy: round(f.accuracy, 4), refused: round(f.refused, 4) };
}

/** The `answers` object of `--json --answers`: our answer accuracy, and always-"Yes" on Yes/No questions. */
export function answersJson(a: AnswerAccuracy): Record<string, unknown> {
  const byType: Record<string, Record<string, number>> = {};
  for (const [type, f] of Object.entries(a.byType)) byType[type] = accuracyJson(f);
  return {
    all: accuracyJson(a.all),
    answerable: accuracyJson(a.answerable),
    yesNo: { ...accuracyJson(a.yesNo), alwaysYes: round(a.yesNo.alwaysYes, 4) },
    byType,
  };
}

/**
 * The `--json` object: `{"ours": {...}, "bm25": {...}}` for one split, plus `"answers": {...}`
 * (the product's answer accuracy) when the run was asked for answers.
 */
export function benchJson(
  result: BenchResult,
  split: Split | 'all',
): { ours: Record<string, unknown>; bm25: Record<string, unknown>; answers?: unknown } {
  const out: { ours: Record<string, unknown>; bm25: Record<string, unknown>; answers?: unknown } = {
    ours: jsonOf(figures(result.ours, split)),
    bm25: jsonOf(figures(result.bm25, split)),
  };
  if (result.answers) out.answers = answersJson(answerFigures(result.ours, split));
  return out;
}

/** Text table of answer accuracy by question type, with the always-"Yes" baseline for Yes/No. */
export function renderAnswers(a: AnswerAccuracy): string {
  const row = (name: string, f: AccuracyFigures, baseline = ''): string[] => [
    name,
    String(f.questions),
    f3(f.accuracy),
    f3(f.refused),
    baseline,
  ];
  const rows = [
    ...Object.entries(a.byType).map(([type, f]) => row(type, f)),
    row('all questions', a.all),
    row('answerable', a.answerable),
    row('gold Yes/No', a.yesNo, f3(a.yesNo.alwaysYes)),
  ];
  return table(['answer accuracy', 'n', 'ours', 'refused', 'always Yes'], rows);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const f3 = (x: number): string => x.toFixed(3);

/** Text report: for each split, retrieval and refusal figures side by side, per type, then cost. */
export function renderReport(result: BenchResult, splits: Array<Split | 'all'>): string {
  const parts: string[] = [
    `MultiHop-RAG: ${result.articles} articles, ${result.questions} questions, chunks of at most ${result.chunkSize} characters ` +
      `(${result.ours.cost.chunks} chunks; title, source and date prepended for retrieval)`,
  ];
  for (const split of splits) {
    const ours = figures(result.ours, split);
    const bm25 = figures(result.bm25, split);
    const count = result.ours.results.filter(
      (r) => split === 'all' || r.question.split === split,
    ).length;
    const rows: Array<[string, (f: SystemFigures) => string]> = [
      ['Hits@4', (f) => f3(f['hits@4'])],
      ['Hits@10', (f) => f3(f['hits@10'])],
      ['MRR@10', (f) => f3(f['mrr@10'])],
      ['MAP@10', (f) => f3(f['map@10'])],
      ['AllEvidence@10', (f) => f3(f['allEvidence@10'])],
      ['fact recall@10', (f) => f3(f['factRecall@10'])],
      ['null refused', (f) => f3(f.nullRefusal)],
      ['answerable refused', (f) => f3(f.falseRefusal)],
      ['query p50 ms', (f) => f.queryP50Ms.toFixed(2)],
      ['query p95 ms', (f) => f.queryP95Ms.toFixed(2)],
    ];
    parts.push(
      `\n== split ${split} (${count} questions) ==\n${table(
        ['figure', 'ours', 'bm25'],
        rows.map(([name, get]) => [name, get(ours), get(bm25)]),
      )}`,
    );
    const types = Object.keys(ours.byType).filter((t) => t !== NULL_TYPE);
    const typeRows = types.flatMap((t) =>
      (['ours', 'bm25'] as const).map((sys) => {
        const x = (sys === 'ours' ? ours : bm25).byType[t]!;
        return [
          `${t} ${sys}`,
          String(x.questions),
          f3(x['hits@4']),
          f3(x['hits@10']),
          f3(x['mrr@10']),
          f3(x['map@10']),
          f3(x['allEvidence@10']),
          f3(x.refused),
        ];
      }),
    );
    parts.push(
      table(
        ['by type', 'n', 'Hits@4', 'Hits@10', 'MRR@10', 'MAP@10', 'AllEv@10', 'refused'],
        typeRows,
      ),
    );
    if (result.answers) parts.push(renderAnswers(answerFigures(result.ours, split)));
  }
  const cost = (name: string, f: SystemFigures): string[] => [
    name,
    f.indexSeconds.toFixed(2),
    f.chunksPerSecond.toFixed(0),
    f.peakRssMb.toFixed(0),
  ];
  parts.push(
    `\n== cost ==\n${table(['system', 'index s', 'chunks/s', 'peak RSS MB'], [cost('ours', figures(result.ours, 'all')), cost('bm25', figures(result.bm25, 'all'))])}`,
    'peak RSS is the whole process when that system finished (bm25 runs first, so its figure excludes ours).',
  );
  return `${parts.join('\n')}\n`;
}
