/** `npm run summary -- [--length short|medium|long] [--focus TEXT] [--json]` */
import { parseArgs } from 'node:util';
import { openOrBuildEngine } from '../rag/engine.js';
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
      json: { type: 'boolean' },
    },
  }));
  if (!LENGTHS.includes(values.length!))
    throw new Error(`--length must be one of ${LENGTHS.join(', ')}`);
} catch (error) {
  process.stderr.write(
    `storybot: ${(error as Error).message}\nusage: npm run summary -- [--length short|medium|long] [--focus TEXT] [--json]\n`,
  );
  process.exit(2);
}

try {
  const engine = await openOrBuildEngine(config, { logger });
  const summary = await engine.summarize({
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
