/**
 * Embeddings from an OpenAI-compatible `/embeddings` endpoint (OpenAI, or Ollama, vLLM, LM Studio
 * through `OPENAI_BASE_URL`), behind LangChain's `Embeddings` interface.
 */
import { createHash } from 'node:crypto';
import type { Embeddings } from '@langchain/core/embeddings';
import { OpenAIEmbeddings } from '@langchain/openai';
import type { CoreConfig } from '../../config.js';
import { UserFacingError } from '../../errors.js';
import { PLACEHOLDER_API_KEY } from '../answer/openai.js';

const DEFAULT_HOST = 'api.openai.com';
/** Texts per request: well under OpenAI's 2,048-input limit and small enough for local servers. */
export const OPENAI_EMBEDDINGS_BATCH_SIZE = 128;
/** Text embedded once to learn how many dimensions the configured model returns. */
export const DIMENSION_PROBE_TEXT = 'dimension probe';

/** Thrown when the embeddings server fails; the message names the host, never the key. */
export class EmbeddingsError extends UserFacingError {}

function hostOf(config: CoreConfig): string {
  return config.OPENAI_BASE_URL ? new URL(config.OPENAI_BASE_URL).host : DEFAULT_HOST;
}

/**
 * Identifies the embedding space in the index manifest: `openai:<model>@<8 hex of the server host>`.
 * The same model name on another server (say `nomic-embed-text` on two Ollama hosts, or OpenAI versus a
 * local look-alike) may not give comparable vectors, so the host is part of the id. It is hashed so the
 * manifest does not record internal host names.
 */
export function openAiEmbedderId(config: CoreConfig): string {
  const host = createHash('sha256').update(hostOf(config).toLowerCase()).digest('hex').slice(0, 8);
  return `openai:${config.OPENAI_EMBEDDINGS_MODEL}@${host}`;
}

/** Rewraps client errors so callers (the index build, the CLI) can show a safe, useful message. */
class CheckedOpenAIEmbeddings extends OpenAIEmbeddings {
  constructor(
    fields: ConstructorParameters<typeof OpenAIEmbeddings>[0],
    private readonly host: string,
    private readonly queryDeadlineMs: number,
  ) {
    super(fields);
  }

  override async embedDocuments(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const vectors = await this.guard(() => super.embedDocuments(texts));
    if (vectors.length !== texts.length) {
      throw new EmbeddingsError(
        `The embeddings server at ${this.host} returned ${vectors.length} vectors for ${texts.length} texts.`,
      );
    }
    return vectors;
  }

  /**
   * A question waits for this, so it gets one overall deadline (`OPENAI_TIMEOUT_MS`) instead of
   * retries that could add up to minutes; the index build keeps the retries.
   */
  override async embedQuery(text: string): Promise<number[]> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new EmbeddingsError(
              `The embeddings server at ${this.host} did not answer within ${this.queryDeadlineMs} ms.`,
            ),
          ),
        this.queryDeadlineMs,
      );
    });
    try {
      return await Promise.race([this.guard(() => super.embedQuery(text)), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof EmbeddingsError) throw error;
      const status = (error as { status?: unknown } | null)?.status;
      const what =
        typeof status === 'number'
          ? `answered HTTP ${status}`
          : 'could not be reached or returned an unreadable reply';
      throw new EmbeddingsError(
        `The embeddings server at ${this.host} ${what}; check OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_EMBEDDINGS_MODEL, or use EMBEDDINGS_PROVIDER=local.`,
        { cause: error },
      );
    }
  }
}

/**
 * Builds the `openai` embedder from config: model `OPENAI_EMBEDDINGS_MODEL`, server `OPENAI_BASE_URL`,
 * per-request timeout `OPENAI_TIMEOUT_MS`. Vectors are requested as plain floats because several
 * OpenAI-compatible servers ignore `encoding_format: base64`, the client's default. Failures surface as
 * `EmbeddingsError`: for documents after two retries, for a query after `OPENAI_TIMEOUT_MS` at most.
 */
export function createOpenAiEmbeddings(config: CoreConfig): Embeddings {
  return new CheckedOpenAIEmbeddings(
    {
      model: config.OPENAI_EMBEDDINGS_MODEL,
      apiKey: config.OPENAI_API_KEY ?? PLACEHOLDER_API_KEY,
      configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {},
      timeout: config.OPENAI_TIMEOUT_MS,
      batchSize: OPENAI_EMBEDDINGS_BATCH_SIZE,
      encodingFormat: 'float',
      maxRetries: 2,
      maxConcurrency: 2,
    },
    hostOf(config),
    config.OPENAI_TIMEOUT_MS,
  );
}

/**
 * Learns the embedding dimensions by embedding one probe string. Throws `EmbeddingsError` when the
 * server returns something that is not a non-empty vector of finite numbers.
 */
export async function probeDimensions(embeddings: Embeddings): Promise<number> {
  const vector = await embeddings.embedQuery(DIMENSION_PROBE_TEXT);
  if (
    !Array.isArray(vector) ||
    vector.length === 0 ||
    !vector.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    throw new EmbeddingsError(
      'The embeddings server returned an empty or invalid vector for a test string.',
    );
  }
  return vector.length;
}
