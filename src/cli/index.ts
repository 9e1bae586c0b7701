/**
 * `npm run index -- [--corpus DIR] [--skip-invalid] [--progress-json]` builds the index and swaps
 * it in. With `--progress-json`, stdout carries JSON lines for a supervising process (the bot):
 * {"type":"progress",…} …, then {"type":"done","manifest":…} or {"type":"error","message","file"?}.
 */
import { parseArgs } from 'node:util';
import { CorpusError, userMessage } from '../errors.js';
import { buildIndex } from '../rag/build.js';
import { cliSetup, exitWithError } from './common.js';

const { config, logger } = cliSetup();
let values;
try {
  ({ values } = parseArgs({
    options: {
      corpus: { type: 'string' },
      'skip-invalid': { type: 'boolean' },
      'progress-json': { type: 'boolean' },
    },
  }));
} catch (error) {
  process.stderr.write(
    `storybot: ${(error as Error).message}\nusage: npm run index -- [--corpus DIR] [--skip-invalid] [--progress-json]\n`,
  );
  process.exit(2);
}
const json = values['progress-json'] === true;
const emit = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

let lastPrinted = 0;
try {
  const report = await buildIndex({
    config,
    corpusDir: values.corpus,
    skipInvalid: values['skip-invalid'],
    onProgress: (p) => {
      if (json) {
        emit({ type: 'progress', ...p });
        return;
      }
      const now = Date.now();
      if (p.done === p.total || now - lastPrinted > 1_000) {
        lastPrinted = now;
        logger.info(`${p.phase}: ${p.message}`);
      }
    },
  });
  for (const s of report.skipped) logger.warn({ file: s.file }, `skipped ${s.message}`);
  const summary = `indexed ${report.manifest.articles} article(s) into ${report.manifest.chunks} chunks (${report.embedded} embedded, ${report.cached} from cache) in ${report.manifest.buildMs} ms`;
  if (json)
    emit({
      type: 'done',
      manifest: report.manifest,
      skipped: report.skipped.map((s) => ({ file: s.file, reason: s.reason })),
    });
  else logger.info(summary);
} catch (error) {
  if (json) {
    emit({
      type: 'error',
      message: userMessage(error, 'The index build failed unexpectedly; see the logs.'),
      ...(error instanceof CorpusError ? { file: error.file } : {}),
    });
    if (!(error instanceof CorpusError)) logger.error({ err: error }, 'index build failed');
    process.exit(1);
  }
  exitWithError(error, logger);
}
