/**
 * `storybot ask "question"` prints a cited answer.
 * `--json` prints one JSON object; `--stdin` answers one question per input line, one JSON line each.
 */
import type { Logger } from 'pino';
import type { Engine } from '../rag/engine.js';
import { parseCommand, usage, type CommandSpec } from './args.js';
import { answerJson, renderCited, reportError, setupCli } from './common.js';

export const spec: CommandSpec = {
  name: 'ask',
  summary: 'answer one question about the story, with citations (builds the index if missing)',
  usage: '[--json] "question" | --stdin',
  positionals: true,
  options: {
    json: { type: 'boolean', help: 'print one JSON object {question, answer, refused, citations}' },
    stdin: { type: 'boolean', help: 'answer each line of standard input; one JSON line each' },
  },
  examples: ['storybot ask "What was agreed, and when?"', 'storybot ask --json "Who said it?"'],
};

/** Runs `storybot ask`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args.ok) return args.exitCode;
  const question = args.positionals.join(' ').trim();
  if (!args.values.stdin && question === '') return usage(spec, 'no question given').exitCode;
  const setup = setupCli();
  if (!setup) return 1;
  const { config, logger } = setup;
  try {
    const { openOrBuildEngine } = await import('../rag/engine.js');
    const engine = await openOrBuildEngine(config, { logger });
    if (args.values.stdin) {
      await answerLines(engine, logger);
      return 0;
    }
    const answer = await engine.ask(question);
    process.stdout.write(
      args.values.json
        ? `${JSON.stringify(answerJson(answer))}\n`
        : renderCited(answer.answer, answer.citations, answer.note, answer.short),
    );
    return 0;
  } catch (error) {
    return reportError(error, logger);
  }
}

/** Answers each line of stdin with one JSON line; a failure answers that line with an apology. */
async function answerLines(engine: Engine, logger: Logger): Promise<void> {
  for await (const line of stdinLines()) {
    let out: Record<string, unknown>;
    try {
      out = answerJson(await engine.ask(line));
    } catch (error) {
      logger.error({ err: error }, 'question failed');
      out = {
        question: line,
        answer: 'Sorry, something went wrong answering this question.',
        refused: true,
        citations: [],
      };
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

/**
 * Lines of stdin, split on "\n" only (a trailing "\r" is dropped). readline would also split on a
 * lone "\r", so a hostile line carrying that control byte would get two answers and shift every
 * later answer off its question.
 */
async function* stdinLines(): AsyncGenerator<string> {
  process.stdin.setEncoding('utf8');
  let pending = '';
  for await (const chunk of process.stdin as AsyncIterable<string>) {
    pending += chunk;
    let from = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', from)) {
      yield pending.slice(from, nl).replace(/\r$/, '');
      from = nl + 1;
    }
    pending = pending.slice(from);
  }
  if (pending !== '') yield pending.replace(/\r$/, '');
}
