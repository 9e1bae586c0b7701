/**
 * What /config does, as plain functions: read a typed value for a setting from what an admin
 * typed, and describe a server's settings (server-wide and for one channel).
 */
import { UserFacingError } from '../errors.js';
import type { BotConfig } from '../config.js';
import {
  SETTING_DEFINITIONS,
  type ChannelSettings,
  type GuildSettings,
  type SettingKey,
} from './settings.js';

/** The setting names, as /config offers them. */
export const SETTING_KEYS = Object.keys(SETTING_DEFINITIONS) as SettingKey[];

const TRUE_WORDS = new Set(['on', 'true', 'yes', '1', 'enable', 'enabled']);
const FALSE_WORDS = new Set(['off', 'false', 'no', '0', 'disable', 'disabled']);

/**
 * The typed value of `raw` for `key` ("on" → true, "30" → 30…). Throws a user-facing error naming
 * what is accepted; `openai` is refused when no model server is configured.
 */
export function parseSettingValue(key: SettingKey, raw: string, config: BotConfig): unknown {
  const text = raw.trim().toLowerCase();
  const definition = SETTING_DEFINITIONS[key];
  let candidate: unknown = text;
  if (TRUE_WORDS.has(text)) candidate = true;
  else if (FALSE_WORDS.has(text)) candidate = false;
  else if (/^\d+$/.test(text)) candidate = Number(text);
  const parsed = definition.schema.safeParse(candidate);
  if (!parsed.success)
    throw new UserFacingError(
      `\`${raw.slice(0, 50)}\` is not a value for ${key}: ${acceptedValues(key)}.`,
    );
  if (key === 'answerer' && parsed.data === 'openai' && config.ANSWERER !== 'openai')
    throw new UserFacingError(
      'This bot runs without a model server (ANSWERER=extractive), so only `extractive` is available.',
    );
  return parsed.data;
}

/** What a setting accepts, in words. */
export function acceptedValues(key: SettingKey): string {
  switch (key) {
    case 'autoReply':
    case 'keepQuestions':
      return 'on or off';
    case 'replyMode':
      return 'thread or inline';
    case 'cooldownSeconds':
      return 'a number of seconds from 0 to 3600';
    case 'answerer':
      return 'extractive or openai';
    case 'unanswered':
      return 'note or silent';
    case 'retentionDays':
      return 'a number of days from 1 to 3650';
  }
}

function shown(value: unknown): string {
  if (value === true) return 'on';
  if (value === false) return 'off';
  return String(value);
}

/** Text of the settings in effect in a channel, marking which come from the channel itself. */
export function describeSettings(settings: GuildSettings, channelId: string | null): string {
  const effective: ChannelSettings = settings.forChannel(channelId);
  const own = new Set(settings.rows.filter((r) => r.scopeId === channelId).map((r) => r.key));
  const server = new Set(settings.rows.filter((r) => r.scopeId === '').map((r) => r.key));
  const lines = SETTING_KEYS.map((key) => {
    const from =
      own.has(key) && SETTING_DEFINITIONS[key].perChannel
        ? 'this channel'
        : server.has(key)
          ? 'server'
          : 'default';
    return `- **${key}**: ${shown(effective[key])} (${from}) · ${SETTING_DEFINITIONS[key].help}`;
  });
  const auto = settings.autoReplyChannels();
  const autoLine = auto.length > 0 ? auto.map((id) => `<#${id}>`).join(', ') : 'none';
  return [
    channelId ? `**Settings in <#${channelId}>**` : '**Server settings**',
    ...lines,
    `Auto-reply channels: ${autoLine}`,
    '-# Change one with `/config set setting:<name> value:<value> [channel:#channel]`; `/config reset` returns it to the server default.',
  ].join('\n');
}
