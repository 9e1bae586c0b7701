/**
 * `npm run summary -- [--length short|medium|long] [--focus TEXT] [--json]`
 * `npm run summary -- --since <date or '3 days'> [--json]`: what is new since then (catch-up).
 */
import { parseArgs } from 'node:util';
import { openOrBuildEngine } from '../rag/engine.js';
import { sinceDay } from '../rag/timeline.js';
import type { SummaryLength } from '../rag/types.js';
import { cliSetup, exitWithError, renderCited, summaryJson } from './common.js';

const { config, logger } = cliSetup();
const LENGTHS = ['short', 'medium', 'long'];
let values;
try {
  ({ values } = parseArgs({
    options: {
      length: { type: 'string', default: 'medium' },
      focus: { type: 'string' },
      since: { type: 'string' },
      json: { type: 'boolean' },
    },
  }));
  if (!LENGTHS.includes(values.length!))
    throw new Error(`--length must be one of ${LENGTHS.join(', ')}`);
} catch (error) {
  process.stderr.write(
    `storybot: ${(error as Error).message}\nusage: npm run summary -- [--length short|medium|long] [--focus TEXT] [--since DATE] [--json]\n`,
  );
  process.exit(2);
}

try {
  const engine = await openOrBuildEngine(config, { logger });
  const summary = values.since
    ? engine.catchUp(sinceDay(values.since))
    : await engine.summarize({
        length: values.length as SummaryLength,
        focus: values.focus,
      });
  process.stdout.write(
    values.json
      ? `${JSON.stringify(summaryJson(summary))}\n`
      : renderCited(summary.summary, summary.citations, summary.note),
  );
} catch (error) {
  exitWithError(error, logger);
}
