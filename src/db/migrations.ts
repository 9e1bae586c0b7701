/**
 * Versioned migrations, run at start by Kysely's Migrator (which records what ran and takes a lock,
 * so two shards starting together do not both migrate). Append new ones; never edit one that
 * shipped.
 */
import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';

const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('settings')
        .addColumn('guild_id', 'text', (c) => c.notNull())
        .addColumn('scope_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('settings_pk', ['guild_id', 'scope_id', 'key'])
        .execute();
      await db.schema
        .createTable('answers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('guild_id', 'text')
        .addColumn('channel_id', 'text')
        .addColumn('user_hash', 'text', (c) => c.notNull())
        .addColumn('via', 'text', (c) => c.notNull())
        .addColumn('question', 'text')
        .addColumn('refused', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .addColumn('citations', 'text', (c) => c.notNull())
        .addColumn('answerer', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('answers_guild_day')
        .on('answers')
        .columns(['guild_id', 'day'])
        .execute();
      await db.schema.createIndex('answers_created').on('answers').column('created_at').execute();
      await db.schema
        .createTable('feedback')
        .addColumn('answer_id', 'text', (c) => c.notNull())
        .addColumn('user_hash', 'text', (c) => c.notNull())
        .addColumn('vote', 'text', (c) => c.notNull())
        .addColumn('question', 'text')
        .addColumn('guild_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('feedback_pk', ['answer_id', 'user_hash'])
        .execute();
      await db.schema
        .createTable('conversations')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('turns', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** The newest migration's name (what a fully migrated database reports). */
export const LATEST_MIGRATION = Object.keys(migrations).at(-1)!;

/** Brings the database to the latest schema; throws naming the migration that failed. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${detail}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
