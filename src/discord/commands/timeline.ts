import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { newAnswerId } from '../answers.js';
import { withQuestionSlot } from '../answering.js';
import type { Command } from '../command.js';
import { formatCitedReplies } from '../format.js';
import { deliverDeferred } from '../send.js';

/** `/timeline`: dated events across the corpus, in the order they happened, each cited. */
export default {
  data: new SlashCommandBuilder()
    .setName('timeline')
    .setDescription('Dated events of the story, in order, each citing its article.')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM),

  async execute(interaction, ctx) {
    await withQuestionSlot(ctx, interaction, async () => {
      await interaction.deferReply();
      const timeline = ctx.engines.current().timeline();
      const answerId = newAnswerId();
      ctx.answers.remember(answerId, {
        question: 'timeline',
        answer: timeline.summary,
        citations: timeline.citations,
        refused: timeline.citations.length === 0,
      });
      const replies = formatCitedReplies(
        { text: timeline.summary, citations: timeline.citations },
        { answerId, heading: 'Timeline' },
      );
      await deliverDeferred(interaction, replies, false);
      ctx.logger.info(
        { event: 'timeline', guild: interaction.guildId, citations: timeline.citations.length },
        'timeline shown',
      );
    });
  },
} satisfies Command;
