/**
 * Generated answers and summaries from an OpenAI-compatible chat model (OpenAI, Ollama, vLLM,
 * LM Studio…), held to the same citation rules as the extractive answerer: citations are rebuilt from
 * the retrieved passages, never taken from the model, and an answer left with no valid citation is
 * replaced by the fallback (extractive) answer. Every API fault (timeout, 429, 5xx, network error,
 * unreadable reply) also ends in the fallback answer with a note: the answerer never throws for them
 * and never waits past `OPENAI_TIMEOUT_MS`.
 *
 * Reply format: `withStructuredOutput(zodSchema, { method: 'jsonMode', includeRaw: true })`, i.e.
 * `response_format: { type: 'json_object' }`, validated by zod. Not the default `jsonSchema` method:
 * with it the OpenAI SDK itself `JSON.parse`s the content and throws on anything but bare JSON (a code
 * fence, a `<think>` preamble from a local model, a truncated reply); the caller then retries it as if
 * it were a network fault and the content is lost. JSON mode is supported by OpenAI, Ollama, vLLM and
 * llama.cpp; when LangChain's parser gives up (`parsed: null`) the raw content is still at hand and a
 * tolerant extractor gets one more try. A server that rejects `response_format` with 400/422
 * (LM Studio accepts only `json_schema`) is asked again without it, the prompt alone asking for JSON,
 * and this answerer keeps asking that way once that has worked.
 */
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { Runnable } from '@langchain/core/runnables';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import type { CoreConfig } from '../../config.js';
import { log, type Logger } from '../../log.js';
import type { Answer, Summary } from '../types.js';
import type { AnswerContext, Answerer, SummaryContext } from './answerer.js';
import { applyCitationRules } from './model-citations.js';
import {
  ANSWER_SYSTEM_PROMPT,
  REFUSAL_TEXT,
  SUMMARY_SYSTEM_PROMPT,
  answerUserPrompt,
  formatEarlierTurn,
  summaryUserPrompt,
} from './prompts.js';

/** Why a generated answer was replaced by the fallback. */
export type FallbackReason = 'unavailable' | 'malformed' | 'uncited';

/** The note shown with a fallback answer or summary. */
export function fallbackNote(reason: FallbackReason, task: 'answer' | 'summary'): string {
  const shown = `showing the extractive ${task}.`;
  switch (reason) {
    case 'unavailable':
      return `The language model was unavailable; ${shown}`;
    case 'malformed':
      return `The language model's reply could not be read; ${shown}`;
    case 'uncited':
      return `The language model's ${task} cited none of the retrieved passages; ${shown}`;
  }
}

export interface OpenAiAnswererOptions {
  /** Retries after a failed request (429, 5xx, network). Default 1: a second try, then the fallback. */
  maxRetries?: number;
  /** Earlier turns replayed to the model for follow-ups. Default 3. */
  maxHistoryTurns?: number;
}

/** API key sent when none is configured: local servers (Ollama, vLLM) accept any, the client needs one. */
export const PLACEHOLDER_API_KEY = 'not-needed';

const MAX_TURN_CHARS = 1_000;

// Lenient on purpose: models write "3" for 3 and forget `refused` when they answer.
const citationList = z
  .array(z.union([z.number(), z.string()]))
  .default([])
  .transform((items) => items.map(Number).filter((n) => Number.isInteger(n) && n > 0));
const AnswerReply = z.object({
  answer: z.string(),
  citations: citationList,
  refused: z.boolean().default(false),
});
const SummaryReply = z.object({ summary: z.string(), citations: citationList });
type AnswerReply = z.infer<typeof AnswerReply>;
type SummaryReply = z.infer<typeof SummaryReply>;

/**
 * Finds the JSON object in a model's reply: bare JSON, JSON in a code fence, or JSON after prose or a
 * `<think>` block. Returns undefined when there is none.
 */
export function extractJsonObject(content: string): unknown {
  const text = content.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  const candidates = [text];
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fenced?.[1]) candidates.push(fenced[1]);
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  for (const candidate of candidates) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value && typeof value === 'object' && !Array.isArray(value)) return value;
    } catch {
      // Try the next candidate.
    }
  }
  return undefined;
}

/** Validates a reply value against a schema; undefined when it does not fit. */
function validate<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Parses an answer reply, or returns undefined when it is not one. */
export function parseAnswerReply(content: string): AnswerReply | undefined {
  return validate(AnswerReply, extractJsonObject(content));
}

/** Parses a summary reply, or returns undefined when it is not one. */
export function parseSummaryReply(content: string): SummaryReply | undefined {
  return validate(SummaryReply, extractJsonObject(content));
}

/** True when a text says something besides its citation markers. */
function hasWords(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text.replace(/\[\d+\]/g, ''));
}

