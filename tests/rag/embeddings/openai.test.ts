import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import {
  EmbeddingsError,
  OPENAI_EMBEDDINGS_BATCH_SIZE,
  createOpenAiEmbeddings,
  openAiEmbedderId,
  probeDimensions,
} from '../../../src/rag/embeddings/openai.js';
import {
  STANDIN_DIMENSIONS,
  embeddingsReply,
  errorReply,
  hang,
  standInEmbedding,
  startOpenAiStandIn,
  type EmbeddingsRequest,
  type OpenAiStandIn,
} from '../../../testkit/openai.js';

const KEY = 'sk-embed-test-0a1b2c3d4e5f';

let standIn: OpenAiStandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn();
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(() => {
  standIn.requests.length = 0;
  standIn.setEmbeddingsHandler((request) => embeddingsReply(request));
});

function config(env: Record<string, string> = {}) {
  return loadConfig({
    EMBEDDINGS_PROVIDER: 'openai',
    OPENAI_API_KEY: KEY,
    OPENAI_BASE_URL: standIn.baseUrl,
    OPENAI_EMBEDDINGS_MODEL: 'standin-embed-1',
    OPENAI_TIMEOUT_MS: '5000',
    ...env,
  });
}

const embeddingRequests = () =>
  standIn.requests.filter((r) => r.path === '/v1/embeddings') as EmbeddingsRequest[];

describe('createOpenAiEmbeddings', () => {
  it('sends the model, the key and float encoding, and returns the vectors in input order', async () => {
    const embeddings = createOpenAiEmbeddings(config());
    const texts = ['The bridge reopened on Tuesday.', 'Repairs cost 4.2 million dollars.'];

    const vectors = await embeddings.embedDocuments(texts);

    expect(vectors).toHaveLength(2);
    // Compared with tolerance: the values travel as JSON numbers.
    vectors.forEach((vector, i) => {
      const expected = standInEmbedding(texts[i]!);
      expect(vector).toHaveLength(STANDIN_DIMENSIONS);
      vector.forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 6));
    });
    const [request] = embeddingRequests();
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.body).toEqual({
      model: 'standin-embed-1',
      input: texts,
      encoding_format: 'float',
    });
  });

  it(`sends at most ${OPENAI_EMBEDDINGS_BATCH_SIZE} texts per request`, async () => {
    const embeddings = createOpenAiEmbeddings(config());
    const texts = Array.from(
      { length: 300 },
      (_, i) => `chunk number ${i} about the harbor bridge`,
    );

    const vectors = await embeddings.embedDocuments(texts);

    expect(
      embeddingRequests()
        .map((r) => (r.body.input as string[]).length)
        .sort((a, b) => b - a),
    ).toEqual([128, 128, 44]);
    expect(vectors).toHaveLength(300);
    // The last batch's vectors land at the end, in order.
    expect(vectors[299]![0]).toBeCloseTo(standInEmbedding(texts[299]!)[0]!, 6);
    expect(vectors[128]![5]).toBeCloseTo(standInEmbedding(texts[128]!)[5]!, 6);
  });

  it('embeds a query with one request', async () => {
    const embeddings = createOpenAiEmbeddings(config());

    const vector = await embeddings.embedQuery('When did the bridge reopen?');

    expect(vector).toHaveLength(STANDIN_DIMENSIONS);
    expect(embeddingRequests()).toHaveLength(1);
    expect(embeddingRequests()[0]!.body.input).toBe('When did the bridge reopen?');
  });

  it('sends a placeholder key to a keyless local server', async () => {
    const embeddings = createOpenAiEmbeddings(config({ OPENAI_API_KEY: '' }));

    await embeddings.embedQuery('hello');

    expect(embeddingRequests()[0]!.headers.authorization).toBe('Bearer not-needed');
  });

  it('turns a server error into an EmbeddingsError naming the host and the status, not the key', async () => {
    standIn.setEmbeddingsHandler(() => errorReply(404, `The model does not exist (key ${KEY})`));
    const embeddings = createOpenAiEmbeddings(config());

    const error = await embeddings.embedDocuments(['text']).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EmbeddingsError);
    const message = (error as Error).message;
    expect(message).toContain(new URL(standIn.baseUrl).host);
    expect(message).toContain('HTTP 404');
    expect(message).not.toContain(KEY);
  });

  it('gives up on a query when the server never answers', async () => {
    standIn.setEmbeddingsHandler(() => hang());
    const embeddings = createOpenAiEmbeddings(config({ OPENAI_TIMEOUT_MS: '300' }));

    const error = await embeddings
      .embedQuery('When did the bridge reopen?')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EmbeddingsError);
    expect((error as Error).message).toContain('did not answer within 300 ms');
  });

  it('rejects a reply with fewer vectors than texts', async () => {
    standIn.setEmbeddingsHandler((request) => {
      const reply = embeddingsReply(request);
      if (reply.kind === 'json') (reply.body as { data: unknown[] }).data.pop();
      return reply;
    });
    const embeddings = createOpenAiEmbeddings(config());

    await expect(embeddings.embedDocuments(['one', 'two', 'three'])).rejects.toBeInstanceOf(
      EmbeddingsError,
    );
  });
});

describe('probeDimensions', () => {
  it('learns the dimensions from one probe request', async () => {
    standIn.setEmbeddingsHandler((request) => embeddingsReply(request, 384));

    expect(await probeDimensions(createOpenAiEmbeddings(config()))).toBe(384);
    expect(embeddingRequests()).toHaveLength(1);
  });

  it('refuses an empty vector', async () => {
    standIn.setEmbeddingsHandler((request) => embeddingsReply(request, 0));

    await expect(probeDimensions(createOpenAiEmbeddings(config()))).rejects.toBeInstanceOf(
      EmbeddingsError,
    );
  });
});

describe('openAiEmbedderId', () => {
  it('names the model and a short hash of the server host', () => {
    const id = openAiEmbedderId(config());
    expect(id).toMatch(/^openai:standin-embed-1@[0-9a-f]{8}$/);
    expect(id).not.toContain('127.0.0.1');
  });

  it('changes with the host or the model, not with the path', () => {
    const here = openAiEmbedderId(config({ OPENAI_BASE_URL: 'http://localhost:11434/v1' }));
    expect(openAiEmbedderId(config({ OPENAI_BASE_URL: 'http://localhost:11434/api/v1' }))).toBe(
      here,
    );
    expect(openAiEmbedderId(config({ OPENAI_BASE_URL: 'http://localhost:1234/v1' }))).not.toBe(
      here,
    );
    expect(
      openAiEmbedderId(
        config({
          OPENAI_BASE_URL: 'http://localhost:11434/v1',
          OPENAI_EMBEDDINGS_MODEL: 'nomic-embed-text',
        }),
      ),
    ).not.toBe(here);
  });

  it('uses api.openai.com when no base URL is set', () => {
    const official = openAiEmbedderId(config({ OPENAI_BASE_URL: 'https://api.openai.com/v1' }));
    expect(openAiEmbedderId(config({ OPENAI_BASE_URL: '' }))).toBe(official);
  });
});
