/**
 * `storybot bot` (what `npm start` runs): validates the configuration, then runs the bot in this
 * process (SHARD_COUNT=1, the default) or under discord.js's ShardingManager. It runs until
 * SIGTERM or SIGINT, which drain the answers in flight and exit 0 (see src/discord/run.ts).
 */
import { ConfigError, loadBotConfig, type BotConfig } from '../config.js';
import { UserFacingError } from '../errors.js';
import { parseCommand, type CommandSpec } from './args.js';

export const spec: CommandSpec = {
  name: 'bot',
  summary: 'run the Discord bot (configured by DISCORD_TOKEN, DISCORD_CLIENT_ID… in .env)',
  usage: '',
  options: {},
  examples: ['storybot bot', 'node dist/cli/storybot.js bot   # what npm start runs'],
};

/** Starts the bot; returns once it is connected (exit code 0) or failed to start (1). */
export async function main(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args.ok) return args.exitCode;
  let config: BotConfig;
  try {
    config = loadBotConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const hint = error.message.includes('npm run chat')
      ? ''
      : '\nTo try the bot locally without Discord, run `npm run chat`.';
    process.stderr.write(`${error.message}${hint}\n`);
    return 1;
  }
  try {
    if (config.SHARD_COUNT === 1) {
      const { runBotProcess } = await import('../discord/run.js');
      await runBotProcess(config);
    } else {
      const { runShardingManager } = await import('../discord/sharding.js');
      await runShardingManager(config, { handleSignals: true });
    }
    return 0;
  } catch (error) {
    // Start-up failures (bad token, unreachable gateway, unreadable index) get one clean line.
    const message = error instanceof UserFacingError ? error.message : (error as Error).message;
    process.stderr.write(`storybot could not start: ${message}\n`);
    return 1;
  }
}
