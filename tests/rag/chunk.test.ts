import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArticleFile } from '../../src/corpus/load.js';
import { chunkArticle, chunkSearchText, sentenceSpans, sentenceText } from '../../src/rag/chunk.js';
import { splitSentences } from '../../src/rag/text.js';
import type { Article, Chunk, Span } from '../../src/rag/types.js';
import { SEED_CORPUS } from '../support/core.js';

const seedFile = '000_39ea354dbb4ad603.txt';
const [seed] = parseArticleFile(seedFile, readFileSync(path.join(SEED_CORPUS, seedFile)));

/** The sentence spans of all chunks, each once (chunks may repeat a sentence), in order. */
function distinctSentences(chunks: Chunk[]): Span[] {
  const seen = new Set<number>();
  return chunks
    .flatMap((c) => c.sentences)
    .filter((s) => !seen.has(s.start) && seen.add(s.start) !== undefined);
}

function article(body: string, id = 'test'): Article {
  return { id, title: 'Test article', body, file: `${id}.txt` };
}

/** A body of `n` numbered sentences of varied length, some with abbreviations and decimals. */
function manySentences(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const filler = ' and the committee reviewed the figures again'.repeat(i % 4);
    out.push(`Sentence ${i} says Mr. Lee paid $${i}.5 million${filler}.`);
    if (i % 7 === 6) out.push('\n');
  }
  return out.join(' ');
}

describe('chunkArticle', () => {
  const size = 300;
  const body = manySentences(60);
  const chunks = chunkArticle(article(body), size);

  it('keeps every chunk within the size bound', () => {
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(size);
  });

  it('never cuts inside a sentence: the chunks hold exactly the sentences of the article, in order', () => {
    expect(distinctSentences(chunks)).toEqual(splitSentences(body));
    for (const c of chunks) {
      expect(c.start).toBe(c.sentences[0]!.start);
      expect(c.end).toBe(c.sentences.at(-1)!.end);
    }
  });

  it('repeats at most one short sentence from the previous chunk, so a statement across a boundary is whole somewhere', () => {
    let repeated = 0;
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]!;
      const shared = chunks[i]!.sentences.filter((s) =>
        prev.sentences.some((p) => p.start === s.start),
      );
      expect(shared.length).toBeLessThanOrEqual(1);
      if (shared[0]) {
        repeated++;
        expect(shared[0]).toEqual(prev.sentences.at(-1));
        expect(shared[0]).toEqual(chunks[i]!.sentences[0]);
        expect(shared[0].end - shared[0].start).toBeLessThanOrEqual(size * 0.3);
      }
    }
    expect(repeated).toBeGreaterThan(0);
  });

  it('partitions the sentences without repeats when overlap is turned off', () => {
    const plain = chunkArticle(article(body), size, 0);
    expect(plain.flatMap((c) => c.sentences)).toEqual(splitSentences(body));
    for (const c of plain) expect(c.text.length).toBeLessThanOrEqual(size);
  });

  it('stores chunk text and offsets so that body.slice(start, end) is the chunk', () => {
    for (const c of chunks) expect(body.slice(c.start, c.end)).toBe(c.text);
  });

  it('gives every sentence span the exact text of one sentence of the body', () => {
    for (const c of chunks) {
      for (const span of c.sentences) {
        const text = body.slice(span.start, span.end);
        expect(text).toMatch(/^Sentence \d+ says .*\.$/);
        expect(text).not.toMatch(/\.\s+Sentence/);
        expect(sentenceText(c, span)).toBe(text);
      }
    }
  });

  it('numbers chunks from 0 and ids them by article and ordinal', () => {
    expect(chunks.map((c) => c.ordinal)).toEqual(chunks.map((_, i) => i));
    expect(chunks.map((c) => c.id)).toEqual(chunks.map((_, i) => `test#${i}`));
    expect(chunks.every((c) => c.articleId === 'test' && c.title === 'Test article')).toBe(true);
  });

  it('gives the same chunks and ids for the same text, and keeps earlier chunks when text is appended', () => {
    expect(chunkArticle(article(body), size)).toEqual(chunks);
    const longer = chunkArticle(article(`${body} An extra closing sentence.`), size);
    expect(longer.slice(0, -1).map((c) => [c.id, c.text])).toEqual(
      chunks.slice(0, -1).map((c) => [c.id, c.text]),
    );
  });

  it('uses about 1,000 characters by default, so the seed story makes a few whole-sentence chunks', () => {
    const seedChunks = chunkArticle(seed!);
    expect(seedChunks.length).toBeGreaterThanOrEqual(2);
    for (const c of seedChunks) {
      expect(c.text.length).toBeLessThanOrEqual(1_000);
      expect(seed!.body.slice(c.start, c.end)).toBe(c.text);
    }
    expect(distinctSentences(seedChunks)).toEqual(splitSentences(seed!.body));
  });

  it('breaks an over-long sentence at clause marks into pieces within the bound', () => {
    const list = Array.from({ length: 80 }, (_, i) => `item number ${i}`).join(', ');
    const long = `The inventory listed ${list}.`;
    const text = `Short opener. ${long} Short closer.`;
    const pieces = chunkArticle(article(text), 200);
    const spans = pieces.flatMap((c) => c.sentences);
    for (const c of pieces) expect(c.text.length).toBeLessThanOrEqual(200);
    for (const s of spans) expect(s.end - s.start).toBeLessThanOrEqual(200);
    // The pieces, rejoined, are the sentence: nothing lost, nothing invented.
    const longStart = text.indexOf('The inventory');
    const longPieces = spans.filter(
      (s) => s.start >= longStart && s.end <= longStart + long.length,
    );
    expect(longPieces.length).toBeGreaterThan(1);
    expect(longPieces.map((s) => text.slice(s.start, s.end)).join(' ')).toBe(long);
    for (const s of longPieces.slice(0, -1)) expect(text.slice(s.start, s.end)).toMatch(/,$/);
  });

  it('hard-cuts a "sentence" with no spaces at all, still within the bound', () => {
    const blob = 'x'.repeat(950);
    const spans = sentenceSpans(`${blob}.`, 300);
    expect(spans.length).toBe(4);
    for (const s of spans) expect(s.end - s.start).toBeLessThanOrEqual(300);
    expect(spans.map((s) => `${blob}.`.slice(s.start, s.end)).join('')).toBe(`${blob}.`);
  });

  it('measures offsets in string positions even with emoji and accents in the text', () => {
    const text = 'Café owners cheered 🎉. The mayor said “très bien” 👍🏽! Then everyone left.';
    const [chunk] = chunkArticle(article(text), 1_000);
    expect(chunk!.sentences.map((s) => text.slice(s.start, s.end))).toEqual([
      'Café owners cheered 🎉.',
      'The mayor said “très bien” 👍🏽!',
      'Then everyone left.',
    ]);
  });
});

describe('chunkSearchText', () => {
  it('prefixes the chunk with its title, source and date so that metadata is searchable', () => {
    const [chunk] = chunkArticle(article('Body text here.'));
    expect(
      chunkSearchText(chunk!, {
        title: 'Title',
        source: 'Wire',
        publishedAt: '2025-11-24T10:00:00Z',
      }),
    ).toBe('Title · Wire · 2025-11-24\nBody text here.');
  });
});
