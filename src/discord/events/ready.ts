import { Events } from 'discord.js';
import type { BotEvent } from '../event.js';

/** Logs that the client is connected (once), with what it serves. */
export default {
  name: Events.ClientReady,
  once: true,
  execute(ctx, client) {
    const engine = ctx.engines.peek();
    ctx.logger.info(
      {
        event: 'ready',
        user: client.user.tag,
        guilds: client.guilds.cache.size,
        shards: client.shard?.ids ?? [0],
        articles: engine?.manifest.articles ?? 0,
        chunks: engine?.manifest.chunks ?? 0,
      },
      'bot ready',
    );
  },
} satisfies BotEvent<Events.ClientReady>;
