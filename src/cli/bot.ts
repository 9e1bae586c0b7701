/**
 * `npm start`: validates the configuration, then runs the bot in this process
 * (SHARD_COUNT=1, the default) or under discord.js's ShardingManager.
 */
import { ConfigError, loadBotConfig, type BotConfig } from '../config.js';
import { UserFacingError } from '../errors.js';
import { runBotProcess } from '../discord/run.js';
import { runShardingManager } from '../discord/sharding.js';

let config: BotConfig;
try {
  config = loadBotConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  const hint = error.message.includes('npm run chat')
    ? ''
    : '\nTo try the bot locally without Discord, run `npm run chat`.';
  process.stderr.write(`${error.message}${hint}\n`);
  process.exit(1);
}

try {
  if (config.SHARD_COUNT === 1) await runBotProcess(config);
  else await runShardingManager(config);
} catch (error) {
  // Start-up failures (bad token, unreachable gateway, unreadable index) get one clean line.
  const message = error instanceof UserFacingError ? error.message : (error as Error).message;
  process.stderr.write(`storybot could not start: ${message}\n`);
  process.exit(1);
}
