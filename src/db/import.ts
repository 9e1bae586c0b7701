/**
 * One-time import of the feedback JSON Lines file that earlier versions wrote (`FEEDBACK_FILE`).
 * Its user hashes were made with the salt in `FEEDBACK_FILE.salt`; a new database adopts that salt
 * so a user who voted before the move still has one vote per answer.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { StateStore } from './state.js';

interface LegacyRecord {
  time?: string;
  answerId: string;
  question?: string | null;
  vote: 'up' | 'down';
  user: string;
}

function isLegacyRecord(value: unknown): value is LegacyRecord {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.answerId === 'string' &&
    typeof v.user === 'string' &&
    (v.vote === 'up' || v.vote === 'down')
  );
}

/** The salt of a legacy feedback file, when there is one. */
export async function readLegacySalt(file: string): Promise<string | undefined> {
  try {
    return (await readFile(`${file}.salt`, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** What an import did. */
export interface ImportResult {
  imported: number;
  skippedLines: number;
  alreadyImported: boolean;
}

/**
 * Imports `file` into the feedback table unless this file was imported before (recorded in
 * `meta`). A missing file imports nothing; unreadable lines are counted and skipped; the latest
 * vote of each user on each answer wins, as it did in the file.
 */
export async function importLegacyFeedback(store: StateStore, file: string): Promise<ImportResult> {
  const key = `imported_feedback:${path.resolve(file)}`;
  const done = await store.db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  if (done) return { imported: 0, skippedLines: 0, alreadyImported: true };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { imported: 0, skippedLines: 0, alreadyImported: false };
    throw error;
  }
  const latest = new Map<string, LegacyRecord>();
  let skippedLines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (!isLegacyRecord(parsed)) throw new Error('not a feedback record');
      latest.set(`${parsed.answerId}:${parsed.user}`, parsed);
    } catch {
      skippedLines += 1;
    }
  }
  const rows = [...latest.values()].map((r) => ({
    answer_id: r.answerId,
    user_hash: r.user,
    vote: r.vote,
    question: r.question ?? null,
    guild_id: null,
    created_at: Date.parse(r.time ?? '') || Date.now(),
  }));
  await store.db.transaction().execute(async (trx) => {
    // Batches keep each statement under the engines' bound-parameter limits.
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto('feedback')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['answer_id', 'user_hash']).doNothing())
        .execute();
    }
    await trx.insertInto('meta').values({ key, value: new Date().toISOString() }).execute();
  });
  return { imported: rows.length, skippedLines, alreadyImported: false };
}
