/**
 * Opens the bot's state database: an embedded SQLite file by default, PostgreSQL when the URL says
 * so (shards on several machines then share one state). One Kysely query layer serves both; the
 * schema is migrated before anything else runs.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { UserFacingError } from '../errors.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/** An open database: the query builder, which engine it is, and how to close it. */
export interface OpenDatabase {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Where it lives, without credentials (for logs). */
  where: string;
  close(): Promise<void>;
}

/** Where a `DATABASE_URL` points: `postgres://…` / `postgresql://…`, else a SQLite file path (`file:` optional). */
export function parseDatabaseUrl(url: string): { kind: DatabaseKind; target: string } {
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', target: url };
  return { kind: 'sqlite', target: url.replace(/^(sqlite|file):(\/\/)?/i, '') };
}

/** The URL with any password replaced, safe to log. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@/]*@/, '$1:***@');
}

// pg returns BIGINT (int8) and COUNT(*) as strings to avoid precision loss; our values are
// millisecond times and counts, far below 2^53.
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

function openSqlite(file: string): Kysely<Database> {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  // WAL lets readers work while one writer appends. With synchronous=NORMAL a commit is in the
  // WAL file (the OS's page cache) when the call returns, so a row we acknowledged survives the
  // process being killed (kill -9, OOM); only an OS crash or power loss may drop the last commits
  // (SQLite's documented WAL guarantee). FULL would fsync every commit: 4 ms median and 20-60 ms
  // spikes measured here, blocking the event loop (better-sqlite3 is synchronous) on every answer.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Another process (a second shard) holding the write lock: wait instead of failing at once.
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

function openPostgres(url: string): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5_000,
    types: pgTypes,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Opens and migrates the database at `url`. A database that cannot be reached or migrated stops
 * the start with a message naming `DATABASE_URL` (never its password).
 */
export async function openDatabase(url: string): Promise<OpenDatabase> {
  const { kind, target } = parseDatabaseUrl(url);
  const where = kind === 'postgres' ? redactDatabaseUrl(target) : target;
  let db: Kysely<Database> | undefined;
  try {
    db = kind === 'postgres' ? openPostgres(target) : openSqlite(target);
    await migrateToLatest(db as unknown as Kysely<unknown>);
  } catch (error) {
    await db?.destroy().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserFacingError(
      `Cannot open the database (DATABASE_URL, ${kind} at ${where}): ${redactDatabaseUrl(reason)}`,
    );
  }
  const opened = db;
  return { db: opened, kind, where, close: () => opened.destroy() };
}
