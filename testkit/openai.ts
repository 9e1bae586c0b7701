/**
 * A small OpenAI-compatible HTTP server for tests: `POST /v1/chat/completions` and `POST /v1/embeddings`
 * on 127.0.0.1 with a random port. OpenAI itself is unreachable from the test machine, so this stands in
 * for it (and for Ollama, vLLM, LM Studio); everything on our side of the socket is the real code.
 *
 * Each response is a `Behaviour` chosen by a handler the test sets: a normal JSON reply, an HTTP error
 * (429 with retry-after, 500, 400), a hang (never answers, to exercise timeouts) or a closed socket.
 * Every request is recorded with its headers and parsed body so tests can check what was sent.
 */
import { createHash } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the stand-in does with one request. */
export type Behaviour =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> }
  /** Accept the request and never answer: the client must give up on its own timeout. */
  | { kind: 'hang' }
  /** Destroy the socket without any HTTP response (a network error for the client). */
  | { kind: 'close' };

/** A request as the stand-in received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: any;
}

/** The fields of a chat completion request the tests look at (the rest is kept as sent). */
export interface ChatRequest extends RecordedRequest {
  body: {
    model: string;
    messages: { role: string; content: string }[];
    response_format?: {
      type: string;
      json_schema?: { name: string; schema: unknown; strict?: boolean };
    };
    temperature?: number;
    [key: string]: unknown;
  };
}

export interface EmbeddingsRequest extends RecordedRequest {
  body: { model: string; input: string | string[]; encoding_format?: string; dimensions?: number };
}

export type ChatHandler = (request: ChatRequest) => Behaviour | Promise<Behaviour>;
export type EmbeddingsHandler = (request: EmbeddingsRequest) => Behaviour | Promise<Behaviour>;

export interface OpenAiStandIn {
  /** e.g. `http://127.0.0.1:41234/v1` (what OPENAI_BASE_URL would hold). */
  baseUrl: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  setChatHandler(handler: ChatHandler): void;
  setEmbeddingsHandler(handler: EmbeddingsHandler): void;
  /** Answers the next chat requests with these behaviours in order, then falls back to the handler. */
  queueChat(...behaviours: Behaviour[]): void;
  close(): Promise<void>;
}

/** Dimensions of the stand-in's default embeddings. */
export const STANDIN_DIMENSIONS = 64;

/** A chat completion whose assistant message content is `content`. */
export function chatReply(content: string, model = 'standin-chat'): Behaviour {
  return {
    kind: 'json',
    body: {
      id: 'chatcmpl-standin',
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    },
  };
}

/** A chat completion whose content is `value` serialized as JSON (what a well-behaved model returns). */
export function jsonReply(value: unknown): Behaviour {
  return chatReply(JSON.stringify(value));
}

/** An OpenAI-shaped error response. */
export function errorReply(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Behaviour {
  const type =
    status === 429
      ? 'rate_limit_exceeded'
      : status >= 500
        ? 'server_error'
        : 'invalid_request_error';
  return {
    kind: 'json',
    status,
    headers,
    body: { error: { message, type, param: null, code: null } },
  };
}

export const rateLimited = (retryAfterSeconds = 1): Behaviour =>
  errorReply(429, 'Rate limit reached for requests.', { 'retry-after': String(retryAfterSeconds) });
export const serverError = (): Behaviour =>
  errorReply(500, 'The server had an error while processing your request.');
export const hang = (): Behaviour => ({ kind: 'hang' });
export const closeSocket = (): Behaviour => ({ kind: 'close' });

/**
 * Deterministic embedding: a hashed bag of lowercase words, L2-normalized. Texts sharing words get
 * similar vectors, which is all the tests need from it.
 */
export function standInEmbedding(text: string, dimensions = STANDIN_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const digest = createHash('sha256').update(word).digest();
    const slot = digest.readUInt32LE(0) % dimensions;
    vector[slot]! += digest[4]! & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => v / norm);
}

/** The `/v1/embeddings` answer for a request, honouring `encoding_format` like OpenAI does. */
export function embeddingsReply(
  request: EmbeddingsRequest,
  dimensions = STANDIN_DIMENSIONS,
): Behaviour {
  const inputs = Array.isArray(request.body.input) ? request.body.input : [request.body.input];
  const base64 = request.body.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const vector = standInEmbedding(String(text), dimensions);
    const embedding = base64
      ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
      : vector;
    return { object: 'embedding', index, embedding };
  });
  return {
    kind: 'json',
    body: {
      object: 'list',
      data,
      model: request.body.model,
      usage: { prompt_tokens: 1, total_tokens: 1 },
    },
  };
}

/**
 * A stand-in "model" used when a test sets no chat handler: cites passage [1] with its first sentence.
 * Enough for a smoke test; fault tests always set their own behaviour.
 */
function defaultChat(request: ChatRequest): Behaviour {
  const last = request.body.messages.at(-1)?.content ?? '';
  const first = /\[1\][^—]*—\s*([^.!?]*[.!?])/.exec(last)?.[1];
  if (!first) return jsonReply({ answer: "The story doesn't say.", citations: [], refused: true });
  return jsonReply({ answer: `${first} [1]`, citations: [1], refused: false });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, behaviour: Behaviour): void {
  switch (behaviour.kind) {
    case 'hang':
      return;
    case 'close':
      res.socket?.destroy();
      return;
    case 'json':
    case 'raw': {
      const body = behaviour.kind === 'json' ? JSON.stringify(behaviour.body) : behaviour.body;
      res.writeHead(behaviour.status ?? 200, {
        'content-type': 'application/json',
        ...behaviour.headers,
      });
      res.end(body);
    }
  }
}

/** Starts the stand-in on 127.0.0.1 with a random free port. */
export async function startOpenAiStandIn(): Promise<OpenAiStandIn> {
  const requests: RecordedRequest[] = [];
  const queue: Behaviour[] = [];
  let chatHandler: ChatHandler = defaultChat;
  let embeddingsHandler: EmbeddingsHandler = (request) => embeddingsReply(request);
  const sockets = new Set<Socket>();

  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Kept as text: a test may want to see exactly what arrived.
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
    };
    requests.push(recorded);
    try {
      if (req.method === 'POST' && path === '/v1/chat/completions') {
        send(res, queue.shift() ?? (await chatHandler(recorded as ChatRequest)));
      } else if (req.method === 'POST' && path === '/v1/embeddings') {
        send(res, await embeddingsHandler(recorded as EmbeddingsRequest));
      } else {
        send(res, errorReply(404, `Unknown path ${path}`));
      }
    } catch (error) {
      send(res, errorReply(500, `stand-in handler failed: ${String(error)}`));
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    setChatHandler(handler) {
      chatHandler = handler;
    },
    setEmbeddingsHandler(handler) {
      embeddingsHandler = handler;
    },
    queueChat(...behaviours) {
      queue.push(...behaviours);
    },
    close() {
      // Hanging requests keep their sockets open; destroy them so close() returns.
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
