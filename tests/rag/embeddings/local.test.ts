import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createEmbedder, wordVectorDir } from '../../../src/rag/embeddings/index.js';
import { LocalEmbeddings } from '../../../src/rag/embeddings/local.js';
import { loadWordVectors } from '../../../src/rag/embeddings/wordvectors.js';
import { silenceLogs, WORD_VECTORS_DIR } from '../../support/core.js';

silenceLogs();
const vectors = loadWordVectors(WORD_VECTORS_DIR);

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('wordVectorDir', () => {
  it('defaults to the cache directory and follows WORD_VECTORS_DIR when it is set', () => {
    expect(wordVectorDir(loadConfig({ CACHE_DIR: '/tmp/c' }))).toBe('/tmp/c/wordvectors');
    expect(
      wordVectorDir(loadConfig({ CACHE_DIR: '/tmp/c', WORD_VECTORS_DIR: '/srv/vectors' })),
    ).toBe('/srv/vectors');
    expect(wordVectorDir(loadConfig({ CACHE_DIR: '/tmp/c', WORD_VECTORS_DIR: '  ' }))).toBe(
      '/tmp/c/wordvectors',
    );
  });

  it('is where the configured embedder takes its word vectors from', async () => {
    const embedder = await createEmbedder(
      loadConfig({ CACHE_DIR: '/nonexistent/cache', WORD_VECTORS_DIR }),
    );
    expect(embedder.wordVectors).toBe(vectors);
    expect(embedder.id).toBe(new LocalEmbeddings(vectors).id);
  });
});

describe('LocalEmbeddings', () => {
  const embeddings = new LocalEmbeddings(vectors);

  it('has word vectors prepared by the test setup (the optional package is installed)', () => {
    expect(vectors).not.toBeNull();
    expect(embeddings.id).toMatch(/^local:hash256\+sg100:/);
    expect(embeddings.dimensions).toBe(356);
  });

  it('is deterministic and returns unit-length vectors, even for text with no known words', () => {
    const a = embeddings.vector('Beijing resumed purchases of US soybeans.');
    expect(Array.from(embeddings.vector('Beijing resumed purchases of US soybeans.'))).toEqual(
      Array.from(a),
    );
    expect(dot(a, a)).toBeCloseTo(1, 5);
    const odd = embeddings.vector('Zxqv Blorptang');
    expect(dot(odd, odd)).toBeCloseTo(1, 5);
  });

  it('places a paraphrase closer than an unrelated sentence', () => {
    const story = embeddings.vector('Washington has reduced tariffs on Chinese goods.');
    const paraphrase = embeddings.vector('The US lowered import duties on products from China.');
    const unrelated = embeddings.vector('Heavy rain flooded the football stadium on Sunday.');
    expect(dot(story, paraphrase)).toBeGreaterThan(dot(story, unrelated));
  });

  it('matches inflections through shared stems and character n-grams', () => {
    const base = embeddings.vector('tariff');
    expect(dot(base, embeddings.vector('tariffs'))).toBeGreaterThan(
      dot(base, embeddings.vector('weather')),
    );
  });

  it('serves the LangChain Embeddings interface with the same vectors', async () => {
    const [doc] = await embeddings.embedDocuments(['Xi spoke to Trump.']);
    expect(doc).toEqual(Array.from(embeddings.vector('Xi spoke to Trump.')));
    expect(await embeddings.embedQuery('Xi spoke to Trump.')).toEqual(doc);
  });

  it('names a hashed-only variant differently, so an index built with one is refused by the other', () => {
    expect(new LocalEmbeddings(null).id).not.toBe(embeddings.id);
    expect(new LocalEmbeddings(null).dimensions).toBe(256);
  });
});
