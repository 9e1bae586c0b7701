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
import { UserFacingError } from '../../errors.js';

/**
 * `/reindex [file] [url]`: admins rebuild the index from the corpus, optionally adding an article
 * (an uploaded file, or a link fetched and extracted in reader mode).
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
    )
    .addStringOption((option) =>
      option
        .setName('url')
        .setDescription('A link to a news article to add first')
        .setMaxLength(2_000),
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
    const url = interaction.options.getString('url') ?? undefined;
    if (file && url) throw new UserFacingError('Give either a file or a link, not both.');
    await ctx.reindexer.run(
      async (text) => {
        await interaction.editReply({ content: text, allowedMentions: NO_MENTIONS });
      },
      file
        ? { name: file.name, size: file.size, contentType: file.contentType, url: file.url }
        : undefined,
      url,
    );
  },
} satisfies Command;
