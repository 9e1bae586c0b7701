/**
 * Entry point of one shard process, spawned by the ShardingManager (see sharding.ts). The
 * manager passes the shard id and count through the environment, which discord.js reads.
 */
import { ConfigError, loadBotConfig } from '../config.js';
import { runBotProcess } from './run.js';

try {
  await runBotProcess(loadBotConfig());
} catch (error) {
  process.stderr.write(
    `storybot shard could not start: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`,
  );
  process.exit(1);
}
