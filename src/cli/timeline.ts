/** `storybot timeline [--limit N] [--json]`: dated events across the corpus, each cited. */
import { parseCommand, usage, type CommandSpec } from './args.js';
import { renderSummary, reportError, setupCli, summaryJson } from './common.js';

export const spec: CommandSpec = {
  name: 'timeline',
  summary: 'dated events across the corpus, in the order they happened, each cited',
  usage: '[--limit N] [--json]',
  options: {
    limit: { type: 'string', value: 'N', help: 'show at most N events', default: '25' },
    json: { type: 'boolean', help: 'print one JSON object {summary, citations}' },
  },
  examples: ['storybot timeline', 'storybot timeline --limit 10 --json'],
};

/** Runs `storybot timeline`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args.ok) return args.exitCode;
  const limit = Number(args.values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    return usage(spec, '--limit must be a whole number of events').exitCode;
  const setup = setupCli();
  if (!setup) return 1;
  try {
    const { openOrBuildEngine } = await import('../rag/engine.js');
    const engine = await openOrBuildEngine(setup.config, { logger: setup.logger });
    const timeline = engine.timeline(limit);
    process.stdout.write(
      args.values.json ? `${JSON.stringify(summaryJson(timeline))}\n` : renderSummary(timeline),
    );
    return 0;
  } catch (error) {
    return reportError(error, setup.logger);
  }
}
