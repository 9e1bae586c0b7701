import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedbackStore, type FeedbackRecord } from '../../src/discord/feedback.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'storybot-feedback-'));
  file = path.join(dir, 'nested', 'feedback.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function lines(): Promise<FeedbackRecord[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FeedbackRecord);
}

describe('FeedbackStore', () => {
  it('appends one JSON line per vote with question, answer id, hashed user and time', async () => {
    const store = await FeedbackStore.open(file);
    expect(
      await store.record({
        answerId: 'a1',
        question: 'Who?',
        vote: 'up',
        userId: '123456789012345678',
        at: new Date('2024-01-01T00:00:00Z'),
      }),
    ).toBe('recorded');
    const [record] = await lines();
    expect(record).toEqual({
      time: '2024-01-01T00:00:00.000Z',
      answerId: 'a1',
      question: 'Who?',
      vote: 'up',
      user: store.hashUser('123456789012345678'),
    });
    expect(record!.user).toMatch(/^[0-9a-f]{64}$/);
    expect(await readFile(file, 'utf8')).not.toContain('123456789012345678');
  });

  it('remembers votes across a restart, so the same vote is not written twice', async () => {
    const first = await FeedbackStore.open(file);
    await first.record({ answerId: 'a1', question: 'Who?', vote: 'up', userId: 'u1' });
    const reopened = await FeedbackStore.open(file);
    expect(reopened.voteOf('a1', 'u1')).toBe('up');
    expect(reopened.hashUser('u1')).toBe(first.hashUser('u1'));
    expect(
      await reopened.record({ answerId: 'a1', question: 'Who?', vote: 'up', userId: 'u1' }),
    ).toBe('unchanged');
    expect(
      await reopened.record({ answerId: 'a1', question: 'Who?', vote: 'down', userId: 'u1' }),
    ).toBe('changed');
    expect((await lines()).map((l) => l.vote)).toEqual(['up', 'down']);
  });

  it('keeps every line intact under many concurrent votes', async () => {
    const store = await FeedbackStore.open(file);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.record({
          answerId: `a${i % 7}`,
          question: `q ${'x'.repeat(i)}`,
          vote: i % 2 ? 'up' : 'down',
          userId: `u${i}`,
        }),
      ),
    );
    expect(await lines()).toHaveLength(200);
  });

  it('skips a line cut short by a crash and keeps appending cleanly after it', async () => {
    const store = await FeedbackStore.open(file);
    await store.record({ answerId: 'a1', question: null, vote: 'up', userId: 'u1' });
    await appendFile(file, '{"time":"2024-01-01","answerId":"a2","vo');
    const reopened = await FeedbackStore.open(file);
    expect(reopened.skippedLines).toBe(1);
    await reopened.record({ answerId: 'a3', question: 'q', vote: 'down', userId: 'u2' });
    const text = await readFile(file, 'utf8');
    expect(JSON.parse(text.trim().split('\n').at(-1)!)).toMatchObject({ answerId: 'a3' });
  });

  it('creates a fresh salt when the salt file is unreadable, and never logs raw ids', async () => {
    await FeedbackStore.open(file);
    await writeFile(`${file}.salt`, 'not hex');
    const store = await FeedbackStore.open(file);
    expect((await readFile(`${file}.salt`, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(store.hashUser('u1')).not.toContain('u1');
  });
});
