/**
 * `storybot index [--corpus DIR] [--skip-invalid] [--progress-json]` builds the index and swaps
 * it in. With `--progress-json`, stdout carries JSON lines for a supervising process (the bot):
 * {"type":"progress",…} …, then {"type":"done","manifest":…} or {"type":"error","message","file"?}.
 */
import type { Logger } from 'pino';
import { CorpusError, userMessage } from '../errors.js';
import { plural } from '../words.js';
import type { BuildProgress } from '../rag/build.js';
import { parseCommand, type CommandSpec } from './args.js';
import { reportError, setupCli } from './common.js';

export const spec: CommandSpec = {
  name: 'index',
  summary: 'build the search index from the corpus and swap it in atomically',
  usage: '[--corpus DIR] [--skip-invalid] [--progress-json]',
  options: {
    corpus: { type: 'string', value: 'DIR', help: 'the corpus folder (default: CORPUS_DIR)' },
    'skip-invalid': { type: 'boolean', help: 'skip unreadable files instead of failing' },
    'progress-json': { type: 'boolean', help: 'progress and result as JSON lines on stdout' },
  },
  examples: ['storybot index', 'storybot index --corpus ./my-articles --skip-invalid'],
};

const emit = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

/** Progress as JSON lines, or as a log line at most once a second (and at each phase's end). */
function progressPrinter(json: boolean, logger: Logger): (p: BuildProgress) => void {
  let lastPrinted = 0;
  return (p) => {
    if (json) {
      emit({ type: 'progress', ...p });
      return;
    }
    const now = Date.now();
    if (p.done === p.total || now - lastPrinted > 1_000) {
      lastPrinted = now;
      logger.info(`${p.phase}: ${p.message}`);
    }
  };
}

/** Runs `storybot index`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args.ok) return args.exitCode;
  const setup = setupCli();
  if (!setup) return 1;
  const { config, logger } = setup;
  const json = args.values['progress-json'] === true;
  try {
    const { buildIndex } = await import('../rag/build.js');
    const report = await buildIndex({
      config,
      corpusDir: args.values.corpus as string | undefined,
      skipInvalid: args.values['skip-invalid'] as boolean | undefined,
      onProgress: progressPrinter(json, logger),
    });
    for (const s of report.skipped) logger.warn({ file: s.file }, `skipped ${s.message}`);
    const m = report.manifest;
    if (json)
      emit({
        type: 'done',
        manifest: m,
        skipped: report.skipped.map((s) => ({ file: s.file, reason: s.reason })),
      });
    else
      logger.info(
        `indexed ${plural(m.articles, 'article')} into ${plural(m.chunks, 'chunk')} (${report.embedded} embedded, ${report.cached} from cache) in ${m.buildMs} ms`,
      );
    return 0;
  } catch (error) {
    if (!json) return reportError(error, logger);
    emit({
      type: 'error',
      message: userMessage(error, 'The index build failed unexpectedly; see the logs.'),
      ...(error instanceof CorpusError ? { file: error.file } : {}),
    });
    if (!(error instanceof CorpusError)) logger.error({ err: error }, 'index build failed');
    return 1;
  }
}
