import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { newAnswerId } from '../answers.js';
import { prepareQuestion, withQuestionSlot } from '../answering.js';
import type { Command } from '../command.js';
import { formatCitedReplies } from '../format.js';
import { deliverDeferred } from '../send.js';
import type { SummaryLength } from '../../rag/types.js';

/** `/summary [length] [focus]`: the story so far, cited. */
export default {
  data: new SlashCommandBuilder()
    .setName('summary')
    .setDescription('Summarize the story, citing the articles.')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .addStringOption((option) =>
      option
        .setName('length')
        .setDescription('How long (default: short)')
        .addChoices(
          { name: 'short', value: 'short' },
          { name: 'medium', value: 'medium' },
          { name: 'long', value: 'long' },
        ),
    )
    .addStringOption((option) =>
      option.setName('focus').setDescription('An aspect to focus on, e.g. "the investigation"'),
    ),

  async execute(interaction, ctx) {
    const startedAt = Date.now();
    const length = (interaction.options.getString('length') ?? 'short') as SummaryLength;
    const rawFocus = interaction.options.getString('focus');
    const focus = rawFocus ? prepareQuestion(rawFocus, ctx.config.MAX_QUESTION_CHARS) : undefined;
    await withQuestionSlot(ctx, interaction, async () => {
      await interaction.deferReply();
      const summary = await ctx.engines
        .current()
        .summarize({ length, ...(focus ? { focus } : {}) });
      const answerId = newAnswerId();
      const question = `summary (${length})${focus ? `: ${focus}` : ''}`;
      ctx.answers.remember(answerId, {
        question,
        answer: summary.summary,
        citations: summary.citations,
        refused: false,
      });
      const heading = `Summary (${length})${focus ? `, focus: ${focus.slice(0, 80)}` : ''}`;
      const replies = formatCitedReplies(
        { text: summary.summary, citations: summary.citations, note: summary.note },
        { answerId, heading },
      );
      await deliverDeferred(interaction, replies, false);
      ctx.logger.info(
        {
          event: 'summary',
          guild: interaction.guildId,
          channel: interaction.channelId,
          latencyMs: Date.now() - startedAt,
          citations: summary.citations.length,
          length,
        },
        'summarized',
      );
    });
  },
} satisfies Command;
