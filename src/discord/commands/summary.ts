import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { newAnswerId } from '../answers.js';
import { prepareQuestion, withQuestionSlot } from '../answering.js';
import type { Command } from '../command.js';
import { formatCitedReplies } from '../format.js';
import { deliverDeferred } from '../send.js';
import { formatDay } from '../../rag/time.js';
import { sinceDay } from '../../rag/timeline.js';
import type { SummaryLength } from '../../rag/types.js';

/** `/summary [length] [focus] [since]`: the story so far, or what is new since a day, cited. */
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
    )
    .addStringOption((option) =>
      option
        .setName('since')
        .setDescription('Only what is new since then: a date ("20 Nov", "Monday") or "3 days"')
        .setMaxLength(60),
    ),

  async execute(interaction, ctx) {
    const startedAt = Date.now();
    const length = (interaction.options.getString('length') ?? 'short') as SummaryLength;
    const rawFocus = interaction.options.getString('focus');
    const focus = rawFocus ? prepareQuestion(rawFocus, ctx.config.MAX_QUESTION_CHARS) : undefined;
    const since = interaction.options.getString('since');
    // Read before deferring: an unreadable date is answered at once, privately.
    const sinceDate = since ? sinceDay(since) : undefined;
    await withQuestionSlot(ctx, interaction, async () => {
      await interaction.deferReply();
      const engine = ctx.engines.current();
      const summary = sinceDate
        ? engine.catchUp(sinceDate)
        : await engine.summarize({ length, ...(focus ? { focus } : {}) });
      const answerId = newAnswerId();
      const question = sinceDate
        ? `new since ${sinceDate}`
        : `summary (${length})${focus ? `: ${focus}` : ''}`;
      ctx.answers.remember(answerId, {
        question,
        answer: summary.summary,
        citations: summary.citations,
        refused: false,
      });
      const heading = sinceDate
        ? `What's new since ${formatDay(sinceDate)}`
        : `Summary (${length})${focus ? `, focus: ${focus.slice(0, 80)}` : ''}`;
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
