/**
 * Past one process, discord.js's ShardingManager runs one child process per shard. Every shard
 * opens the same index read-only; a re-index in one shard tells the others to reload through
 * `broadcastEval` (see bot.ts).
 */
import { ShardingManager } from 'discord.js';
import type { BotConfig } from '../config.js';
import { siblingEntry } from '../entry.js';
import { log } from '../log.js';

/** The script each shard process runs (compiled, or the source through tsx). */
const SHARD = siblingEntry(import.meta.url, './shardMain.ts');
export const SHARD_ENTRY = SHARD.script;

export interface ShardingOptions {
  /** Pause between two shard spawns (Discord allows one IDENTIFY per 5 s per bucket). */
  spawnDelayMs?: number;
  /** Install SIGINT/SIGTERM handlers that stop the shards and exit (the CLI does; tests do not). */
  handleSignals?: boolean;
}

/** A running set of shards. */
export interface RunningShards {
  manager: ShardingManager;
  /** Stops every shard gracefully (each finishes its in-flight answers) and waits for them. */
  stop(): Promise<void>;
}

/** Spawns the shards (`SHARD_COUNT`, or Discord's recommendation for `auto`) and supervises them. */
export async function runShardingManager(
  config: BotConfig,
  options: ShardingOptions = {},
): Promise<RunningShards> {
  const logger = log();
  const manager = new ShardingManager(SHARD_ENTRY, {
    token: config.DISCORD_TOKEN,
    totalShards: config.SHARD_COUNT,
    mode: 'process',
    respawn: true,
    execArgv: SHARD.execArgv,
  });
  manager.on('shardCreate', (shard) => {
    logger.info(
      { event: 'shard-spawn', shard: shard.id, total: manager.totalShards },
      'shard started',
    );
    shard.on('death', () =>
      logger.warn({ event: 'shard-death', shard: shard.id }, 'shard process exited'),
    );
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // No respawns from here on; each shard finishes its in-flight answers on SIGTERM.
      manager.respawn = false;
      logger.info({ event: 'shutdown', shards: manager.shards.size }, 'stopping shards');
      await Promise.all(
        [...manager.shards.values()].map(
          (shard) =>
            new Promise<void>((resolve) => {
              const child = shard.process;
              if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    })();
    return stopping;
  };
  if (options.handleSignals ?? true) {
    const onSignal = () => void stop().then(() => process.exit(0));
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  await manager.spawn({ delay: options.spawnDelayMs ?? 5_500, timeout: 120_000 });
  return { manager, stop };
}
