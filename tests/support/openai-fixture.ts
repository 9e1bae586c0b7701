/**
 * A small article (tests/fixtures/openai/harbor-bridge.txt) cut into chunks by the project's own
 * chunker and numbered as retrieved passages, plus the project's extractive answerer over it: the
 * fallback the OpenAI answerer hands over to.
 */
import { readFileSync } from 'node:fs';
import { ExtractiveAnswerer } from '../../src/rag/answer/extractive.js';
import { chunkArticle } from '../../src/rag/chunk.js';
import { LexicalIndexBuilder } from '../../src/rag/store/lexical.js';
import { contentStems } from '../../src/rag/text.js';
import type { Article, ArticleMeta, Passage } from '../../src/rag/types.js';

const body = readFileSync(new URL('../fixtures/openai/harbor-bridge.txt', import.meta.url), 'utf8');

export const article: Article = {
  id: 'harbor-bridge',
  title: 'Harbor Bridge reopens after storm repairs',
  source: 'Port Ellis Courier',
  url: 'https://example.org/harbor-bridge',
  publishedAt: '2024-05-14',
  body,
  file: 'harbor-bridge.txt',
};

/** Chunks of about one paragraph each (the chunk size is small so there are several). */
export const chunks = chunkArticle(article, 300);

const { body: _body, ...withoutBody } = article;
const meta: ArticleMeta = { ...withoutBody, chunks: chunks.length, chars: body.length };

/** Every chunk as a passage, numbered 1..n in story order. */
export function passages(): Passage[] {
  return chunks.map((chunk, i) => ({ n: i + 1, chunk, article: meta, score: 1 / (i + 1) }));
}

/** The extractive answerer with word statistics from the fixture's chunks (no word vectors). */
export function extractiveAnswerer(): ExtractiveAnswerer {
  const builder = new LexicalIndexBuilder();
  for (const chunk of chunks) builder.add(contentStems(chunk.text));
  const lexical = builder.build();
  return new ExtractiveAnswerer({ idf: (stem) => lexical.idf(stem) });
}
