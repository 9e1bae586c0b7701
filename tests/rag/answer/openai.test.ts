import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { AnswerContext, Answerer, SummaryContext } from '../../../src/rag/answer/answerer.js';
import {
  OpenAiAnswerer,
  fallbackNote,
  type OpenAiAnswererOptions,
} from '../../../src/rag/answer/openai.js';
import { REFUSAL_TEXT } from '../../../src/rag/answer/prompts.js';
import type { Answer, Citation, Summary } from '../../../src/rag/types.js';
import { article, extractiveAnswerer, passages } from '../../support/openai-fixture.js';
import {
  chatReply,
  closeSocket,
  errorReply,
  hang,
  jsonReply,
  rateLimited,
  serverError,
  startOpenAiStandIn,
  type ChatRequest,
  type OpenAiStandIn,
} from '../../../testkit/openai.js';

const KEY = 'sk-test-9f8e7d6c5b4a39281706';

/** The project's extractive answerer, counting how often the OpenAI answerer falls back to it. */
class CountingFallback implements Answerer {
  readonly id: string;
  calls = 0;
  private readonly inner = extractiveAnswerer();

  constructor() {
    this.id = this.inner.id;
  }

  answer(question: string, context: AnswerContext): Promise<Answer> {
    this.calls++;
    return this.inner.answer(question, context);
  }

  summarize(context: SummaryContext): Promise<Summary> {
    this.calls++;
    return this.inner.summarize(context);
  }
}

/** A pino logger writing into a string, to check what reaches the logs. */
function captureLogs() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    logger: pino({ level: 'debug' }, sink),
    text: () => lines.join(''),
    records: () => lines.map((l) => JSON.parse(l)),
  };
}

let standIn: OpenAiStandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn();
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(() => {
  standIn.requests.length = 0;
  standIn.setChatHandler(() => serverError());
});

function setup(
  env: Record<string, string> = {},
  options: OpenAiAnswererOptions = { maxRetries: 0 },
) {
  const config = loadConfig({
    ANSWERER: 'openai',
    OPENAI_API_KEY: KEY,
    OPENAI_BASE_URL: standIn.baseUrl,
    OPENAI_CHAT_MODEL: 'standin-chat-1',
    OPENAI_TIMEOUT_MS: '5000',
    ...env,
  });
  const fallback = new CountingFallback();
  const logs = captureLogs();
  const answerer = new OpenAiAnswerer(config, fallback, logs.logger, options);
  return { answerer, fallback, logs };
}

const chatRequests = () =>
  standIn.requests.filter((r) => r.path === '/v1/chat/completions') as ChatRequest[];

/** Every `[n]` has a citation, every citation is used, and every quote is article text. */
function expectWellCited(text: string, citations: Citation[]) {
  const markers = [...new Set([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])))].sort(
    (a, b) => a - b,
  );
  expect(markers).toEqual(citations.map((c) => c.n));
  expect(citations.map((c) => c.n)).toEqual(citations.map((_, i) => i + 1));
  for (const citation of citations) expect(article.body).toContain(citation.quote);
}

