import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { logFailure, redactSecrets, safeError } from '../../src/discord/errors.js';
import { UserFacingError } from '../../src/errors.js';

// Built from parts so that secret scanners do not take this made-up value for a real token.
const token = ['MTIzNDU2Nzg5MDEyMzQ1Njc4', 'GAbCdE', 'abcdefghijklmnopqrstuvwxyz0123456789AB'].join(
  '.',
);

describe('redactSecrets', () => {
  it('removes interaction tokens from webhook and callback URLs', () => {
    const url =
      'https://discord.com/api/v10/webhooks/123456/aW50ZXJhY3Rpb246MTIz/messages/@original';
    expect(redactSecrets(url)).toBe(
      'https://discord.com/api/v10/webhooks/123456/[redacted]/messages/@original',
    );
    expect(redactSecrets('/interactions/99/secret-token/callback')).toBe(
      '/interactions/99/[redacted]/callback',
    );
  });

  it('removes bot tokens, whether given literally or recognised by shape', () => {
    expect(redactSecrets(`Authorization: Bot ${token}`)).not.toContain(token);
    expect(redactSecrets(`oops ${token} leaked`)).toBe('oops [redacted-token] leaked');
    expect(redactSecrets('key sk-live-123456789 here', ['sk-live-123456789'])).toBe(
      'key [redacted] here',
    );
  });
});

describe('safeError', () => {
  it('keeps type, message, status and a scrubbed url and stack', () => {
    const error = Object.assign(new Error('Unknown interaction'), {
      status: 404,
      code: 10062,
      method: 'POST',
      url: 'https://discord.com/api/v10/interactions/1/tok3n/callback',
      requestBody: { json: { content: 'private answer' } },
    });
    const safe = safeError(error);
    expect(safe).toMatchObject({
      type: 'Error',
      message: 'Unknown interaction',
      status: 404,
      code: 10062,
      method: 'POST',
    });
    expect(safe.url).toBe('https://discord.com/api/v10/interactions/1/[redacted]/callback');
    expect(JSON.stringify(safe)).not.toContain('private answer');
  });

  it('describes thrown non-errors', () => {
    expect(safeError('boom')).toEqual({ message: 'boom' });
  });
});

describe('logFailure', () => {
  /** A pino logger writing its JSON lines into `lines`. */
  function capture(lines: Array<Record<string, unknown>>) {
    return pino(
      { level: 'debug', base: undefined },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
  }

  it("logs a user's mistake as one info line with its message and no stack", () => {
    const lines: Array<Record<string, unknown>> = [];
    const error = new UserFacingError('Your question is 1500 characters long; the limit is 1000.');
    logFailure(capture(lines), error, { command: 'ask' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request refused',
      command: 'ask',
      error: { type: 'UserFacingError', message: error.message },
    });
    expect(JSON.stringify(lines[0])).not.toContain('stack');
  });

  it('logs any other failure at error level with its stack', () => {
    const lines: Array<Record<string, unknown>> = [];
    logFailure(capture(lines), new TypeError('boom'), { command: 'ask' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'request failed' });
    expect((lines[0]!.error as { stack: string }).stack).toContain('TypeError: boom');
  });
});
