import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citationMarkers } from '../../src/rag/answer/cite.js';
import type { Summary, SummaryLength } from '../../src/rag/types.js';
import { buildSeedIndex, removeDir, type SeedIndex } from '../support/core.js';

let seed: SeedIndex;
const summaries = new Map<SummaryLength, Summary>();

beforeAll(async () => {
  seed = await buildSeedIndex();
  for (const length of ['short', 'medium', 'long'] as const)
    summaries.set(length, await seed.engine.summarize({ length }));
});

afterAll(() => removeDir(seed?.root));

/** The summary's sentences: each is the text before a `[n]` marker. */
function citedSentences(summary: Summary): Array<{ text: string; n: number }> {
  return [...summary.summary.matchAll(/\s*(.+?) \[(\d+)\]/gs)].map((m) => ({
    text: m[1]!,
    n: Number(m[2]),
  }));
}

describe('offline summaries of the seed story', () => {
  it('grow with the requested length: short < medium < long', () => {
    const counts = (['short', 'medium', 'long'] as const).map(
      (l) => summaries.get(l)!.citations.length,
    );
    expect(counts[0]).toBeGreaterThanOrEqual(2);
    expect(counts[1]).toBeGreaterThan(counts[0]!);
    expect(counts[2]).toBeGreaterThan(counts[1]!);
    expect(summaries.get('long')!.summary.length).toBeGreaterThan(
      summaries.get('short')!.summary.length,
    );
  });

  it.each(['short', 'medium', 'long'] as const)(
    'cite every sentence of the %s summary with a verbatim quote',
    (length) => {
      const summary = summaries.get(length)!;
      const sentences = citedSentences(summary);
      // Nothing but cited sentences: rejoined, they are the whole summary.
      expect(sentences.map((s) => `${s.text} [${s.n}]`).join(' ')).toBe(summary.summary);
      expect(sentences.map((s) => s.n)).toEqual(summary.citations.map((c) => c.n));
      for (const s of sentences) {
        const citation = summary.citations.find((c) => c.n === s.n)!;
        expect(citation.quote).toBe(s.text);
        expect(seed.bodies.get(citation.articleId)).toContain(citation.quote);
      }
      expect(citationMarkers(summary.summary)).toEqual(summary.citations.map((c) => c.n));
    },
  );

  it.each(['short', 'medium', 'long'] as const)(
    'keep the %s summary’s sentences in story order, without repeats',
    (length) => {
      const summary = summaries.get(length)!;
      const body = seed.bodies.get(summary.citations[0]!.articleId)!;
      const positions = summary.citations.map((c) => body.indexOf(c.quote));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);
    },
  );

  it('open a short summary with the story’s lead', () => {
    expect(summaries.get('short')!.citations[0]!.quote).toMatch(
      /^Chinese President Xi Jinping told US President Donald Trump/,
    );
  });

  it('follow the focus: a summary focused on Japan picks the Japan sentences', async () => {
    const focused = await seed.engine.summarize({ length: 'short', focus: 'Japan' });
    const plain = summaries.get('short')!;
    expect(focused.citations.map((c) => c.quote)).not.toEqual(plain.citations.map((c) => c.quote));
    expect(focused.citations.every((c) => /Japan|Tokyo|Takaichi/.test(c.quote))).toBe(true);
    for (const c of focused.citations) expect(seed.bodies.get(c.articleId)).toContain(c.quote);
  });

  it('follow a different focus to different sentences', async () => {
    const trade = await seed.engine.summarize({ length: 'short', focus: 'soybeans and tariffs' });
    expect(trade.citations.some((c) => c.quote.includes('soybeans'))).toBe(true);
    expect(trade.citations.some((c) => c.quote.includes('Takaichi'))).toBe(false);
  });
});
