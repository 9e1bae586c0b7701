import {
  ChannelType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { UserFacingError } from '../../errors.js';
import { requireAdmin } from '../admin.js';
import type { Command } from '../command.js';
import { describeSettings, parseSettingValue, SETTING_KEYS } from '../configure.js';
import type { BotContext } from '../context.js';
import { NO_MENTIONS } from '../send.js';
import { SETTING_DEFINITIONS, type SettingKey } from '../settings.js';

const CHANNEL_TYPES = [
  ChannelType.GuildText,
  ChannelType.GuildForum,
  ChannelType.GuildAnnouncement,
] as const;

async function tell(interaction: ChatInputCommandInteraction, content: string): Promise<void> {
  await interaction.editReply({ content, allowedMentions: NO_MENTIONS });
}

async function change(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
  reset: boolean,
): Promise<void> {
  const guildId = interaction.guildId!;
  const key = interaction.options.getString('setting', true) as SettingKey;
  const channel = interaction.options.getChannel('channel');
  if (channel && !SETTING_DEFINITIONS[key].perChannel)
    throw new UserFacingError(`${key} applies to the whole server; leave out the channel.`);
  const value = reset
    ? undefined
    : parseSettingValue(key, interaction.options.getString('value', true), ctx.config);
  await ctx.settings.set(guildId, channel?.id ?? '', key, value);
  ctx.logger.info(
    { event: 'config', guild: guildId, channel: channel?.id ?? null, key, reset },
    'setting changed',
  );
  const settings = await ctx.settings.guild(guildId);
  await tell(interaction, describeSettings(settings, channel?.id ?? null));
}

/** `/config show|set|reset`: admins see and change server and channel settings. */
export default {
  data: new SlashCommandBuilder()
    .setName('config')
    .setDescription('See or change how the bot behaves in this server (admins).')
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((sub) =>
      sub
        .setName('show')
        .setDescription('Settings of the server, or of one channel')
        .addChannelOption((o) =>
          o
            .setName('channel')
            .setDescription('A channel')
            .addChannelTypes(...CHANNEL_TYPES),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('set')
        .setDescription('Change a setting for the server, or for one channel')
        .addStringOption((o) =>
          o
            .setName('setting')
            .setDescription('Which setting')
            .setRequired(true)
            .addChoices(...SETTING_KEYS.map((k) => ({ name: k, value: k }))),
        )
        .addStringOption((o) =>
          o.setName('value').setDescription('on/off, a number, or a choice').setRequired(true),
        )
        .addChannelOption((o) =>
          o
            .setName('channel')
            .setDescription('Only in this channel')
            .addChannelTypes(...CHANNEL_TYPES),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('reset')
        .setDescription('Return a setting to the server value (or the default)')
        .addStringOption((o) =>
          o
            .setName('setting')
            .setDescription('Which setting')
            .setRequired(true)
            .addChoices(...SETTING_KEYS.map((k) => ({ name: k, value: k }))),
        )
        .addChannelOption((o) =>
          o
            .setName('channel')
            .setDescription('A channel')
            .addChannelTypes(...CHANNEL_TYPES),
        ),
    ),

  async execute(interaction, ctx) {
    if (!interaction.guildId || !(await requireAdmin(interaction, ctx))) return;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const sub = interaction.options.getSubcommand();
    if (sub === 'show') {
      const channel = interaction.options.getChannel('channel');
      const settings = await ctx.settings.guild(interaction.guildId);
      await tell(interaction, describeSettings(settings, channel?.id ?? null));
      return;
    }
    await change(interaction, ctx, sub === 'reset');
  },
} satisfies Command;
