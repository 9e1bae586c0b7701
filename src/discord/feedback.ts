/**
 * 👍 / 👎 feedback, appended to a JSON Lines file so it survives restarts and can be read with
 * any tool. User ids are stored only as salted sha256 hashes: enough to keep one vote per user
 * per answer, not enough to tell who voted without the salt file kept next to the store.
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type Vote = 'up' | 'down';

/** One line of the feedback file. */
export interface FeedbackRecord {
  time: string;
  answerId: string;
  /** The question, or null when the answer was no longer in memory (after a restart). */
  question: string | null;
  vote: Vote;
  /** sha256(salt + ":" + Discord user id), hex. */
  user: string;
}

/** Outcome of a vote: new, changed from the other vote, or the same vote again (not written). */
export type VoteOutcome = 'recorded' | 'changed' | 'unchanged';

function isRecord(value: unknown): value is FeedbackRecord {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.answerId === 'string' &&
    typeof v.user === 'string' &&
    (v.vote === 'up' || v.vote === 'down')
  );
}

/** The append-only feedback store; open it with {@link FeedbackStore.open}. */
export class FeedbackStore {
  /** Latest vote per `answerId:userHash`, rebuilt from the file at open. */
  private readonly votes = new Map<string, Vote>();
  /** Appends are chained so lines never interleave, even under many concurrent presses. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly salt: string,
    /** Lines that could not be parsed at open (a crash mid-write leaves at most one). */
    readonly skippedLines: number,
  ) {}

  /** Opens (creating if needed) the store at `file` and its salt at `file + ".salt"`. */
  static async open(file: string): Promise<FeedbackStore> {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const saltFile = `${file}.salt`;
    let salt: string;
    try {
      salt = (await readFile(saltFile, 'utf8')).trim();
    } catch {
      salt = '';
    }
    if (!/^[0-9a-f]{32,}$/.test(salt)) {
      salt = randomBytes(32).toString('hex');
      await writeFile(saltFile, `${salt}\n`, { mode: 0o600 });
    }

    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // A line cut short by a crash must not swallow the next record we append.
    if (text && !text.endsWith('\n')) await appendFile(file, '\n');
    let skipped = 0;
    const valid: FeedbackRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed: unknown = JSON.parse(line);
        if (!isRecord(parsed)) throw new Error('not a feedback record');
        valid.push(parsed);
      } catch {
        skipped += 1;
      }
    }
    const store = new FeedbackStore(file, salt, skipped);
    for (const record of valid) store.votes.set(`${record.answerId}:${record.user}`, record.vote);
    return store;
  }

  /** The stored form of a Discord user id. */
  hashUser(userId: string): string {
    return createHash('sha256').update(`${this.salt}:${userId}`).digest('hex');
  }

  /** Records a vote; pressing the same button twice writes nothing the second time. */
  async record(input: {
    answerId: string;
    question: string | null;
    vote: Vote;
    userId: string;
    at?: Date;
  }): Promise<VoteOutcome> {
    const user = this.hashUser(input.userId);
    const key = `${input.answerId}:${user}`;
    const previous = this.votes.get(key);
    if (previous === input.vote) return 'unchanged';
    this.votes.set(key, input.vote);
    const record: FeedbackRecord = {
      time: (input.at ?? new Date()).toISOString(),
      answerId: input.answerId,
      question: input.question,
      vote: input.vote,
      user,
    };
    const line = `${JSON.stringify(record)}\n`;
    const write = this.queue.then(() => appendFile(this.file, line));
    this.queue = write.catch(() => undefined);
    try {
      await write;
    } catch (error) {
      // Keep memory consistent with the file so a retry writes again.
      if (previous) this.votes.set(key, previous);
      else this.votes.delete(key);
      throw error;
    }
    return previous ? 'changed' : 'recorded';
  }

  /** The current vote of a user on an answer, if any. */
  voteOf(answerId: string, userId: string): Vote | undefined {
    return this.votes.get(`${answerId}:${this.hashUser(userId)}`);
  }

  /** Resolves once every pending append is on disk (used at shutdown). */
  async flush(): Promise<void> {
    await this.queue;
  }
}