/** Models that only accept the default temperature (OpenAI's reasoning models). */
function fixedTemperature(model: string): boolean {
  return /^o\d/.test(model) || (model.startsWith('gpt-5') && !model.startsWith('gpt-5-chat'));
}

class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no reply within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * Runs `work` with a signal that aborts after `ms` or when `outer` aborts, and settles no later than
 * that: the client's own retries and back-off cannot stretch the wait.
 */
async function withDeadline<T>(
  ms: number,
  outer: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineError(ms)), ms);
  const forward = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', forward, { once: true });
  if (outer?.aborted) forward();
  try {
    return await new Promise<T>((resolve, reject) => {
      if (controller.signal.aborted) return reject(controller.signal.reason);
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
        once: true,
      });
      work(controller.signal).then(resolve, reject);
    });
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', forward);
  }
}

function statusOf(error: unknown): number | undefined {
  const e = error as { status?: unknown; response?: { status?: unknown } } | null;
  const status = e?.status ?? e?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** What came of one request: a reply in the expected shape, an unreadable reply, or no reply. */
type Outcome<T> = { kind: 'reply'; value: T } | { kind: 'malformed' } | { kind: 'failed' };

/**
 * A chat model bound to a reply schema with `includeRaw`: `parsed` is null when parsing failed. It is
 * typed `unknown` and validated again here, since LangChain types it as the schema's input type.
 */
type StructuredModel = Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: unknown }>;

function textOf(message: BaseMessage): string {
  return typeof message.content === 'string' ? message.content : message.text;
}

/** Answers and summarizes with an OpenAI-compatible chat model; see the module comment. */
export class OpenAiAnswerer implements Answerer {
  readonly id = 'openai';
  private readonly model: ChatOpenAI;
  private readonly modelName: string;
  private readonly timeoutMs: number;
  private readonly maxHistoryTurns: number;
  private readonly apiKey: string | undefined;
  private readonly answerModel: StructuredModel;
  private readonly summaryModel: StructuredModel;
  /** How replies are requested; drops to `prompt` for servers that reject `response_format`. */
  private replyFormat: 'json_object' | 'prompt' = 'json_object';

  constructor(
    config: CoreConfig,
    private readonly fallback: Answerer,
    private readonly logger: Logger = log(),
    options: OpenAiAnswererOptions = {},
  ) {
    this.modelName = config.OPENAI_CHAT_MODEL;
    this.timeoutMs = config.OPENAI_TIMEOUT_MS;
    this.maxHistoryTurns = options.maxHistoryTurns ?? 3;
    this.apiKey = config.OPENAI_API_KEY;
    this.model = new ChatOpenAI({
      model: config.OPENAI_CHAT_MODEL,
      apiKey: config.OPENAI_API_KEY ?? PLACEHOLDER_API_KEY,
      configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {},
      ...(fixedTemperature(config.OPENAI_CHAT_MODEL) ? {} : { temperature: 0 }),
      timeout: config.OPENAI_TIMEOUT_MS,
      maxRetries: options.maxRetries ?? 1,
      maxTokens: 1_024,
    });
    this.answerModel = this.model.withStructuredOutput(AnswerReply, {
      method: 'jsonMode',
      includeRaw: true,
    });
    this.summaryModel = this.model.withStructuredOutput(SummaryReply, {
      method: 'jsonMode',
      includeRaw: true,
    });
  }

  async answer(question: string, context: AnswerContext): Promise<Answer> {
    // Nothing retrieved means nothing to cite: the fallback's refusal is the honest answer.
    if (context.passages.length === 0) return this.fallback.answer(question, context);

    const messages: BaseMessage[] = [new SystemMessage(ANSWER_SYSTEM_PROMPT)];
    for (const turn of (context.history ?? []).slice(-this.maxHistoryTurns)) {
      const earlier = formatEarlierTurn(turn);
      messages.push(new HumanMessage(earlier.question.slice(0, MAX_TURN_CHARS)));
      messages.push(new AIMessage(earlier.answer.slice(0, MAX_TURN_CHARS)));
    }
    messages.push(new HumanMessage(answerUserPrompt(question, context.passages)));

    const outcome = await this.complete(
      'answer',
      messages,
      this.answerModel,
      AnswerReply,
      context.signal,
    );
    if (outcome.kind === 'failed') return this.fallbackAnswer(question, context, 'unavailable');
    if (outcome.kind === 'malformed') return this.fallbackAnswer(question, context, 'malformed');
    const reply = outcome.value;
    if (reply.refused) {
      return { question, answer: REFUSAL_TEXT, refused: true, citations: [], answerer: this.id };
    }
    const cited = applyCitationRules(reply.answer, reply.citations, context.passages);
    if (cited.citations.length === 0 || !hasWords(cited.text)) {
      return this.fallbackAnswer(question, context, 'uncited');
    }
    return {
      question,
      answer: cited.text,
      refused: false,
      citations: cited.citations,
      answerer: this.id,
    };
  }

