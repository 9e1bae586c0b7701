import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThrottledReporter } from '../../src/discord/reindex/reindexer.js';
import { parseIndexerLine } from '../../src/discord/reindex/runIndexer.js';

describe('parseIndexerLine', () => {
  it('reads progress, done and error events', () => {
    expect(
      parseIndexerLine(
        '{"type":"progress","phase":"embed","done":3,"total":9,"message":"embedded 3/9 chunks"}',
      ),
    ).toEqual({
      type: 'progress',
      phase: 'embed',
      done: 3,
      total: 9,
      message: 'embedded 3/9 chunks',
    });
    expect(parseIndexerLine('{"type":"done","manifest":{"chunks":9}}')).toMatchObject({
      type: 'done',
      manifest: { chunks: 9 },
    });
    expect(
      parseIndexerLine('{"type":"error","message":"bad.json: malformed JSON","file":"bad.json"}'),
    ).toEqual({
      type: 'error',
      message: 'bad.json: malformed JSON',
      file: 'bad.json',
    });
  });

  it('ignores log noise and malformed events', () => {
    for (const line of [
      '',
      'not json',
      '[]',
      '{"type":"progress"}',
      '{"type":"done"}',
      '{"type":"error"}',
      'null',
    ]) {
      expect(parseIndexerLine(line)).toBeUndefined();
    }
  });
});

describe('ThrottledReporter', () => {
  afterEach(() => vi.useRealTimers());

  it('sends at most one progress text per interval, always the latest, then the final text last', async () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const reporter = new ThrottledReporter(
      async (t) => void sent.push(t),
      1_000,
      () => undefined,
      () => Date.now(),
    );
    reporter.update('1');
    await vi.advanceTimersByTimeAsync(0);
    reporter.update('2');
    reporter.update('3');
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toEqual(['1']);
    await vi.advanceTimersByTimeAsync(600);
    expect(sent).toEqual(['1', '3']);
    reporter.update('4');
    await reporter.final('done');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent).toEqual(['1', '3', 'done']);
  });

  it('reports a failed edit to its error handler instead of throwing', async () => {
    const errors: unknown[] = [];
    const reporter = new ThrottledReporter(
      () => Promise.reject(new Error('Unknown interaction')),
      0,
      (e) => errors.push(e),
    );
    await reporter.final('done');
    expect(errors).toHaveLength(1);
  });
});