describe('OpenAiAnswerer.answer', () => {
  it('returns the generated answer with citations rebuilt from the passages', async () => {
    const { answerer, fallback } = setup();
    const ps = passages();
    standIn.setChatHandler(() =>
      jsonReply({
        answer: 'The repairs cost 4.2 million dollars [2]. The bridge reopened on Tuesday [1].',
        citations: [2, 1],
        refused: false,
      }),
    );

    const result = await answerer.answer('How much did the repairs cost?', { passages: ps });

    expect(result.answerer).toBe('openai');
    expect(result.refused).toBe(false);
    expect(result.note).toBeUndefined();
    // Renumbered in order of first appearance: passage 2 is now [1].
    expect(result.answer).toBe(
      'The repairs cost 4.2 million dollars [1]. The bridge reopened on Tuesday [2].',
    );
    expect(result.citations.map((c) => c.chunkId)).toEqual([ps[1]!.chunk.id, ps[0]!.chunk.id]);
    expect(result.citations[0]).toMatchObject({
      articleId: 'harbor-bridge',
      title: article.title,
      url: article.url,
      source: article.source,
      publishedAt: article.publishedAt,
      quote: 'The repairs cost 4.2 million dollars, most of it paid from the state emergency fund.',
    });
    expect(result.citations[1]!.quote).toBe(
      'The Harbor Bridge in Port Ellis reopened to traffic on Tuesday after eleven weeks of repairs.',
    );
    expectWellCited(result.answer, result.citations);
    expect(fallback.calls).toBe(0);
  });

  it('sends the key, the model, temperature 0, JSON mode and the numbered passages', async () => {
    const { answerer } = setup();
    standIn.setChatHandler(() =>
      jsonReply({ answer: 'On Tuesday [1].', citations: [1], refused: false }),
    );

    await answerer.answer('When did the bridge reopen?', { passages: passages() });

    const [request] = chatRequests();
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.body.model).toBe('standin-chat-1');
    expect(request!.body.temperature).toBe(0);
    expect(request!.body.response_format).toEqual({ type: 'json_object' });
    // OpenAI refuses JSON mode unless the messages mention JSON.
    expect(request!.body.messages[0]!.content).toContain('JSON');
    const user = request!.body.messages.at(-1)!.content;
    expect(user).toContain(`[1] ${article.title} — The Harbor Bridge in Port Ellis reopened`);
    expect(user).toContain('[3] ');
    expect(user).toContain('Question: When did the bridge reopen?');
    expect(request!.body.messages[0]!.role).toBe('system');
  });

  it('drops citation numbers that point at no retrieved passage, from the text and the list', async () => {
    const { answerer } = setup();
    standIn.setChatHandler(() =>
      jsonReply({
        answer: 'The mayor cut the ribbon [7]. Sensors report deck movement every minute [9, 2].',
        citations: [7, 2, 9],
        refused: false,
      }),
    );

    const result = await answerer.answer('What do the sensors do?', { passages: passages() });

    expect(result.answerer).toBe('openai');
    expect(result.answer).toBe(
      'The mayor cut the ribbon. Sensors report deck movement every minute [1].',
    );
    expect(result.citations).toHaveLength(1);
    expect(result.citations[0]!.quote).toBe(
      'He added that sensors now report the movement of the deck every minute.',
    );
    expectWellCited(result.answer, result.citations);
  });

  it('falls back to the extractive answer when no citation is valid', async () => {
    const { answerer, fallback } = setup();
    standIn.setChatHandler(() =>
      jsonReply({ answer: 'It was closed for years [12].', citations: [12], refused: false }),
    );

    const result = await answerer.answer('How long was it closed?', { passages: passages() });

    expect(fallback.calls).toBe(1);
    expect(result.answerer).toBe('extractive');
    expect(result.note).toBe(fallbackNote('uncited', 'answer'));
    expectWellCited(result.answer, result.citations);
  });

  it('falls back when the answer has no citation at all', async () => {
    const { answerer } = setup();
    standIn.setChatHandler(() =>
      jsonReply({ answer: 'It reopened on Tuesday.', citations: [], refused: false }),
    );

    const result = await answerer.answer('When?', { passages: passages() });

    expect(result.answerer).toBe('extractive');
    expect(result.note).toBe(fallbackNote('uncited', 'answer'));
  });

  it('falls back when the reply is not the JSON object asked for', async () => {
    for (const content of [
      'The bridge reopened on Tuesday [1].',
      '{"answer": "cut off',
      '{"reply": "Tuesday", "cites": [1]}',
    ]) {
      const { answerer, logs } = setup();
      standIn.setChatHandler(() => chatReply(content));

      const result = await answerer.answer('When did it reopen?', { passages: passages() });

      expect(result.answerer).toBe('extractive');
      expect(result.note).toBe(fallbackNote('malformed', 'answer'));
      expect(logs.records()).toContainEqual(
        expect.objectContaining({ reason: 'malformed', fallback: true }),
      );
    }
  });

  it('reads JSON wrapped in a code fence or after a thinking block', async () => {
    const json = '{"answer": "On Tuesday [1].", "citations": [1], "refused": false}';
    for (const content of [
      '```json\n' + json + '\n```',
      `<think>The user wants {a date}.</think>\n${json}`,
    ]) {
      const { answerer } = setup();
      standIn.setChatHandler(() => chatReply(content));

      const result = await answerer.answer('When did it reopen?', { passages: passages() });

      expect(result.answerer).toBe('openai');
      expect(result.answer).toBe('On Tuesday [1].');
    }
  });

  it.each([
    ['a 429 with retry-after', () => rateLimited(1), 429],
    ['a 500', () => serverError(), 500],
    ['a closed socket', () => closeSocket(), undefined],
  ])('falls back with a note after %s', async (_name, behaviour, status) => {
    const { answerer, logs } = setup();
    standIn.setChatHandler(behaviour);

    const result = await answerer.answer('When did it reopen?', { passages: passages() });

    expect(result.answerer).toBe('extractive');
    expect(result.note).toBe('The language model was unavailable; showing the extractive answer.');
    expect(chatRequests()).toHaveLength(1);
    const failure = logs.records().find((r) => r.fallback === true);
    expect(failure).toMatchObject({ model: 'standin-chat-1', task: 'answer', fallback: true });
    expect(failure.status).toBe(status);
  });

  it('retries a rate-limited request once and uses the answer that follows', async () => {
    const { answerer } = setup({}, { maxRetries: 1 });
    standIn.queueChat(rateLimited(0));
    standIn.setChatHandler(() =>
      jsonReply({ answer: 'On Tuesday [1].', citations: [1], refused: false }),
    );

    const result = await answerer.answer('When did it reopen?', { passages: passages() });

    expect(chatRequests()).toHaveLength(2);
    expect(result.answerer).toBe('openai');
    expect(result.answer).toBe('On Tuesday [1].');
  });

  it('gives up on a server that never answers after OPENAI_TIMEOUT_MS, retries included', async () => {
    const { answerer } = setup({ OPENAI_TIMEOUT_MS: '300' }, { maxRetries: 1 });
    standIn.setChatHandler(() => hang());

    const result = await answerer.answer('When did it reopen?', { passages: passages() });

    expect(result.answerer).toBe('extractive');
    expect(result.note).toBe(fallbackNote('unavailable', 'answer'));
    // The retry would only start after a back-off of a second or more: the deadline ended the wait first.
    expect(chatRequests()).toHaveLength(1);
  });

  it("reports the model's refusal without citations", async () => {
    const { answerer, fallback } = setup();
    standIn.setChatHandler(() =>
      jsonReply({
        answer: 'The passages do not name the architect [2].',
        citations: [2],
        refused: true,
      }),
    );

    const result = await answerer.answer('Who designed the bridge?', { passages: passages() });

    expect(result).toEqual({
      question: 'Who designed the bridge?',
      answer: REFUSAL_TEXT,
      refused: true,
      citations: [],
      answerer: 'openai',
    });
    expect(fallback.calls).toBe(0);
  });

  it('replays earlier turns before the question, without their citation markers', async () => {
    const { answerer } = setup();
    standIn.setChatHandler(() =>
      jsonReply({ answer: 'From June [3].', citations: [3], refused: false }),
    );
    const history = [
      { question: 'Who reopened the bridge?', answer: 'Mayor Ines Okafor cut the ribbon [1].' },
    ];

    await answerer.answer('and what about cyclists?', { passages: passages(), history });

    const messages = chatRequests()[0]!.body.messages;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[1]!.content).toBe('Who reopened the bridge?');
    expect(messages[2]!.content).toBe('Mayor Ines Okafor cut the ribbon.');
    expect(messages[3]!.content).toContain('Question: and what about cyclists?');
  });

  it('asks again without response_format when the server rejects it, and keeps doing so', async () => {
    const { answerer } = setup();
    standIn.setChatHandler((request) =>
      request.body.response_format
        ? errorReply(400, "'response_format.type' must be 'json_schema' or 'text'")
        : jsonReply({ answer: 'On Tuesday [1].', citations: [1], refused: false }),
    );

    const first = await answerer.answer('When did it reopen?', { passages: passages() });
    const second = await answerer.answer('When did it reopen again?', { passages: passages() });

    expect(first.answerer).toBe('openai');
    expect(second.answerer).toBe('openai');
    expect(chatRequests().map((r) => r.body.response_format?.type ?? 'none')).toEqual([
      'json_object',
      'none',
      'none',
    ]);
  });

  it('hands a question with no retrieved passages straight to the fallback', async () => {
    const { answerer, fallback } = setup();

    const result = await answerer.answer('Anything?', { passages: [] });

    expect(chatRequests()).toHaveLength(0);
    expect(fallback.calls).toBe(1);
    expect(result.refused).toBe(true);
  });

  it("stops when the caller's signal aborts instead of answering", async () => {
    const { answerer } = setup();
    standIn.setChatHandler(() => hang());
    const controller = new AbortController();

    const pending = answerer.answer('When did it reopen?', {
      passages: passages(),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('user went away')), 50);

    await expect(pending).rejects.toThrow('user went away');
  });

  it('never writes the API key to the logs or the answer, even when the server echoes it', async () => {
    const { answerer, logs } = setup();
    standIn.setChatHandler((request) =>
      errorReply(
        401,
        `Incorrect API key provided: ${String(request.headers.authorization).slice(7)}.`,
      ),
    );

    const result = await answerer.answer('When did it reopen?', { passages: passages() });
    standIn.setChatHandler(() => hang());
    const { answerer: slow, logs: slowLogs } = setup({ OPENAI_TIMEOUT_MS: '200' });
    await slow.answer('When did it reopen?', { passages: passages() });

    expect(result.answerer).toBe('extractive');
    const failure = logs.records().find((r) => r.fallback === true);
    expect(failure).toMatchObject({ model: 'standin-chat-1', status: 401, fallback: true });
    expect(failure.detail).toContain('[redacted]');
    for (const text of [logs.text(), slowLogs.text(), JSON.stringify(result)]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(KEY.slice(3));
    }
  });
});