  async summarize(context: SummaryContext): Promise<Summary> {
    if (context.passages.length === 0) return this.fallback.summarize(context);
    const messages = [
      new SystemMessage(SUMMARY_SYSTEM_PROMPT),
      new HumanMessage(summaryUserPrompt(context.passages, context.length, context.focus)),
    ];
    const outcome = await this.complete(
      'summary',
      messages,
      this.summaryModel,
      SummaryReply,
      context.signal,
    );
    if (outcome.kind === 'failed') return this.fallbackSummary(context, 'unavailable');
    if (outcome.kind === 'malformed') return this.fallbackSummary(context, 'malformed');
    const reply = outcome.value;
    const cited = applyCitationRules(reply.summary, reply.citations, context.passages);
    // A bullet with no marker is a claim nobody can check; the others stand on their own.
    const lines = cited.text.split('\n');
    const text =
      lines.length > 1 ? lines.filter((line) => /\[\d+\]/.test(line)).join('\n') : cited.text;
    if (cited.citations.length === 0 || !hasWords(text))
      return this.fallbackSummary(context, 'uncited');
    return { summary: text, citations: cited.citations, answerer: this.id };
  }

  /**
   * Sends one request (two if the server rejects `response_format`) within the deadline and reads the
   * reply. Faults are logged and reported as `failed`; only the caller's own abort is rethrown.
   */
  private async complete<T>(
    task: 'answer' | 'summary',
    messages: BaseMessage[],
    structured: StructuredModel,
    schema: z.ZodType<T>,
    signal: AbortSignal | undefined,
  ): Promise<Outcome<T>> {
    const read = (value: T | undefined): Outcome<T> =>
      value === undefined ? { kind: 'malformed' } : { kind: 'reply', value };
    const salvage = (message: BaseMessage): T | undefined =>
      validate(schema, extractJsonObject(textOf(message)));
    try {
      return await withDeadline(this.timeoutMs, signal, async (deadline) => {
        const plain = async () =>
          read(salvage(await this.model.invoke(messages, { signal: deadline })));
        if (this.replyFormat === 'prompt') return plain();
        try {
          const { raw, parsed } = await structured.invoke(messages, { signal: deadline });
          // `parsed` is null when LangChain's parser (bare or fenced JSON only) gave up; the salvage
          // also reads JSON after prose or a <think> block.
          return read((parsed == null ? undefined : validate(schema, parsed)) ?? salvage(raw));
        } catch (error) {
          const status = statusOf(error);
          if (deadline.aborted || (status !== 400 && status !== 422)) throw error;
          const outcome = await plain();
          this.replyFormat = 'prompt';
          this.logger.info(
            { model: this.modelName, status, replyFormat: 'prompt' },
            'server rejected response_format; asking for JSON in the prompt only',
          );
          return outcome;
        }
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      this.logger.warn(
        {
          model: this.modelName,
          task,
          status: statusOf(error),
          error: error instanceof Error ? error.name : typeof error,
          detail: this.safeDetail(error),
          fallback: true,
        },
        'language model request failed; using the extractive answerer',
      );
      return { kind: 'failed' };
    }
  }

  private async fallbackAnswer(
    question: string,
    context: AnswerContext,
    reason: FallbackReason,
  ): Promise<Answer> {
    if (reason !== 'unavailable') {
      this.logger.warn(
        { model: this.modelName, task: 'answer', reason, fallback: true },
        'generated answer rejected',
      );
    }
    const answer = await this.fallback.answer(question, context);
    return { ...answer, note: joinNotes(fallbackNote(reason, 'answer'), answer.note) };
  }

  private async fallbackSummary(context: SummaryContext, reason: FallbackReason): Promise<Summary> {
    if (reason !== 'unavailable') {
      this.logger.warn(
        { model: this.modelName, task: 'summary', reason, fallback: true },
        'generated summary rejected',
      );
    }
    const summary = await this.fallback.summarize(context);
    return { ...summary, note: joinNotes(fallbackNote(reason, 'summary'), summary.note) };
  }

  /** A short error description for logs, with the API key and anything key-shaped masked. */
  private safeDetail(error: unknown): string {
    let text = error instanceof Error ? error.message : String(error);
    if (this.apiKey) text = text.split(this.apiKey).join('[redacted]');
    return text.replace(/\bsk-[\w*-]+/g, '[redacted]').slice(0, 200);
  }
}

function joinNotes(first: string, second: string | undefined): string {
  return second ? `${first} ${second}` : first;
}
