/**
 * `npm run chat`: ask questions in a loop; the previous turns travel with each question so that
 * follow-ups ("and what about Japan?") work. Commands: /summary [short|medium|long], /reset, /quit.
 */
import { createInterface } from 'node:readline/promises';
import { openOrBuildEngine } from '../rag/engine.js';
import type { SummaryLength, Turn } from '../rag/types.js';
import { cliSetup, exitWithError, renderCited } from './common.js';

const { config, logger } = cliSetup();
const MAX_TURNS = 3;

try {
  const engine = await openOrBuildEngine(config, { logger });
  const info = engine.info();
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY === true,
  });
  process.stdout.write(
    `storybot: ${info.articles} article(s), ${info.chunks} chunks, answerer ${info.answerer}. Ask about the story; /summary, /reset, /quit.\n`,
  );
  const history: Turn[] = [];
  rl.setPrompt('you> ');
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (line === '/reset') {
      history.length = 0;
      process.stdout.write('(conversation cleared)\n');
    } else if (line.startsWith('/summary')) {
      const length = (line.split(/\s+/)[1] ?? 'medium') as SummaryLength;
      const summary = await engine.summarize({
        length: ['short', 'medium', 'long'].includes(length) ? length : 'medium',
      });
      process.stdout.write(`bot> ${renderCited(summary.summary, summary.citations, summary.note)}`);
    } else if (line !== '') {
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
    rl.prompt();
  }
  rl.close();
} catch (error) {
  exitWithError(error, logger);
}
