import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/rag/build.js';
import { openEngine, type Engine } from '../../src/rag/engine.js';
import { formatDay, parseSince, timeIntent, withTimeNote } from '../../src/rag/time.js';
import { eventDay, sinceDay } from '../../src/rag/timeline.js';
import type { Answer } from '../../src/rag/types.js';
import { makeTempDir, removeDir, REPO_ROOT, silenceLogs, testConfig } from '../support/core.js';

/** A dated story over two weeks: a ferry strike from the vote (10 Nov) to services resuming (24 Nov). */
const CORPUS = path.join(REPO_ROOT, 'tests', 'fixtures', 'timeline');
/** "Now" for every question: Wednesday 25 Nov 2026, the day after the last article. */
const NOW = new Date('2026-11-25T09:00:00Z');

let root: string;
let engine: Engine;

beforeAll(async () => {
  silenceLogs();
  root = makeTempDir('storybot-time-');
  const config = testConfig(root, { CORPUS_DIR: CORPUS });
  await buildIndex({ config });
  engine = await openEngine(config);
});
afterAll(() => removeDir(root));

const days = (a: { citations: Array<{ publishedAt?: string }> }) =>
  a.citations.map((c) => c.publishedAt?.slice(0, 10));

describe('reading time in questions', () => {
  it('reads spans back from now: "3 days", "the past week", weekdays, written and ISO dates', () => {
    expect(parseSince('3 days', NOW)).toBe('2026-11-22');
    expect(parseSince('the past week', NOW)).toBe('2026-11-18');
    expect(parseSince('Monday', NOW)).toBe('2026-11-23');
    expect(parseSince('Friday', NOW)).toBe('2026-11-20');
    expect(parseSince('20 Nov', NOW)).toBe('2026-11-20');
    expect(parseSince('2026-11-12', NOW)).toBe('2026-11-12');
    expect(parseSince('20 December', NOW)).toBe('2025-12-20');
    expect(parseSince('the ferry vote', NOW)).toBeUndefined();
    expect(() => sinceDay('whenever', NOW)).toThrow(/not a date I can read/);
  });

  it('tells latest, since, before and after questions from questions that ask nothing about time', () => {
    expect(timeIntent('What is the latest on the strike?', NOW)).toEqual({ kind: 'latest' });
    expect(timeIntent('What changed since Monday?', NOW)).toMatchObject({
      kind: 'since',
      day: '2026-11-23',
    });
    expect(timeIntent('Any news in the last 3 days?', NOW)).toMatchObject({
      kind: 'since',
      day: '2026-11-22',
    });
    expect(timeIntent('What was offered before 20 Nov?', NOW)).toMatchObject({
      kind: 'before',
      day: '2026-11-20',
    });
    expect(timeIntent('What happened after the deal was signed?', NOW)).toMatchObject({
      kind: 'after',
      anchor: 'the deal was signed',
    });
    expect(timeIntent('How many passengers use the ferries?', NOW)).toBeUndefined();
    expect(timeIntent('What changed from Monday onwards?', NOW)).toMatchObject({
      kind: 'since',
      day: '2026-11-23',
    });
    // "from <outlet> on <date>" is where and when a report appeared, not a span up to now.
    expect(
      timeIntent('Did the report from The Harbour Post on 20 Nov mention fares?', NOW),
    ).toBeUndefined();
  });

  it('dates a sentence relative to its article, forwards only for plans', () => {
    expect(eventDay('Crews voted on Monday to strike.', '2026-11-10')).toBe('2026-11-09');
    expect(eventDay('Crossings will resume on Monday, the company said.', '2026-11-20')).toBe(
      '2026-11-23',
    );
    expect(
      eventDay('Talks ended on Friday, and the strike will go on into next week.', '2026-11-14'),
    ).toBe('2026-11-13');
    expect(eventDay('The bridge carries 40,000 vehicles a day.', '2026-11-10')).toBeUndefined();
  });

  it('says which source is newer when the cited articles are from different days', () => {
    const answer: Answer = {
      question: 'q',
      answer: 'Two facts. [1] [2]',
      refused: false,
      answerer: 'extractive',
      citations: [
        { n: 1, chunkId: 'a#0', articleId: 'a', title: 'A', quote: 'x', publishedAt: '2026-11-20' },
        {
          n: 2,
          chunkId: 'b#0',
          articleId: 'b',
          title: 'B',
          quote: 'y',
          publishedAt: '2026-11-25T08:00:00Z',
        },
      ],
    };
    expect(withTimeNote(answer).answer).toBe(
      'Two facts. [1] [2]\n\nAs of 25 Nov 2026 [2], the newest source; older: [1] 20 Nov 2026.',
    );
    expect(withTimeNote({ ...answer, citations: [answer.citations[0]!] }).answer).toBe(
      'Two facts. [1] [2]',
    );
    expect(formatDay('2026-11-05')).toBe('5 Nov 2026');
  });
});

