import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import type { Command } from '../command.js';
import { formatHelp } from '../format.js';
import { toMessageOptions } from '../send.js';

/** `/help`: what the bot can do, privately. */
export default {
  data: new SlashCommandBuilder()
    .setName('help')
    .setDescription('What this bot can do.')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM),

  async execute(interaction) {
    await interaction.reply({ ...toMessageOptions(formatHelp()), flags: MessageFlags.Ephemeral });
  },
} satisfies Command;
