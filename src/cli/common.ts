/**
 * What the command-line entry points share: a readable stderr logger, config loading that
 * fails with a clean message, and the text rendering of answers.
 */
import type { Logger } from 'pino';
import { loadConfig, type CoreConfig } from '../config.js';
import { userMessage, UserFacingError } from '../errors.js';
import { lazyLogger, loadPino, setLogger } from '../log.js';
import type { Answer, Citation, Summary } from '../rag/types.js';

/**
 * A pino logger that prints short human lines on stderr (results stay alone on stdout), created
 * on its first use.
 */
export function cliLogger(level: string): Logger {
  return lazyLogger(() => humanLogger(level));
}

function humanLogger(level: string): Logger {
  const stream = {
    write(line: string): void {
      try {
        const {
          msg,
          level: lvl,
          time: _t,
          err,
          ...fields
        } = JSON.parse(line) as Record<string, unknown>;
        const tag =
          typeof lvl === 'number' && lvl >= 50
            ? 'error: '
            : typeof lvl === 'number' && lvl >= 40
              ? 'warning: '
              : '';
        const extra = Object.entries(fields)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        const errText =
          err && typeof err === 'object' && 'message' in err
            ? ` (${String((err as { message: unknown }).message)})`
            : '';
        process.stderr.write(
          `storybot: ${tag}${String(msg ?? '')}${errText}${extra ? ` [${extra}]` : ''}\n`,
        );
      } catch {
        process.stderr.write(line);
      }
    },
  };
  return loadPino().pino(
    {
      level,
      base: undefined,
      redact: { paths: ['apiKey', 'token', '*.apiKey', '*.token'], censor: '[redacted]' },
    },
    stream,
  );
}

/** What every core subcommand starts from. */
export interface CliSetup {
  config: CoreConfig;
  logger: Logger;
}

/**
 * Loads config and installs the CLI logger. On a config error prints it and returns undefined
 * (the subcommand then exits 1).
 */
export function setupCli(): CliSetup | undefined {
  try {
    const config = loadConfig();
    const logger = cliLogger(config.LOG_LEVEL);
    setLogger(logger);
    return { config, logger };
  } catch (error) {
    process.stderr.write(`storybot: ${userMessage(error)}\n`);
    return undefined;
  }
}

/** Like `setupCli`, for scripts: exits 1 on a config error. */
export function cliSetup(): CliSetup {
  return setupCli() ?? process.exit(1);
}

/**
 * Prints a user-safe message for any error; returns the exit code 1. A user's mistake is one
 * line; anything else is also logged (stack traces only at debug).
 */
export function reportError(error: unknown, logger?: Logger): number {
  if (error instanceof UserFacingError) {
    process.stderr.write(`storybot: ${error.message}\n`);
  } else {
    logger?.error({ err: error }, 'unexpected failure');
    process.stderr.write(
      `storybot: unexpected failure: ${(error as Error)?.message ?? String(error)}\n`,
    );
  }
  return 1;
}

/** Like `reportError`, for scripts: exits 1. */
export function exitWithError(error: unknown, logger?: Logger): never {
  process.exit(reportError(error, logger));
}

/** The JSON shape of a citation in `--json` outputs. */
export function citationJson(
  c: Citation,
): Pick<Citation, 'n' | 'chunkId' | 'articleId' | 'title' | 'quote'> & Partial<Citation> {
  return {
    n: c.n,
    chunkId: c.chunkId,
    articleId: c.articleId,
    title: c.title,
    quote: c.quote,
    ...(c.url ? { url: c.url } : {}),
  };
}

/** `{question, answer, refused, citations}` (plus `note` when the answerer left one). */
export function answerJson(a: Answer): Record<string, unknown> {
  return {
    question: a.question,
    answer: a.answer,
    short: a.short ?? null,
    refused: a.refused,
    citations: a.citations.map(citationJson),
    ...(a.note ? { note: a.note } : {}),
  };
}

export function summaryJson(s: Summary): Record<string, unknown> {
  return {
    summary: s.summary,
    citations: s.citations.map(citationJson),
    ...(s.note ? { note: s.note } : {}),
  };
}

/** "Title (Outlet, 2025-10-30)": how a source is named in the text renderings. */
function sourceName(c: Citation): string {
  const where = [c.source, c.publishedAt?.slice(0, 10)].filter(Boolean).join(', ');
  return `${c.title || c.articleId}${where ? ` (${where})` : ''}`;
}

/**
 * Human rendering: the short answer in bold first (ANSI bold on a terminal), the text, then the
 * numbered sources. A quote already printed in the text is not printed again under its source.
 */
export function renderCited(
  text: string,
  citations: Citation[],
  note?: string,
  short?: string | null,
): string {
  const bold = (s: string): string => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[22m` : s);
  const body = short && text.startsWith(`${short}. `) ? text.slice(short.length + 2) : text;
  const lines = short ? [bold(short), body] : [text];
  if (note) lines.push('', `(${note})`);
  if (citations.length > 0) {
    lines.push('', 'Sources:');
    for (const c of citations) {
      lines.push(`[${c.n}] ${sourceName(c)}`);
      if (!text.includes(c.quote)) lines.push(`    “${c.quote}”`);
      if (c.url) lines.push(`    ${c.url}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Human rendering of a summary: its sentences are the quotes, so the text is printed once (each
 * sentence with its citation number) and each source article once, with the numbers citing it.
 */
export function renderSummary(summary: Summary): string {
  const lines = [summary.summary];
  if (summary.note) lines.push('', `(${summary.note})`);
  const byArticle = new Map<string, Citation[]>();
  for (const c of summary.citations)
    byArticle.set(c.articleId, [...(byArticle.get(c.articleId) ?? []), c]);
  if (byArticle.size > 0) lines.push('', 'Sources:');
  for (const group of byArticle.values()) {
    lines.push(`${group.map((c) => `[${c.n}]`).join('')} ${sourceName(group[0]!)}`);
    if (group[0]!.url) lines.push(`    ${group[0]!.url}`);
  }
  return `${lines.join('\n')}\n`;
}
