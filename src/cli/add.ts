/**
 * `storybot add <url | page.html | article.md> [--no-index] [--json]`: adds one article to the
 * corpus (fetched safely, extracted in reader mode, de-duplicated) and re-indexes.
 */
import { parseArgs } from 'node:util';
import { userMessage, UserFacingError } from '../errors.js';
import { addArticle, type AddResult } from '../ingest/add.js';
import { cliSetup } from './common.js';

const USAGE = 'usage: npm run add -- <url | page.html | article.md> [--no-index] [--json]';

function describe(result: AddResult): string {
  const a = result.article;
  const when = a.publishedAt ? `, ${a.publishedAt.slice(0, 10)}` : ', no date found';
  const what = `${result.action} ${result.file}: "${a.title}" (${a.source ?? 'unknown outlet'}${when})`;
  if (!result.build) return what;
  const m = result.build.manifest;
  return `${what}; indexed ${m.articles} article(s), ${m.chunks} chunks in ${m.buildMs} ms`;
}

/** Runs the subcommand; returns the exit code (2: usage, 1: refused or failed). */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'no-index': { type: 'boolean' }, json: { type: 'boolean' } },
    });
    if (parsed.positionals.length !== 1) throw new Error('give exactly one link or file');
  } catch (error) {
    process.stderr.write(`storybot: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { config, logger } = cliSetup();
  const input = parsed.positionals[0]!;
  try {
    const result = await addArticle(input, {
      config,
      reindex: !parsed.values['no-index'],
      onProgress: (p) => logger.debug(`${p.phase}: ${p.message}`),
    });
    const { body, ...meta } = result.article;
    process.stdout.write(
      parsed.values.json
        ? `${JSON.stringify({ action: result.action, file: result.file, ...meta, chars: body.length, ...(result.build ? { buildMs: result.build.manifest.buildMs } : {}) })}\n`
        : `${describe(result)}\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof UserFacingError)) logger.error({ err: error }, 'add failed');
    const message = userMessage(
      error,
      `unexpected failure: ${(error as Error)?.message ?? String(error)}`,
    );
    process.stderr.write(
      parsed.values.json ? `${JSON.stringify({ error: message })}\n` : `storybot: ${message}\n`,
    );
    return 1;
  }
}
