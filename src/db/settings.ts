/**
 * Settings rows: one JSON value per (server, scope, key), where scope is '' for the whole server
 * or a channel id. What the keys mean lives with the bot (src/discord/settings.ts).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** One stored setting. */
export interface SettingRow {
  scopeId: string;
  key: string;
  value: unknown;
}

/** Every setting stored for a server (server-wide and per channel). Unparseable values are skipped. */
export async function readGuildSettings(
  db: Kysely<Database>,
  guildId: string,
): Promise<SettingRow[]> {
  const rows = await db
    .selectFrom('settings')
    .select(['scope_id', 'key', 'value'])
    .where('guild_id', '=', guildId)
    .execute();
  const parsed: SettingRow[] = [];
  for (const row of rows) {
    try {
      parsed.push({ scopeId: row.scope_id, key: row.key, value: JSON.parse(row.value) });
    } catch {
      // A hand-edited row must not take the server's settings down with it.
    }
  }
  return parsed;
}

/** Stores a setting, or removes it (back to the inherited value) when `value` is undefined. */
export async function writeGuildSetting(
  db: Kysely<Database>,
  guildId: string,
  scopeId: string,
  key: string,
  value: unknown,
): Promise<void> {
  if (value === undefined) {
    await db
      .deleteFrom('settings')
      .where('guild_id', '=', guildId)
      .where('scope_id', '=', scopeId)
      .where('key', '=', key)
      .execute();
    return;
  }
  const row = {
    guild_id: guildId,
    scope_id: scopeId,
    key,
    value: JSON.stringify(value),
    updated_at: Date.now(),
  };
  await db
    .insertInto('settings')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['guild_id', 'scope_id', 'key'])
        .doUpdateSet({ value: row.value, updated_at: row.updated_at }),
    )
    .execute();
}
