/**
 * `storybot add <url | page.html | article.md> [--no-index] [--json]`: adds one article to the
 * corpus (fetched safely, extracted in reader mode, de-duplicated) and re-indexes.
 */
import type { AddResult } from '../ingest/add.js';
import { parseCommand, usage, type CommandSpec } from './args.js';
import { reportError, setupCli } from './common.js';

export const spec: CommandSpec = {
  name: 'add',
  summary: 'add an article from a link, a saved page or a file, then re-index',
  usage: '[--no-index] [--json] <url | page.html | article.md>',
  positionals: true,
  options: {
    'no-index': { type: 'boolean', help: 'write the article into the corpus without re-indexing' },
    json: { type: 'boolean', help: 'print one JSON object {action, file, title, source, url, …}' },
  },
  examples: ['storybot add https://news.example/2025/11/25/story', 'storybot add saved-page.html'],
};

function describe(result: AddResult): string {
  const a = result.article;
  const when = a.publishedAt ? `, ${a.publishedAt.slice(0, 10)}` : ', no date found';
  const what = `${result.action} ${result.file}: "${a.title}" (${a.source ?? 'unknown outlet'}${when})`;
  if (!result.build) return what;
  const m = result.build.manifest;
  return `${what}; indexed ${m.articles} article(s), ${m.chunks} chunks in ${m.buildMs} ms`;
}

function resultJson(result: AddResult): Record<string, unknown> {
  const { body, ...meta } = result.article;
  return {
    action: result.action,
    file: result.file,
    ...meta,
    chars: body.length,
    ...(result.build ? { buildMs: result.build.manifest.buildMs } : {}),
  };
}

/** Runs `storybot add`; returns the exit code (2: usage, 1: refused or failed). */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args.ok) return args.exitCode;
  if (args.positionals.length !== 1) return usage(spec, 'give exactly one link or file').exitCode;
  const setup = setupCli();
  if (!setup) return 1;
  const { config, logger } = setup;
  try {
    const { addArticle } = await import('../ingest/add.js');
    const result = await addArticle(args.positionals[0]!, {
      config,
      reindex: !args.values['no-index'],
      onProgress: (p) => logger.debug(`${p.phase}: ${p.message}`),
    });
    process.stdout.write(
      args.values.json ? `${JSON.stringify(resultJson(result))}\n` : `${describe(result)}\n`,
    );
    return 0;
  } catch (error) {
    return reportError(error, logger);
  }
}
