/**
 * The state store on both engines: the same tests run against an embedded SQLite file and a
 * throwaway PostgreSQL cluster (started once for this file, on 127.0.0.1).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLegacyFeedback } from '../../src/db/import.js';
import { openDatabase, parseDatabaseUrl, redactDatabaseUrl } from '../../src/db/open.js';
import { StateStore } from '../../src/db/state.js';
import { startPostgres, type PostgresCluster } from '../../testkit/postgres.js';

let dir: string;
let cluster: PostgresCluster;
let pgDatabases = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'storybot-db-'));
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A fresh, empty database of the given kind (a new file, or a new Postgres database). */
async function freshUrl(kind: 'sqlite' | 'postgres'): Promise<string> {
  if (kind === 'sqlite') return path.join(dir, `state-${Math.random().toString(36).slice(2)}.db`);
  const name = `t${++pgDatabases}`;
  const admin = await openDatabase(cluster.url);
  const { sql } = await import('kysely');
  await sql.raw(`CREATE DATABASE ${name}`).execute(admin.db);
  await admin.close();
  return cluster.url.replace(/\/postgres$/, `/${name}`);
}

const entry = (id: string, extra: Partial<Parameters<StateStore['logAnswer']>[0]> = {}) => ({
  id,
  at: new Date('2026-11-20T10:00:00Z'),
  guildId: '111',
  channelId: '222',
  userId: '333444555666',
  via: 'slash',
  question: 'Who closed the bridge?',
  refused: false,
  latencyMs: 12.4,
  citations: ['a#0'],
  answerer: 'extractive',
  ...extra,
});

describe.each(['sqlite', 'postgres'] as const)('the state store on %s', (kind) => {
  it('logs answers with a salted user hash, never the raw user id', async () => {
    const store = await StateStore.open(await openDatabase(await freshUrl(kind)));
    await store.logAnswer(entry('a1'));
    const rows = await store.db.selectFrom('answers').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: 'a1', day: '2026-11-20', refused: 0, latency_ms: 12 });
    expect(JSON.stringify(rows)).not.toContain('333444555666');
    expect(rows[0]!.user_hash).toBe(store.hashUser('333444555666'));
    await store.close();
  });

  it('keeps one vote per user per answer and says when a vote changed', async () => {
    const store = await StateStore.open(await openDatabase(await freshUrl(kind)));
    const vote = (v: 'up' | 'down', userId = 'u1') =>
      store.recordVote({ answerId: 'a1', userId, vote: v, question: 'q', guildId: '1' });
    expect(await vote('up')).toBe('recorded');
    expect(await vote('up')).toBe('unchanged');
    expect(await vote('down')).toBe('changed');
    expect(await vote('up', 'u2')).toBe('recorded');
    expect(await store.voteOf('a1', 'u1')).toBe('down');
    expect(await store.db.selectFrom('feedback').selectAll().execute()).toHaveLength(2);
    await store.close();
  });

  it('keeps its salt and its data across a reopen', async () => {
    const url = await freshUrl(kind);
    const first = await StateStore.open(await openDatabase(url));
    await first.logAnswer(entry('a1'));
    await first.saveConversation(['m1', 't1'], [{ question: 'q', answer: 'a' }]);
    const hash = first.hashUser('42');
    await first.close();
    const second = await StateStore.open(await openDatabase(url));
    expect(second.hashUser('42')).toBe(hash);
    expect(await second.loadConversation('t1')).toEqual([{ question: 'q', answer: 'a' }]);
    expect(await second.loadConversation('nope')).toBeUndefined();
    await second.saveConversation(['t1'], [{ question: 'q2', answer: 'a2' }]);
    expect(await second.loadConversation('t1')).toEqual([{ question: 'q2', answer: 'a2' }]);
    await second.close();
  });

  it('forgets question text past the cutoff but keeps the counts', async () => {
    const store = await StateStore.open(await openDatabase(await freshUrl(kind)));
    await store.logAnswer(entry('old', { at: new Date('2026-10-01T00:00:00Z') }));
    await store.logAnswer(entry('new', { at: new Date('2026-11-29T00:00:00Z') }));
    await store.logAnswer(entry('other', { at: new Date('2026-10-01T00:00:00Z'), guildId: '9' }));
    expect(await store.forgetQuestionsBefore('111', new Date('2026-11-01T00:00:00Z'))).toBe(1);
    const rows = await store.db
      .selectFrom('answers')
      .select(['id', 'question'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: 'new', question: 'Who closed the bridge?' },
      { id: 'old', question: null },
      { id: 'other', question: 'Who closed the bridge?' },
    ]);
    await store.close();
  });

  it('imports the old feedback file once, adopting its salt', async () => {
    const file = path.join(dir, `feedback-${kind}.jsonl`);
    const salt = 'ab'.repeat(32);
    await writeFile(`${file}.salt`, `${salt}\n`);
    const { createHash } = await import('node:crypto');
    const user = createHash('sha256').update(`${salt}:777`).digest('hex');
    await writeFile(
      file,
      [
        JSON.stringify({
          time: '2026-11-01T00:00:00Z',
          answerId: 'x',
          question: 'q',
          vote: 'up',
          user,
        }),
        JSON.stringify({
          time: '2026-11-02T00:00:00Z',
          answerId: 'x',
          question: 'q',
          vote: 'down',
          user,
        }),
        '{"cut short by a crash',
      ].join('\n'),
    );
    const store = await StateStore.open(await openDatabase(await freshUrl(kind)), salt);
    expect(await importLegacyFeedback(store, file)).toEqual({
      imported: 1,
      skippedLines: 1,
      alreadyImported: false,
    });
    expect((await importLegacyFeedback(store, file)).alreadyImported).toBe(true);
    expect(await store.voteOf('x', '777')).toBe('down');
    expect(await readFile(file, 'utf8')).toContain('answerId');
    await store.close();
  });
});

describe('database URLs', () => {
  it('reads postgres URLs as PostgreSQL and anything else as a SQLite file', () => {
    expect(parseDatabaseUrl('postgres://u:p@h/db').kind).toBe('postgres');
    expect(parseDatabaseUrl('postgresql://h/db').kind).toBe('postgres');
    expect(parseDatabaseUrl('file:data/x.db')).toEqual({ kind: 'sqlite', target: 'data/x.db' });
    expect(parseDatabaseUrl('data/x.db')).toEqual({ kind: 'sqlite', target: 'data/x.db' });
  });

  it('never shows a password', () => {
    expect(redactDatabaseUrl('postgres://bot:s3cret@db:5432/x')).toBe(
      'postgres://bot:***@db:5432/x',
    );
  });

  it('refuses an unreachable database with a message naming DATABASE_URL and no password', async () => {
    const error = await openDatabase('postgres://bot:s3cret@127.0.0.1:1/x').catch((e: Error) => e);
    expect(String(error)).toContain('DATABASE_URL');
    expect(String(error)).not.toContain('s3cret');
  });
});
