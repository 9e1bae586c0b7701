/**
 * Permissions as Discord computes them: the member's roles (with @everyone) give the base, then the
 * channel's overwrites apply in Discord's order (@everyone, then the roles' denies and allows
 * together, then the member's own); a thread uses its parent's overwrites; Administrator and the
 * owner get everything; without View Channel nothing else counts. Routes refuse with Discord's
 * 50001 (Missing Access) or 50013 (Missing Permissions).
 */
import { PermissionFlagsBits } from 'discord.js';
import { ApiError, type Json } from './rules.ts';
import type { World } from './world.ts';

const ALL = (1n << 53n) - 1n;

/** The permission bits of a member in a guild, before channel overwrites. */
export function basePermissions(guild: Json, member: Json, userId: string): bigint {
  if (guild.owner_id === userId) return ALL;
  const roles: Json[] = guild.roles;
  const everyone = roles.find((r) => r.id === guild.id);
  let bits = BigInt(everyone?.permissions ?? 0);
  for (const roleId of member.roles as string[]) {
    const role = roles.find((r) => r.id === roleId);
    if (role) bits |= BigInt(role.permissions);
  }
  return (bits & PermissionFlagsBits.Administrator) !== 0n ? ALL : bits;
}

/** Applies a channel's overwrites to base bits for a member (Discord's documented order). */
export function applyOverwrites(
  base: bigint,
  overwrites: readonly Json[],
  guildId: string,
  member: Json,
  userId: string,
): bigint {
  if (base === ALL) return ALL;
  let bits = base;
  const apply = (o: Json | undefined) => {
    if (!o) return;
    bits &= ~BigInt(o.deny);
    bits |= BigInt(o.allow);
  };
  apply(overwrites.find((o) => o.type === 0 && o.id === guildId));
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && (member.roles as string[]).includes(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  bits = (bits & ~deny) | allow;
  apply(overwrites.find((o) => o.type === 1 && o.id === userId));
  return (bits & PermissionFlagsBits.ViewChannel) === 0n ? 0n : bits;
}

/** Permission checks against one stand-in's world. */
export function createPermissions(world: World) {
  const { channels, guilds, botUser } = world;

  /** What `userId` may do in `channelId` (all bits outside guilds). */
  function permissionsIn(channelId: string, userId: string): bigint {
    const channel = channels.get(channelId);
    if (!channel?.guild_id) return ALL;
    const guild = guilds.get(channel.guild_id);
    const member = guild?.members.get(userId);
    if (!guild || !member) return 0n;
    const source = world.isThread(channel) ? (channels.get(channel.parent_id) ?? channel) : channel;
    const base = basePermissions(guild.api, member, userId);
    return applyOverwrites(base, source.permission_overwrites ?? [], guild.api.id, member, userId);
  }

  /** Throws Discord's error unless the bot has every one of `needed` in the channel. */
  function requireBot(channelId: string, ...needed: bigint[]): void {
    const bits = permissionsIn(channelId, botUser.id);
    if ((bits & PermissionFlagsBits.ViewChannel) === 0n)
      throw new ApiError(403, 50001, 'Missing Access');
    for (const flag of needed)
      if ((bits & flag) === 0n) throw new ApiError(403, 50013, 'Missing Permissions');
  }

  /** The permission to post in a channel: Send Messages, or Send Messages in Threads in a thread. */
  function sendFlag(channelId: string): bigint {
    return world.isThread(channels.get(channelId))
      ? PermissionFlagsBits.SendMessagesInThreads
      : PermissionFlagsBits.SendMessages;
  }

  return { permissionsIn, requireBot, sendFlag };
}

export type Permissions = ReturnType<typeof createPermissions>;
