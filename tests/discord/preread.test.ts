import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { prereadInBackground } from '../../src/discord/bot.js';
import type { Engine } from '../../src/rag/engine.js';

/** A logger that keeps its lines, and a way to wait for the first with `event`. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  const line = async (event: string) => {
    for (let i = 0; i < 100 && !lines.some((l) => l.event === event); i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    return lines.find((l) => l.event === event);
  };
  return { logger, line };
}

const SECRET = 'not-a-real-secret-0123456789';

describe('reading an index ahead in the bot', () => {
  it('logs how many sentences it read', async () => {
    const { logger, line } = capture();
    const engine = { preread: () => Promise.resolve(42) } as unknown as Engine;
    prereadInBackground(engine, logger, [SECRET]);
    expect(await line('preread')).toMatchObject({ sentences: 42 });
  });

  it('logs a failure in one line, with secrets redacted, and does not throw', async () => {
    const { logger, line } = capture();
    const engine = {
      preread: () => Promise.reject(new Error(`index damaged near ${SECRET}`)),
    } as unknown as Engine;
    expect(() => prereadInBackground(engine, logger, [SECRET])).not.toThrow();
    const failed = await line('preread-failed');
    expect(failed).toBeDefined();
    expect(JSON.stringify(failed)).not.toContain(SECRET);
    expect((failed!.error as { message: string }).message).toContain(
      'index damaged near [redacted]',
    );
  });

  it('does nothing for an engine that cannot read ahead', () => {
    const { logger } = capture();
    expect(() => prereadInBackground({} as Engine, logger, [])).not.toThrow();
  });
});
