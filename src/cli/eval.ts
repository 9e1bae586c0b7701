/**
 * `storybot eval [--questions FILE] [--json]`: a thin wrapper around the evaluation in
 * src/eval.ts, which keeps its own option parsing and output.
 */
import { fileURLToPath } from 'node:url';
import { parseCommand, type CommandSpec } from './args.js';

export const spec: CommandSpec = {
  name: 'eval',
  summary: 'answer an evaluation set and report answer, citation and refusal accuracy',
  usage: '[--questions FILE] [--json]',
  options: {
    questions: {
      type: 'string',
      value: 'FILE',
      help: 'JSON lines {id, kind, question, expect?, support?}',
      default: 'tests/eval/seed-questions.jsonl',
    },
    json: { type: 'boolean', help: 'print the figures and the failures as one JSON object' },
  },
  examples: ['storybot eval', 'storybot eval --questions tests/eval/seed-questions-holdout.jsonl'],
};

/** Runs the evaluation; returns the exit code (the evaluation itself exits 1 on failure). */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args.ok) return args.exitCode;
  // The evaluation runs itself when it is the process's script (it reads process.argv), so it is
  // imported as if it were: its own path as argv[1], then the options.
  const logic = new URL(
    `../eval${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
    import.meta.url,
  );
  process.argv = [process.argv[0]!, fileURLToPath(logic), ...argv];
  await import(logic.href);
  return 0;
}
