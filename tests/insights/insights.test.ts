import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/insights.js';
import { openDatabase } from '../../src/db/open.js';
import { StateStore } from '../../src/db/state.js';
import { groupKnowledgeGaps } from '../../src/insights/gaps.js';
import { buildInsights, formatInsights } from '../../src/insights/report.js';

describe('groupKnowledgeGaps', () => {
  it('groups differently worded questions about the same thing and ranks groups by size', () => {
    const gaps = groupKnowledgeGaps([
      'When will the ferry service resume?',
      'when does the ferry service resume',
      'Who pays for the repairs?',
      'When will the ferry service resume?',
      'Is the bike lane open?',
      'who pays for repairs',
    ]);
    expect(gaps[0]).toEqual({ question: 'When will the ferry service resume?', count: 3 });
    expect(gaps[1]).toEqual({ question: 'Who pays for the repairs?', count: 2 });
    expect(gaps).toHaveLength(3);
  });
});

describe('insights from the answer log', () => {
  let dir: string;
  let url: string;
  // Dates relative to today: the command-line test reads "the last N days" from the real clock.
  const now = new Date();
  const dayAgo = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'storybot-insights-'));
    url = path.join(dir, 'state.db');
    const store = await StateStore.open(await openDatabase(url));
    const log = (id: string, day: string, refused: boolean, latencyMs: number, guildId = 'g1') =>
      store.logAnswer({
        id,
        at: new Date(`${day}T00:00:01Z`),
        guildId,
        channelId: 'c',
        userId: '987654321987654321',
        via: 'auto',
        question: refused ? 'When will the ferry resume?' : 'When did it close?',
        refused,
        latencyMs,
        citations: [],
        answerer: 'extractive',
      });
    await log('a', dayAgo(1), false, 10);
    await log('b', dayAgo(1), true, 30);
    await log('c', dayAgo(0), false, 20);
    await log('d', dayAgo(29), true, 99);
    await log('e', dayAgo(0), true, 5, 'g2');
    await store.recordVote({
      answerId: 'a',
      userId: '1',
      vote: 'up',
      question: null,
      guildId: 'g1',
      at: now,
    });
    await store.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts answered and refused per day for one server, with votes and median latency', async () => {
    const database = await openDatabase(url);
    const report = await buildInsights(database.db, { guildId: 'g1', days: 7, now });
    await database.close();
    expect(report.data.perDay.slice(-2)).toEqual([
      { day: dayAgo(1), answered: 1, refused: 1 },
      { day: dayAgo(0), answered: 1, refused: 0 },
    ]);
    expect(report.data).toMatchObject({
      questions: 3,
      refused: 1,
      up: 1,
      down: 0,
      medianLatencyMs: 20,
    });
    expect(report.png.subarray(1, 4).toString()).toBe('PNG');
    const text = formatInsights(report);
    expect(text).toContain('When will the ferry resume? (×1)');
    expect(text).not.toContain('987654321987654321');
  });

  it('writes the chart and prints the figures from the command line', async () => {
    const out = path.join(dir, 'chart.png');
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (
      written.push(chunk),
      true
    )) as typeof process.stdout.write;
    try {
      expect(await main(['--days', '60', '--out', out, '--json'])).toBe(0);
    } finally {
      process.stdout.write = write;
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
    const result = JSON.parse(written.join(''));
    expect(result).toMatchObject({ questions: 5, refused: 3, chart: out });
    expect((await readFile(out)).subarray(1, 4).toString()).toBe('PNG');
    expect(await main(['--days', 'lots'])).toBe(2);
  });
});