describe('answering with time in mind, on a dated two-week story', () => {
  it('answers "the latest" from the newest article and dates the answer', async () => {
    const a = await engine.ask('What is the latest on the ferry strike?', { now: NOW });
    expect(a.citations[0]!.articleId).toBe('06-services-resume');
    expect(a.answer).toMatch(/^As of 24 Nov 2026: /);
  });

  it('answers "since" from the articles published since then only', async () => {
    const a = await engine.ask('What happened with the ferry strike since 18 Nov?', {
      now: NOW,
    });
    expect(a.refused).toBe(false);
    for (const day of days(a)) expect(day! >= '2026-11-18').toBe(true);
    expect(a.citations.map((c) => c.articleId)).toContain('05-agreement');
  });

  it('answers "before <event>" from the articles published before the event\'s article', async () => {
    const a = await engine.ask('What did Bayline offer before the agreement?', { now: NOW });
    expect(a.refused).toBe(false);
    for (const day of days(a)) expect(day! < '2026-11-20').toBe(true);
  });

  it('leaves "before"/"after" between the claims of a yes/no question to the answerer', async () => {
    // Filtering to the articles after the vote's would drop the vote's own article.
    const after = await engine.ask(
      'Did Coast Radio News report the agreement on pay after the Harbour Gazette reported that crews voted to strike?',
      { now: NOW },
    );
    expect(after.short).toBe('Yes');
    expect(after.citations.map((c) => c.articleId).sort()).toEqual([
      '01-crews-vote',
      '05-agreement',
    ]);
    const before = await engine.ask(
      'Did Coast Radio News report the agreement on pay before the Harbour Gazette reported that crews voted to strike?',
      { now: NOW },
    );
    expect(before.short).toBe('No');
  });

  it('catches up on what is new since a day, oldest first, each article cited', () => {
    const s = engine.catchUp('2026-11-18');
    expect(s.citations.map((c) => c.articleId)).toEqual(['05-agreement', '06-services-resume']);
    expect(s.summary.split('\n')[0]).toBe('Since 18 Nov 2026, 2 articles, oldest first:');
    expect(s.summary).toContain(
      'Coast Radio News, 20 Nov 2026, Deal reached to end Northport ferry strike: Bayline and the ferry',
    );
    const all = engine.catchUp('2026-11-01');
    expect(all.citations.map((c) => c.publishedAt?.slice(0, 10))).toEqual([...days(all)].sort());
    expect(all.citations).toHaveLength(6);
  });

  it('treats "what is new since …" questions as a catch-up, and says when nothing is', async () => {
    const recent = await engine.ask("What's new in the last 3 days?", { now: NOW });
    expect(recent.citations.map((c) => c.articleId)).toEqual(['06-services-resume']);
    const none = engine.catchUp(sinceDay('today', NOW));
    expect(none.summary).toBe(
      'Nothing new since 25 Nov 2026: the newest article is from 24 Nov 2026 ("Ferries back at Northport as crossings resume after strike").',
    );
    expect(none.citations).toEqual([]);
  });

  it('builds a timeline of dated events in the order they happened, each cited verbatim', () => {
    const t = engine.timeline();
    const lines = t.summary.split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      '9 Nov 2026',
      '12 Nov 2026',
      '13 Nov 2026',
      '16 Nov 2026',
      '18 Nov 2026',
      '19 Nov 2026',
      '23 Nov 2026',
      '23 Nov 2026',
      '25 Nov 2026',
    ]);
    expect(lines[0]).toBe(
      '9 Nov 2026: Ferry crews at Northport voted on Monday to strike over pay, after talks with the operator Bayline broke down last month. [1]',
    );
    t.citations.forEach((c, i) => expect(lines[i]).toContain(`${c.quote} [${c.n}]`));
    expect(engine.timeline(3).summary.split('\n').at(-1)).toBe('(3 of 9 dated events shown.)');
  });
});
