/**
 * `storybot summary [--length short|medium|long] [--focus TEXT] [--json]`
 * `storybot summary --since <date or "3 days"> [--json]`: what is new since then (catch-up).
 */
import type { SummaryLength } from '../rag/types.js';
import { parseCommand, usage, type CommandSpec } from './args.js';
import { renderSummary, reportError, setupCli, summaryJson } from './common.js';

const LENGTHS: readonly SummaryLength[] = ['short', 'medium', 'long'];

export const spec: CommandSpec = {
  name: 'summary',
  summary: 'summarize the story in cited sentences quoted from it',
  usage: '[--length short|medium|long] [--focus TEXT] [--since DATE] [--json]',
  options: {
    length: { type: 'string', value: 'LENGTH', help: 'short, medium or long', default: 'medium' },
    focus: { type: 'string', value: 'TEXT', help: 'summarize what the story says about TEXT' },
    since: {
      type: 'string',
      value: 'DATE',
      help: 'only what is new since then: "3 days", Monday, "20 Nov", 2026-11-20',
    },
    json: { type: 'boolean', help: 'print one JSON object {summary, citations}' },
  },
  examples: [
    'storybot summary --length short',
    'storybot summary --focus "the markets" --json',
    'storybot summary --since "3 days"',
  ],
};

/** Runs `storybot summary`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args.ok) return args.exitCode;
  const length = args.values.length as SummaryLength;
  if (!LENGTHS.includes(length))
    return usage(spec, `--length must be one of ${LENGTHS.join(', ')}`).exitCode;
  const setup = setupCli();
  if (!setup) return 1;
  try {
    const { openOrBuildEngine } = await import('../rag/engine.js');
    const engine = await openOrBuildEngine(setup.config, { logger: setup.logger });
    const since = args.values.since as string | undefined;
    const summary = since
      ? engine.catchUp((await import('../rag/timeline.js')).sinceDay(since))
      : await engine.summarize({ length, focus: args.values.focus as string });
    process.stdout.write(
      args.values.json ? `${JSON.stringify(summaryJson(summary))}\n` : renderSummary(summary),
    );
    return 0;
  } catch (error) {
    return reportError(error, setup.logger);
  }
}
