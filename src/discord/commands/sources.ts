import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { Command } from '../command.js';
import { formatArticlesPage } from '../format.js';
import { toMessageOptions } from '../send.js';

/** `/sources`: the indexed articles, ten per page (Previous/Next buttons page through). */
export default {
  data: new SlashCommandBuilder()
    .setName('sources')
    .setDescription('List the articles the bot has indexed.')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM),

  async execute(interaction, ctx) {
    const articles = ctx.engines.current().articles;
    await interaction.reply(toMessageOptions(formatArticlesPage(articles, 0)));
  },
} satisfies Command;
