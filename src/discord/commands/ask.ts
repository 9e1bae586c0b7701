import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { answerQuestion, logAnswered, prepareQuestion, withQuestionSlot } from '../answering.js';
import type { Command } from '../command.js';
import { deliverDeferred } from '../send.js';

/** `/ask question:<text> [private:<bool>]`: a cited answer, private when asked. */
export default {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Ask a question about the story; the answer quotes the articles.')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .addStringOption((option) =>
      option.setName('question').setDescription('Your question').setRequired(true),
    )
    .addBooleanOption((option) =>
      option.setName('private').setDescription('Only you see the answer'),
    ),

  async execute(interaction, ctx) {
    const startedAt = Date.now();
    const question = prepareQuestion(
      interaction.options.getString('question', true),
      ctx.config.MAX_QUESTION_CHARS,
    );
    const ephemeral = interaction.options.getBoolean('private') ?? false;
    await withQuestionSlot(ctx, interaction, async () => {
      await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
      const { answer, replies } = await answerQuestion(ctx, question, [], {
        via: 'slash',
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        userId: interaction.user.id,
        startedAt,
      });
      await deliverDeferred(interaction, replies, ephemeral);
      logAnswered(ctx, {
        via: 'slash',
        guild: interaction.guildId,
        channel: interaction.channelId,
        startedAt,
        answer,
        parts: replies.length,
      });
    });
  },
} satisfies Command;
