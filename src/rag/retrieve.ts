/**
 * Question → numbered, de-duplicated passages, by fusing a lexical (BM25) and a dense (vector)
 * ranking with reciprocal rank fusion.
 */
import type { Embedder } from './embeddings/index.js';
import type { StoredIndex } from './store/index-store.js';
import { contentStems } from './text.js';
import type { Passage, Turn } from './types.js';
import { isFollowUp } from './answer/analyze.js';

export interface RetrieveOptions {
  /** Passages to return. */
  k: number;
  history?: Turn[];
  /** Candidates taken from each ranking before fusion. */
  depth?: number;
}

/** RRF constant: larger values flatten the advantage of the very first ranks. */
export const RRF_K = 60;

export interface RankedChunk {
  row: number;
  score: number;
}

/** Weighted stems for the lexical query; a follow-up also carries the previous question. */
export function lexicalQuery(question: string, previous?: string): Map<string, number> {
  const q = new Map<string, number>();
  for (const s of contentStems(question)) q.set(s, (q.get(s) ?? 0) + 1);
  if (previous) for (const s of contentStems(previous)) if (!q.has(s)) q.set(s, 0.5);
  return q;
}

/** Fuses rankings (best first) by reciprocal rank; ties keep lexical order. */
export function reciprocalRankFusion(rankings: number[][], k = RRF_K): RankedChunk[] {
  const scores = new Map<number, number>();
  for (const ranking of rankings) ranking.forEach((row, rank) => scores.set(row, (scores.get(row) ?? 0) + 1 / (k + rank + 1)));
  return [...scores].map(([row, score]) => ({ row, score })).sort((a, b) => b.score - a.score || a.row - b.row);
}

/** Ranks chunk rows for a question: the fused list, best first, de-duplicated by text. */
export async function rankChunks(index: StoredIndex, embedder: Embedder, question: string, options: RetrieveOptions): Promise<RankedChunk[]> {
  const depth = options.depth ?? Math.max(50, options.k * 5);
  const previous = options.history?.at(-1)?.question;
  const followUp = previous !== undefined && isFollowUp(question);
  const lexical = index.lexical.search(lexicalQuery(question, followUp ? previous : undefined), depth).map((h) => h.doc);
  let qv = await embedder.embedQuery(question);
  if (followUp) {
    const pv = await embedder.embedQuery(previous);
    qv = qv.map((x, i) => x + 0.5 * pv[i]!);
  }
  const dense = index.vectors.search(qv, depth).map((h) => h.doc);
  const fused = reciprocalRankFusion([lexical, dense]);
  // Syndicated copies and boilerplate repeat verbatim; keep the first of each text.
  const seen = new Set<string>();
  const out: RankedChunk[] = [];
  for (const r of fused) {
    const key = index.chunk(r.row).text.replace(/\s+/g, ' ').trim().toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
    if (out.length >= options.k) break;
  }
  return out;
}

/** Retrieves the top passages for a question, numbered from 1. */
export async function retrieve(index: StoredIndex, embedder: Embedder, question: string, options: RetrieveOptions): Promise<Passage[]> {
  const ranked = await rankChunks(index, embedder, question, options);
  return ranked.map((r, i) => ({ n: i + 1, chunk: index.chunk(r.row), article: index.article(index.articleRow(r.row)), score: r.score }));
}
