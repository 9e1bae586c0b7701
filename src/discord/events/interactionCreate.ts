import { Events, MessageFlags } from 'discord.js';
import { handleButton } from '../buttons.js';
import { replyWithError } from '../errors.js';
import type { BotEvent } from '../event.js';
import { notices } from '../format.js';
import { NO_MENTIONS } from '../send.js';

/** Routes slash commands and button presses; every failure goes through the one error path. */
export default {
  name: Events.InteractionCreate,
  async execute(ctx, interaction) {
    if (!interaction.isChatInputCommand() && !interaction.isButton()) return;
    try {
      if (ctx.closing) {
        await interaction.reply({
          content: notices.shuttingDown(),
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_MENTIONS,
        });
        return;
      }
      if (interaction.isButton()) {
        await handleButton(ctx, interaction);
        return;
      }
      const command = ctx.commands.get(interaction.commandName);
      if (!command) {
        ctx.logger.warn(
          { command: interaction.commandName },
          'unknown command (run npm run deploy-commands)',
        );
        await interaction.reply({
          content: 'This command is not available any more.',
          flags: MessageFlags.Ephemeral,
          allowedMentions: NO_MENTIONS,
        });
        return;
      }
      await command.execute(interaction, ctx);
    } catch (error) {
      await replyWithError(interaction, error, ctx.logger, ctx.secrets);
    }
  },
} satisfies BotEvent<Events.InteractionCreate>;
