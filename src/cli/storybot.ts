#!/usr/bin/env node
/**
 * `storybot <command> [options]`: the one installed command. Each subcommand lives in its own
 * module (`src/cli/<name>.ts`, exporting `main(argv)` → exit code) and is imported only when
 * chosen, so `storybot ask` never loads Discord and `storybot bot` never loads the indexer's CLI.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { nearest } from './args.js';

/** A subcommand module: parses its own options and returns the exit code. */
interface Subcommand {
  main(argv: string[]): Promise<number>;
}

/** How the dispatcher knows a subcommand. */
interface CommandEntry {
  summary: string;
  load: () => Promise<Subcommand>;
  /** Keeps serving after `main` returns (the bot, on its open connections). */
  serves?: boolean;
}

/** Every subcommand, in the order `storybot --help` lists them. */
export const COMMANDS: Record<string, CommandEntry> = {
  index: { summary: 'build the index from the corpus', load: () => import('./index.js') },
  add: {
    summary: 'add an article from a link, a saved page or a file, then re-index',
    load: () => import('./add.js'),
  },
  ask: { summary: 'answer one question, with citations', load: () => import('./ask.js') },
  chat: { summary: 'a conversation about the story', load: () => import('./chat.js') },
  summary: { summary: 'summarize the story, cited', load: () => import('./summary.js') },
  timeline: {
    summary: 'dated events of the story in order, cited',
    load: () => import('./timeline.js'),
  },
  eval: { summary: 'score answers on an evaluation set', load: () => import('./eval.js') },
  bot: { summary: 'run the Discord bot', load: () => import('./bot.js'), serves: true },
  'deploy-commands': {
    summary: 'register the slash commands with Discord',
    load: () => import('./deploy-commands.js'),
  },
};

/** The top-level help: the subcommands and how to get each one's options. */
export function topHelp(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(17)} ${c.summary}`);
  return [
    'storybot: answers questions about a news story with citations quoting it verbatim.',
    '',
    'usage: storybot <command> [options]',
    '',
    'commands:',
    ...rows,
    '',
    "Run 'storybot <command> --help' for a command's options and an example.",
    'example: storybot ask "What happened?"',
    '',
  ].join('\n');
}

/** Runs the chosen subcommand with the remaining arguments; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(topHelp());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    const guess = nearest(name, Object.keys(COMMANDS));
    process.stderr.write(
      `storybot: unknown command '${name}'${guess ? `; did you mean '${guess}'?` : ''}\n(storybot --help lists the commands)\n`,
    );
    return 2;
  }
  return (await command.load()).main(rest);
}

/** True when this module is the process's entry (also through npm's bin symlink). */
function isEntry(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

/**
 * Ends a finished command as soon as its output is written. Left to end by itself, the process
 * would first let V8 finish the garbage collection it started during the run, on a heap that
 * exiting frees anyway: ~20 ms of a ~0.3 s `storybot ask`.
 */
async function exitOnceWritten(code: number): Promise<never> {
  const written = (stream: NodeJS.WriteStream): Promise<void> =>
    new Promise((resolve) => {
      if (stream.destroyed || stream.writableEnded) resolve();
      else stream.write('', () => resolve());
    });
  await Promise.all([written(process.stdout), written(process.stderr)]);
  process.exit(code);
}

if (isEntry()) {
  const argv = process.argv.slice(2);
  const code = await main(argv);
  // exitCode, not exit(), for a command that serves: the bot keeps running on its open connections.
  if (COMMANDS[argv[0] ?? '']?.serves) process.exitCode = code;
  else await exitOnceWritten(code);
}
