/**
 * `storybot chat`: ask questions in a loop; the previous turns travel with each question so that
 * follow-ups ("and what about the other one?") work. Commands: /summary [short|medium|long],
 * /reset, /quit. Prompts and the greeting appear only on a terminal, so piped output holds only
 * the answers.
 */
import { createInterface } from 'node:readline/promises';
import type { Logger } from 'pino';
import type { Engine } from '../rag/engine.js';
import type { SummaryLength, Turn } from '../rag/types.js';
import { plural } from '../words.js';
import { parseCommand, type CommandSpec } from './args.js';
import { renderCited, renderSummary, reportError, setupCli } from './common.js';

const MAX_TURNS = 3;
const LENGTHS: readonly string[] = ['short', 'medium', 'long'];

export const spec: CommandSpec = {
  name: 'chat',
  summary: 'a conversation about the story in the terminal (follow-up questions work)',
  usage: '',
  options: {},
  examples: ['storybot chat', 'printf "Who spoke?\\nand when?\\n" | storybot chat'],
};

/** Runs `storybot chat`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args.ok) return args.exitCode;
  const setup = setupCli();
  if (!setup) return 1;
  try {
    const { openOrBuildEngine } = await import('../rag/engine.js');
    const engine = await openOrBuildEngine(setup.config, { logger: setup.logger });
    await converse(engine, setup.logger);
    return 0;
  } catch (error) {
    return reportError(error, setup.logger);
  }
}

/** The read-answer loop until /quit or the end of input. */
async function converse(engine: Engine, logger: Logger): Promise<void> {
  const interactive = process.stdin.isTTY === true;
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: interactive,
  });
  if (interactive) {
    const info = engine.info();
    process.stdout.write(
      `storybot: ${plural(info.articles, 'article')}, ${plural(info.chunks, 'chunk')}, answerer ${info.answerer}. Ask about the story; /summary, /reset, /quit.\n`,
    );
    rl.setPrompt('you> ');
    rl.prompt();
  }
  const history: Turn[] = [];
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (line === '/reset') {
      history.length = 0;
      process.stdout.write('(conversation cleared)\n');
    } else if (line.startsWith('/summary')) {
      const asked = line.split(/\s+/)[1] ?? 'medium';
      const length = (LENGTHS.includes(asked) ? asked : 'medium') as SummaryLength;
      process.stdout.write(`bot> ${renderSummary(await engine.summarize({ length }))}`);
    } else if (line !== '') {
      await answerTurn(engine, line, history, logger);
    }
    if (interactive) rl.prompt();
  }
  rl.close();
}

/** Answers one line, keeping the last few turns for follow-ups. */
async function answerTurn(engine: Engine, line: string, history: Turn[], logger: Logger) {
  try {
    const answer = await engine.ask(line, { history });
    process.stdout.write(
      `bot> ${renderCited(answer.answer, answer.citations, answer.note, answer.short)}`,
    );
    history.push({ question: answer.question, answer: answer.answer });
    if (history.length > MAX_TURNS) history.shift();
  } catch (error) {
    logger.error({ err: error }, 'question failed');
    process.stdout.write('bot> Sorry, something went wrong answering that. Try again?\n');
  }
}
