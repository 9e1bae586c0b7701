/**
 * `npm run deploy-commands` registers the slash commands: to DISCORD_GUILD_ID when set (instant,
 * for testing), else globally (may take up to an hour to appear everywhere).
 * `npm run deploy-commands -- --print` prints the exact JSON payloads and touches no network.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { REST, Routes, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { ConfigError, loadBotConfig } from '../src/config.js';
import { commandPayloads, loadCommands } from '../src/discord/command.js';

/** Where and what `deployCommands` sends. */
export interface DeployTarget {
  applicationId: string;
  guildId?: string;
}

/**
 * Replaces the application's commands with `payloads` (a PUT overwrites, so removed commands
 * disappear). Returns how many Discord now has.
 */
export async function deployCommands(
  rest: REST,
  target: DeployTarget,
  payloads: RESTPostAPIChatInputApplicationCommandsJSONBody[],
): Promise<number> {
  const route = target.guildId
    ? Routes.applicationGuildCommands(target.applicationId, target.guildId)
    : Routes.applicationCommands(target.applicationId);
  const result = (await rest.put(route, { body: payloads })) as unknown[];
  return result.length;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { print: { type: 'boolean' } } });
  const payloads = commandPayloads(await loadCommands());
  if (values.print) {
    process.stdout.write(`${JSON.stringify(payloads, null, 2)}\n`);
    return;
  }
  let config;
  try {
    config = loadBotConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${error.message}\n(--print shows the payloads without any configuration.)\n`,
    );
    process.exit(1);
  }
  const rest = new REST(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}).setToken(
    config.DISCORD_TOKEN,
  );
  const count = await deployCommands(
    rest,
    { applicationId: config.DISCORD_CLIENT_ID, guildId: config.DISCORD_GUILD_ID },
    payloads,
  );
  const where = config.DISCORD_GUILD_ID
    ? `server ${config.DISCORD_GUILD_ID}`
    : 'every server (global; allow up to an hour)';
  process.stdout.write(`Registered ${count} commands for ${where}.\n`);
}

// Run only as a script, so tests can import deployCommands.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`deploy-commands failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
