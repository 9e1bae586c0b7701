/**
 * Who may re-index. Decided only from what Discord itself resolved for the interaction
 * (`memberPermissions`, the member's roles, the user id), never from command options, so a
 * forged "permission" option changes nothing.
 */
import {
  MessageFlags,
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
  type APIInteractionGuildMember,
  type GuildMember,
  type PermissionsBitField,
} from 'discord.js';
import type { BotConfig } from '../config.js';
import type { BotContext } from './context.js';
import { notices } from './format.js';
import { NO_MENTIONS } from './send.js';

/** The facts an admin decision is made from. */
export interface AdminFacts {
  userId: string;
  /** Permissions Discord computed for the member in this channel; null outside guilds. */
  memberPermissions: Readonly<PermissionsBitField> | null;
  roleIds: readonly string[];
}

/**
 * True when the member has Manage Server (Administrator implies it), or holds one of the
 * configured admin roles, or is one of the configured admin users.
 */
export function isAdmin(
  facts: AdminFacts,
  config: Pick<BotConfig, 'ADMIN_ROLE_IDS' | 'ADMIN_USER_IDS'>,
): boolean {
  if (facts.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  if (config.ADMIN_USER_IDS.includes(facts.userId)) return true;
  return facts.roleIds.some((id) => config.ADMIN_ROLE_IDS.includes(id));
}

/** Role ids of an interaction's member, whether discord.js cached it as a GuildMember or not. */
export function memberRoleIds(
  member: GuildMember | APIInteractionGuildMember | null | undefined,
): string[] {
  if (!member) return [];
  const roles = member.roles;
  if (Array.isArray(roles)) return roles;
  return [...(roles as GuildMember['roles']).cache.keys()];
}

/**
 * True when the interaction's member is an admin; otherwise answers privately that the command is
 * for admins, logs one line, and returns false.
 */
export async function requireAdmin(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<boolean> {
  const facts = {
    userId: interaction.user.id,
    memberPermissions: interaction.memberPermissions,
    roleIds: memberRoleIds(interaction.member),
  };
  if (isAdmin(facts, ctx.config)) return true;
  ctx.logger.info(
    { event: 'admin-refused', command: interaction.commandName, guild: interaction.guildId },
    'non-admin tried an admin command',
  );
  await interaction.reply({
    content: notices.adminOnly(interaction.commandName),
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  });
  return false;
}
