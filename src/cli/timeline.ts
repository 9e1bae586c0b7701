/** `storybot timeline [--limit N] [--json]`: dated events across the corpus, each cited. */
import { parseArgs } from 'node:util';
import { userMessage, UserFacingError } from '../errors.js';
import { openOrBuildEngine } from '../rag/engine.js';
import { DEFAULT_TIMELINE_EVENTS } from '../rag/timeline.js';
import { cliSetup, renderCited, summaryJson } from './common.js';

const USAGE = 'usage: npm run timeline -- [--limit N] [--json]';

/** Runs the subcommand; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { limit: { type: 'string' }, json: { type: 'boolean' } },
    }));
  } catch (error) {
    process.stderr.write(`storybot: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const limit = values.limit === undefined ? DEFAULT_TIMELINE_EVENTS : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    process.stderr.write(`storybot: --limit must be a whole number of events\n${USAGE}\n`);
    return 2;
  }
  const { config, logger } = cliSetup();
  try {
    const engine = await openOrBuildEngine(config, { logger });
    const result = engine.timeline(limit);
    process.stdout.write(
      values.json
        ? `${JSON.stringify(summaryJson(result))}\n`
        : renderCited(result.summary, result.citations),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof UserFacingError)) logger.error({ err: error }, 'timeline failed');
    process.stderr.write(
      `storybot: ${userMessage(error, `unexpected failure: ${String(error)}`)}\n`,
    );
    return 1;
  }
}
