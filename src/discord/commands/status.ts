import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { Command } from '../command.js';
import { formatStatus } from '../format.js';
import { toMessageOptions } from '../send.js';

/** `/status`: index size and build time, embedder and answerer, uptime, version. */
export default {
  data: new SlashCommandBuilder()
    .setName('status')
    .setDescription('Show the index, the models in use and the uptime.')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM),

  async execute(interaction, ctx) {
    const engine = ctx.engines.peek();
    const shard = interaction.client.shard;
    const view = formatStatus({
      ...(engine ? { info: engine.info(), manifest: engine.manifest } : {}),
      uptimeMs: Date.now() - ctx.startedAt,
      version: ctx.version,
      reindexing: ctx.reindexer.running,
      ...(shard ? { shard: { id: shard.ids[0] ?? 0, count: shard.count } } : {}),
    });
    await interaction.reply(toMessageOptions(view));
  },
} satisfies Command;