describe('OpenAiAnswerer.summarize', () => {
  it('returns generated bullet points with valid citations only', async () => {
    const { answerer } = setup();
    standIn.setChatHandler(() =>
      jsonReply({
        summary: [
          '- The Harbor Bridge reopened on Tuesday after eleven weeks of storm repairs [1].',
          '- The repairs cost 4.2 million dollars, mostly from the state emergency fund [2][5].',
          '- Everyone was happy.',
          '- Ferries return to their normal timetable next Monday [3].',
        ].join('\n'),
        citations: [1, 2, 3, 5],
      }),
    );

    const result = await answerer.summarize({ passages: passages(), length: 'medium' });

    expect(result.answerer).toBe('openai');
    expect(result.summary.split('\n')).toEqual([
      '- The Harbor Bridge reopened on Tuesday after eleven weeks of storm repairs [1].',
      '- The repairs cost 4.2 million dollars, mostly from the state emergency fund [2].',
      '- Ferries return to their normal timetable next Monday [3].',
    ]);
    expect(result.citations[2]!.quote).toBe(
      'Ferry operators, who carried extra passengers during the closure, will return to their normal timetable next Monday.',
    );
    expectWellCited(result.summary, result.citations);
  });

  it('asks for about 2, 4 or 8 points and passes the focus', async () => {
    const { answerer } = setup();
    standIn.setChatHandler(() =>
      jsonReply({ summary: '- Repairs cost 4.2 million dollars [2].', citations: [2] }),
    );

    for (const length of ['short', 'medium', 'long'] as const) {
      await answerer.summarize({
        passages: passages(),
        length,
        focus: length === 'long' ? 'the cost' : undefined,
      });
    }

    const prompts = chatRequests().map((r) => r.body.messages.at(-1)!.content);
    expect(prompts[0]).toContain('about 2 bullet points.');
    expect(prompts[1]).toContain('about 4 bullet points.');
    expect(prompts[2]).toContain('about 8 bullet points, focused on: the cost.');
  });

  it('falls back to the extractive summary when nothing is validly cited or the server fails', async () => {
    const { answerer } = setup();
    standIn.queueChat(
      jsonReply({ summary: '- A bridge [8].', citations: [8] }),
      serverError(),
      chatReply('not json'),
    );

    const uncited = await answerer.summarize({ passages: passages(), length: 'short' });
    const failed = await answerer.summarize({ passages: passages(), length: 'short' });
    const malformed = await answerer.summarize({ passages: passages(), length: 'short' });

    expect(uncited.note).toBe(
      "The language model's summary cited none of the retrieved passages; showing the extractive summary.",
    );
    expect(failed.note).toBe('The language model was unavailable; showing the extractive summary.');
    expect(malformed.note).toBe(fallbackNote('malformed', 'summary'));
    for (const summary of [uncited, failed, malformed]) {
      expect(summary.answerer).toBe('extractive');
      expectWellCited(summary.summary, summary.citations);
    }
  });
});
