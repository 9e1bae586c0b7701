import {
  AttachmentBuilder,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from 'discord.js';
import {
  buildInsights,
  DEFAULT_INSIGHTS_DAYS,
  formatInsights,
  MAX_INSIGHTS_DAYS,
} from '../../insights/report.js';
import { requireAdmin } from '../admin.js';
import type { Command } from '../command.js';
import { notice } from '../format.js';
import { toMessageOptions } from '../send.js';

/** `/insights [days]`: admins see questions per day as a chart, feedback, latency and knowledge gaps. */
export default {
  data: new SlashCommandBuilder()
    .setName('insights')
    .setDescription('Questions, answers, feedback and knowledge gaps in this server (admins).')
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addIntegerOption((option) =>
      option
        .setName('days')
        .setDescription(`How many days back (default ${DEFAULT_INSIGHTS_DAYS})`)
        .setMinValue(1)
        .setMaxValue(MAX_INSIGHTS_DAYS),
    ),

  async execute(interaction, ctx) {
    if (!interaction.guildId || !(await requireAdmin(interaction, ctx))) return;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const days = interaction.options.getInteger('days') ?? DEFAULT_INSIGHTS_DAYS;
    const startedAt = Date.now();
    const report = await buildInsights(ctx.state.db, { guildId: interaction.guildId, days });
    await interaction.editReply({
      // notice() breaks any mention a user put in a question and keeps the text within limits.
      ...toMessageOptions(notice(formatInsights(report))),
      files: [new AttachmentBuilder(report.png, { name: 'insights.png' })],
    });
    ctx.logger.info(
      {
        event: 'insights',
        guild: interaction.guildId,
        days,
        questions: report.data.questions,
        latencyMs: Date.now() - startedAt,
        pngBytes: report.png.length,
      },
      'insights shown',
    );
  },
} satisfies Command;
