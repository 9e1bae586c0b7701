import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citationMarkers } from '../../src/rag/answer/cite.js';
import { chunkArticle } from '../../src/rag/chunk.js';
import { refersBack, selectSummarySentences, storySentences } from '../../src/rag/summarize.js';
import type { Article, Passage, Summary, SummaryLength } from '../../src/rag/types.js';
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

  it('cover the story’s threads: the medium summary names Taiwan, Japan, trade and Ukraine', () => {
    const text = summaries.get('medium')!.summary;
    for (const thread of [/Taiwan/, /Japan/, /trade/i, /Ukraine/]) expect(text).toMatch(thread);
  });

  it.each(['short', 'medium', 'long'] as const)(
    'never show a %s-summary sentence that refers back without the sentence it refers to just before it',
    (length) => {
      const { citations } = summaries.get(length)!;
      const body = seed.bodies.get(citations[0]!.articleId)!;
      citations.forEach((c, i) => {
        if (!refersBack(c.quote)) return;
        const before = citations[i - 1]?.quote;
        expect(before, c.quote).toBeDefined();
        const gap = body.slice(body.indexOf(before!) + before!.length, body.indexOf(c.quote));
        expect(gap.trim()).toBe('');
      });
    },
  );

  it('follow a different focus to different sentences', async () => {
    const trade = await seed.engine.summarize({ length: 'short', focus: 'soybeans and tariffs' });
    expect(trade.citations.some((c) => c.quote.includes('soybeans'))).toBe(true);
    expect(trade.citations.some((c) => c.quote.includes('Takaichi'))).toBe(false);
  });
});

/** One article made of paragraphs (a line break between them), as passages of 400-char chunks. */
function passagesOf(paragraphs: string[]): Passage[] {
  const article: Article = {
    id: 'a1',
    title: 'A test story',
    body: paragraphs.join('\n'),
    file: 'a1.txt',
  };
  const chunks = chunkArticle(article, 400, 0);
  return chunks.map((chunk, i) => ({
    n: i + 1,
    chunk,
    article: { ...article, chunks: chunks.length, chars: article.body.length },
    score: 0,
  }));
}

const idf = () => 1;

describe('selectSummarySentences', () => {
  const story = [
    'The city council approved a new harbor bridge on Tuesday after a long debate. Engineers expect construction to take four years.',
    'Residents of the eastern district welcomed the decision. They had asked for a crossing since the ferry stopped running.',
    'Budget officials warned that steel prices could raise the cost. This could delay the opening by a year.',
    'Separately, the mayor announced a review of school bus routes in the northern suburbs.',
    'Fishermen worry that piers near the construction site will close during the works.',
  ];

  it('reads paragraphs as threads: a long summary tells every one, opening with the lead', () => {
    const chosen = selectSummarySentences({ passages: passagesOf(story), length: 'long', idf });
    expect(new Set(chosen.map((s) => s.cluster)).size).toBe(story.length);
    expect(chosen[0]!.text).toMatch(/^The city council approved/);
  });

  it('covers distinct threads in a medium summary rather than the lead paragraph twice', () => {
    const chosen = selectSummarySentences({ passages: passagesOf(story), length: 'medium', idf });
    expect(chosen).toHaveLength(4);
    expect(new Set(chosen.map((s) => s.cluster)).size).toBe(4);
    expect(chosen.filter((s) => /harbor bridge|construction to take/.test(s.text))).toHaveLength(1);
  });

  it('never picks a sentence opening with a back-reference unless its antecedent comes right before it', () => {
    for (const length of ['short', 'medium', 'long'] as const) {
      const chosen = selectSummarySentences({ passages: passagesOf(story), length, idf });
      chosen.forEach((s, i) => {
        if (s.refersBack) expect(chosen[i - 1]).toBe(s.previous);
      });
    }
  });

  it('lists each sentence once although overlapping chunks repeat it', () => {
    const passages = passagesOf(story);
    const doubled = [...passages, ...passages];
    const texts = storySentences(doubled, idf).map((s) => s.text);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('prefers the sentences matching a focus', () => {
    const chosen = selectSummarySentences({
      passages: passagesOf(story),
      length: 'short',
      focus: 'steel budget',
      idf,
    });
    expect(chosen.map((s) => s.text)).toContain(
      'Budget officials warned that steel prices could raise the cost.',
    );
  });
});

describe('refersBack', () => {
  it.each([
    ['Since then, prices have fallen.', true],
    ['This could delay the opening.', true],
    ['He also said the talks went well.', true],
    ['“They agreed,” a spokesman said.', true],
    ['However, the plan stalled.', true],
    ['The comments drew criticism.', true],
    ['The council approved the bridge.', false],
    ['Thistle farmers protested.', false],
    ['Heads of state met in Paris.', false],
  ])('%s → %s', (sentence, expected) => {
    expect(refersBack(sentence)).toBe(expected);
  });
});
