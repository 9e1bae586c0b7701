import { describe, expect, it } from 'vitest';
import { lazyLogger, loadPino } from '../src/log.js';

describe('lazyLogger', () => {
  it('creates the real logger only when first used, then forwards calls and settings to it', () => {
    const lines: string[] = [];
    let created = 0;
    const logger = lazyLogger(() => {
      created++;
      return loadPino().pino(
        { level: 'info', base: undefined },
        { write: (line: string) => lines.push(line) },
      );
    });
    expect(created).toBe(0);
    logger.info({ file: 'a.txt' }, 'built');
    logger.level = 'warn';
    logger.info('hidden');
    logger.child({ part: 2 }).warn('shown');
    expect(created).toBe(1);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { msg: 'built', file: 'a.txt' },
      { msg: 'shown', part: 2 },
    ]);
  });
});
