/**
 * Button presses: Sources (full quotes, privately), 👍/👎 feedback, and /sources paging.
 */
import { MessageFlags, type ButtonInteraction } from 'discord.js';
import type { BotContext } from './context.js';
import { staleQuoteNotices } from './corrections.js';
import { formatArticlesPage, formatFullQuotes, notices, parseCustomId } from './format.js';
import { NO_MENTIONS, replyPrivately, toMessageOptions } from './send.js';

async function tellPrivately(interaction: ButtonInteraction, content: string): Promise<void> {
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}

/** Handles a press on one of our buttons; presses on anything else are answered politely. */
export async function handleButton(ctx: BotContext, interaction: ButtonInteraction): Promise<void> {
  const action = parseCustomId(interaction.customId);
  if (!action) {
    await tellPrivately(interaction, 'This button is no longer active.');
    return;
  }
  switch (action.kind) {
    case 'sources': {
      const remembered = ctx.answers.get(action.answerId);
      if (!remembered) return tellPrivately(interaction, notices.answerExpired());
      const stale = staleQuoteNotices(ctx.engines.peek(), remembered.citations);
      await replyPrivately(interaction, formatFullQuotes(remembered.citations, stale));
      return;
    }
    case 'vote': {
      const remembered = ctx.answers.get(action.answerId);
      // After a restart the question comes from the answer log (null if the server keeps none).
      const facts = remembered ? undefined : await ctx.state.answerFacts(action.answerId);
      const settings = await ctx.settings.forChannel(interaction.guildId, interaction.channelId);
      const outcome = await ctx.state.recordVote({
        answerId: action.answerId,
        question: settings.keepQuestions ? (remembered?.question ?? facts?.question ?? null) : null,
        vote: action.vote,
        userId: interaction.user.id,
        guildId: interaction.guildId,
      });
      ctx.logger.info(
        { event: 'feedback', vote: action.vote, outcome, guild: interaction.guildId },
        'feedback',
      );
      await tellPrivately(
        interaction,
        outcome === 'unchanged' ? notices.voteUnchanged() : notices.voteRecorded(action.vote),
      );
      return;
    }
    case 'page': {
      const articles = ctx.engines.current().articles;
      await interaction.update(toMessageOptions(formatArticlesPage(articles, action.page)));
      return;
    }
  }
}
