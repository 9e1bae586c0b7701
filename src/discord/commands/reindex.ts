import {
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from 'discord.js';
import { isAdmin, memberRoleIds } from '../admin.js';
import type { Command } from '../command.js';
import { notices } from '../format.js';
import { ReindexBusyError } from '../reindex/reindexer.js';
import { NO_MENTIONS } from '../send.js';

/**
 * `/reindex [file]`: admins rebuild the index from the corpus, optionally adding an article.
 * Discord hides it from non-admins (`default_member_permissions`), and it is checked again here,
 * because server owners can override command permissions.
 */
export default {
  data: new SlashCommandBuilder()
    .setName('reindex')
    .setDescription('Rebuild the index from the corpus (admins).')
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addAttachmentOption((option) =>
      option.setName('file').setDescription('An article to add first (.txt, .md or .json)'),
    ),

  async execute(interaction, ctx) {
    const admin = isAdmin(
      {
        userId: interaction.user.id,
        memberPermissions: interaction.memberPermissions,
        roleIds: memberRoleIds(interaction.member),
      },
      ctx.config,
    );
    if (!admin) {
      ctx.logger.info(
        { event: 'reindex-refused', guild: interaction.guildId },
        'non-admin tried /reindex',
      );
      await interaction.reply({
        content: notices.notAdmin(),
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
      return;
    }
    if (ctx.reindexer.running) throw new ReindexBusyError();
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const file = interaction.options.getAttachment('file');
    await ctx.reindexer.run(
      async (text) => {
        await interaction.editReply({ content: text, allowedMentions: NO_MENTIONS });
      },
      file
        ? { name: file.name, size: file.size, contentType: file.contentType, url: file.url }
        : undefined,
    );
  },
} satisfies Command;
