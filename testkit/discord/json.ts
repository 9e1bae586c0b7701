/**
 * The JSON shapes Discord sends for users, members, roles, channels, forum channels, overwrites and
 * threads (pure builders, shared by the stand-in's modules through the world).
 */
import { snowflake, type Json } from './rules.ts';
import type { StandInOverwrite, StandInUser } from './types.ts';

export const nowIso = () => new Date().toISOString();
export const userJson = (user: StandInUser): Json => ({
  public_flags: 0,
  flags: 0,
  banner: null,
  accent_color: null,
  avatar_decoration_data: null,
  ...user,
});

export const memberJson = (
  user: StandInUser,
  roles: string[] = [],
  nick: string | null = null,
): Json => ({
  user: userJson(user),
  nick,
  avatar: null,
  banner: null,
  roles,
  joined_at: nowIso(),
  premium_since: null,
  deaf: false,
  mute: false,
  flags: 0,
  pending: false,
  communication_disabled_until: null,
});

export function roleJson(id: string, name: string, permissions: bigint, position: number): Json {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0,
  };
}
export function textChannelJson(
  id: string,
  guildId: string,
  name: string,
  type: number,
  position: number,
): Json {
  return {
    id,
    type,
    guild_id: guildId,
    name,
    position,
    permission_overwrites: [],
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    default_auto_archive_duration: 1440,
    flags: 0,
  };
}
export function forumFields(tags: string[]): Json {
  return {
    available_tags: tags.map((name) => ({
      id: snowflake(),
      name,
      moderated: false,
      emoji_id: null,
      emoji_name: null,
    })),
    default_reaction_emoji: null,
    default_thread_rate_limit_per_user: 0,
    default_sort_order: null,
    default_forum_layout: 0,
  };
}
export function overwriteJson(o: StandInOverwrite): Json {
  return {
    id: o.id,
    type: o.type,
    allow: BigInt(o.allow ?? 0n).toString(),
    deny: BigInt(o.deny ?? 0n).toString(),
  };
}
export function threadJson(
  id: string,
  guildId: string,
  parentId: string,
  name: string,
  type: number,
  ownerId: string,
): Json {
  return {
    id,
    type,
    guild_id: guildId,
    parent_id: parentId,
    owner_id: ownerId,
    name,
    last_message_id: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    flags: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: nowIso(),
      locked: false,
      create_timestamp: nowIso(),
    },
  };
}
export const isThread = (channel: Json | undefined) =>
  channel?.type === 10 || channel?.type === 11 || channel?.type === 12;
