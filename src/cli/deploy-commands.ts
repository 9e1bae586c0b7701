/**
 * `storybot deploy-commands` registers the slash commands: to DISCORD_GUILD_ID when set (instant,
 * for testing), else globally (may take up to an hour to appear everywhere).
 * `--print` prints the exact JSON payloads and touches no network.
 */
import { ConfigError, loadBotConfig } from '../config.js';
import { parseCommand, type CommandSpec } from './args.js';

export const spec: CommandSpec = {
  name: 'deploy-commands',
  summary: "register the bot's slash commands with Discord",
  usage: '[--print]',
  options: {
    print: { type: 'boolean', help: 'print the command payloads as JSON; no network, no config' },
  },
  examples: ['storybot deploy-commands', 'storybot deploy-commands --print'],
};

/** Runs `storybot deploy-commands`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args.ok) return args.exitCode;
  const { commandPayloads, loadCommands } = await import('../discord/command.js');
  const payloads = commandPayloads(await loadCommands());
  if (args.values.print) {
    process.stdout.write(`${JSON.stringify(payloads, null, 2)}\n`);
    return 0;
  }
  let config;
  try {
    config = loadBotConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${error.message}\n(--print shows the payloads without any configuration.)\n`,
    );
    return 1;
  }
  const [{ REST }, { deployCommands }] = await Promise.all([
    import('discord.js'),
    import('../discord/deploy.js'),
  ]);
  const rest = new REST(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}).setToken(
    config.DISCORD_TOKEN,
  );
  try {
    const count = await deployCommands(
      rest,
      { applicationId: config.DISCORD_CLIENT_ID, guildId: config.DISCORD_GUILD_ID },
      payloads,
    );
    const where = config.DISCORD_GUILD_ID
      ? `server ${config.DISCORD_GUILD_ID}`
      : 'every server (global; allow up to an hour)';
    process.stdout.write(`Registered ${count} commands for ${where}.\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`deploy-commands failed: ${(error as Error).message}\n`);
    return 1;
  }
}
