/**
 * Option parsing shared by the `storybot` subcommands: `--help` with the options and an example,
 * and an unknown option answered with the nearest valid one ("did you mean --length?").
 */
import { parseArgs } from 'node:util';

/** One option of a subcommand, as `--help` describes it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** What the option does, one line. */
  help: string;
  /** The value's placeholder in `--help` (`DIR`, `N`…); string options only. */
  value?: string;
  default?: string;
}

/** A subcommand's interface: what it is for, its options, and examples for `--help`. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** The part of the usage line after `storybot <name>`, e.g. `[options] "question"`. */
  usage: string;
  options: Record<string, OptionSpec>;
  examples: string[];
  /** Whether bare words are accepted (a question, say). */
  positionals?: boolean;
}

/** What `parseCommand` found: the values, or an exit code (help printed, or a usage error). */
export type Parsed =
  | {
      ok: true;
      values: Record<string, string | boolean | undefined>;
      positionals: string[];
    }
  | { ok: false; exitCode: number };

/**
 * Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbouring
 * letters as 1 (optimal string alignment), so `--lenght` is one edit from `--length`.
 */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `word`, when it is close enough to be a likely typo (at most a third
 * of the longer word's letters differ, and at least one); undefined otherwise.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  const limit = Math.max(1, Math.floor(Math.max(word.length, best?.length ?? 0) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** The `--help` text of a subcommand. */
export function helpText(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const left = `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    const dflt = o.default !== undefined ? ` (default: ${o.default})` : '';
    return `  ${left.padEnd(24)} ${o.help}${dflt}`;
  });
  rows.push(`  ${'--help'.padEnd(24)} show this help`);
  return [
    `storybot ${spec.name}: ${spec.summary}`,
    '',
    `usage: storybot ${spec.name} ${spec.usage}`.trimEnd(),
    '',
    'options:',
    ...rows,
    '',
    'example:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

/** Why parsing failed, in words for the user, with the nearest valid option when there is one. */
function usageError(error: unknown, spec: CommandSpec): string {
  const message = (error as Error).message;
  const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(message);
  if (!unknown) return message;
  const suggestion = nearest(unknown[2]!, [...Object.keys(spec.options), 'help']);
  return `unknown option '${unknown[1]}${unknown[2]}'${suggestion ? `; did you mean --${suggestion}?` : ''}`;
}

/**
 * Parses `argv` against `spec`. `--help` prints the help on stdout (exit 0); a usage error prints
 * one line and the usage on stderr (exit 2). The caller returns the exit code when `ok` is false.
 */
export function parseCommand(spec: CommandSpec, argv: string[]): Parsed {
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, o]) => [
      name,
      { type: o.type, ...(o.default !== undefined ? { default: o.default } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: spec.positionals === true,
      strict: true,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(helpText(spec));
      return { ok: false, exitCode: 0 };
    }
    return {
      ok: true,
      values: values as Record<string, string | boolean | undefined>,
      positionals,
    };
  } catch (error) {
    return usage(spec, usageError(error, spec));
  }
}

/** Prints a usage error for `spec` on stderr; returns the exit code 2. */
export function usage(spec: CommandSpec, message: string): { ok: false; exitCode: number } {
  process.stderr.write(
    `storybot ${spec.name}: ${message}\nusage: storybot ${spec.name} ${spec.usage}\n(storybot ${spec.name} --help lists the options)\n`,
  );
  return { ok: false, exitCode: 2 };
}
