/**
 * The shape of a slash command module, and the loader that checks every module in
 * `commands/` against it (a file that does not fit is reported, not silently skipped).
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type {
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { BotContext } from './context.js';

/**
 * One slash command: its registration payload and its handler. Handlers receive the bot context
 * as a second argument instead of reaching for globals.
 */
export interface Command {
  data: { readonly name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
}

/** True when `value` has the shape of a {@link Command}. */
export function isCommand(value: unknown): value is Command {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<Command>;
  return (
    typeof v.execute === 'function' &&
    !!v.data &&
    typeof v.data === 'object' &&
    typeof v.data.name === 'string' &&
    typeof v.data.toJSON === 'function'
  );
}

const COMMANDS_DIR = fileURLToPath(new URL('./commands/', import.meta.url));

/**
 * Imports every module in `src/discord/commands/` and checks its default export. Throws naming the
 * file when one is not a command, so a broken module stops the start instead of vanishing.
 */
export async function loadCommands(dir: string = COMMANDS_DIR): Promise<Map<string, Command>> {
  const files = (await readdir(dir))
    .filter((name) => /\.(ts|js|mjs)$/.test(name) && !name.endsWith('.d.ts'))
    .sort();
  const commands = new Map<string, Command>();
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default?: unknown };
    if (!isCommand(mod.default))
      throw new Error(`${file} does not export a command (expected { data, execute })`);
    if (commands.has(mod.default.data.name))
      throw new Error(`${file} registers /${mod.default.data.name} twice`);
    commands.set(mod.default.data.name, mod.default);
  }
  return commands;
}

/** The registration payloads of the commands, exactly as `deploy-commands` sends them. */
export function commandPayloads(
  commands: Map<string, Command>,
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [...commands.values()].map((command) => command.data.toJSON());
}
