/**
 * `npm run ask -- "question"` prints a cited answer.
 * `--json` prints one JSON object; `--stdin` answers one question per input line, one JSON line each.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { openOrBuildEngine } from '../rag/engine.js';
import { answerJson, cliSetup, exitWithError, renderCited } from './common.js';

const { config, logger } = cliSetup();
let args;
try {
  args = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean' }, stdin: { type: 'boolean' } } });
} catch (error) {
  process.stderr.write(`storybot: ${(error as Error).message}\nusage: npm run ask -- [--json] "question" | npm run ask -- --stdin\n`);
  process.exit(2);
}
const question = args.positionals.join(' ').trim();
if (!args.values.stdin && question === '') {
  process.stderr.write('usage: npm run ask -- [--json] "question"   (or --stdin for one question per line)\n');
  process.exit(2);
}

try {
  const engine = await openOrBuildEngine(config, { logger });
  if (args.values.stdin) {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      let out: Record<string, unknown>;
      try {
        out = answerJson(await engine.ask(line));
      } catch (error) {
        logger.error({ err: error }, 'question failed');
        out = { question: line, answer: 'Sorry, something went wrong answering this question.', refused: true, citations: [] };
      }
      process.stdout.write(`${JSON.stringify(out)}\n`);
    }
  } else {
    const answer = await engine.ask(question);
    process.stdout.write(args.values.json ? `${JSON.stringify(answerJson(answer))}\n` : renderCited(answer.answer, answer.citations, answer.note));
  }
} catch (error) {
  exitWithError(error, logger);
}
