/**
 * `npm run ask -- "question"` prints a cited answer.
 * `--json` prints one JSON object; `--stdin` answers one question per input line, one JSON line each.
 */
import { parseArgs } from 'node:util';
import { openOrBuildEngine } from '../rag/engine.js';
import { answerJson, cliSetup, exitWithError, renderCited } from './common.js';

const { config, logger } = cliSetup();
let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: { json: { type: 'boolean' }, stdin: { type: 'boolean' } },
  });
} catch (error) {
  process.stderr.write(
    `storybot: ${(error as Error).message}\nusage: npm run ask -- [--json] "question" | npm run ask -- --stdin\n`,
  );
  process.exit(2);
}
const question = args.positionals.join(' ').trim();
if (!args.values.stdin && question === '') {
  process.stderr.write(
    'usage: npm run ask -- [--json] "question"   (or --stdin for one question per line)\n',
  );
  process.exit(2);
}

try {
  const engine = await openOrBuildEngine(config, { logger });
  if (args.values.stdin) {
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
  } else {
    const answer = await engine.ask(question);
    process.stdout.write(
      args.values.json
        ? `${JSON.stringify(answerJson(answer))}\n`
        : renderCited(answer.answer, answer.citations, answer.note, answer.short),
    );
  }
} catch (error) {
  exitWithError(error, logger);
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
