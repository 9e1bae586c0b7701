import { describe, expect, it } from 'vitest';
import {
  cleanQuestion,
  cleanText,
  defuseLinks,
  neutralizeMentions,
  safeContent,
  safeSnippet,
  ZWSP,
} from '../../src/discord/sanitize.js';

describe('cleanText', () => {
  it('removes zero-width characters that could hide a mention from a filter', () => {
    expect(cleanText('@\u200Beveryone a\u2060b\uFEFFc')).toBe('@everyone abc');
  });

  it('removes right-to-left overrides and isolates that reorder what readers see', () => {
    expect(cleanText('abc\u202Egpj.exe\u202C and \u2066x\u2069')).toBe('abcgpj.exe and x');
  });

  it('removes ANSI escapes and control bytes but keeps newlines and tabs', () => {
    expect(cleanText('\u001B[31mred\u001B[0m\u0000\u0007 ok\n\tnext\r\n')).toBe('red ok\n\tnext\n');
  });

  it('keeps emoji built with zero-width joiners and non-Latin scripts', () => {
    const family = '👨\u200D👩\u200D👧';
    expect(cleanText(`${family} 日本 العربية`)).toBe(`${family} 日本 العربية`);
  });
});

describe('neutralizeMentions', () => {
  it('breaks @everyone and @here in any case', () => {
    const out = neutralizeMentions('hi @everyone and @HERE');
    expect(out).toBe(`hi @${ZWSP}everyone and @${ZWSP}HERE`);
    expect(out).not.toMatch(/@(everyone|here)/i);
  });

  it('breaks user, nickname and role mention syntax', () => {
    const out = neutralizeMentions(
      '<@123456789012345678> <@!123456789012345678> <@&987654321098765432>',
    );
    expect(out).not.toMatch(/<@[!&]?\d+>/);
    expect(out).toContain(`<@${ZWSP}&987654321098765432>`);
  });

  it('survives hostile text that pre-inserted zero-width characters, once cleaned first', () => {
    expect(safeContent(`@\u200Beveryone`)).toBe(`@${ZWSP}everyone`);
  });
});

describe('defuseLinks', () => {
  it('wraps bare links in angle brackets so Discord shows no preview', () => {
    expect(defuseLinks('see https://example.com/a.')).toBe('see <https://example.com/a>.');
  });

  it('leaves links already in angle brackets alone', () => {
    expect(defuseLinks('see <https://example.com/a>')).toBe('see <https://example.com/a>');
  });

  it('unmasks masked links so a label cannot disguise the target', () => {
    expect(defuseLinks('[bank.com](https://evil.example/login)')).toBe(
      'bank.com (<https://evil.example/login>)',
    );
  });
});

describe('safeSnippet', () => {
  it('escapes markdown so a quote cannot open a code block or a spoiler', () => {
    expect(safeSnippet('```js\n||secret|| **bold**')).toBe(
      '\\`\\`\\`js \\|\\|secret\\|\\| \\*\\*bold\\*\\*',
    );
  });

  it('escapes block syntax only at the start', () => {
    expect(safeSnippet('# Title - not a list')).toBe('\\# Title - not a list');
    expect(safeSnippet('-# subtext')).toBe('\\-# subtext');
  });

  it('collapses whitespace to one line', () => {
    expect(safeSnippet('a\n\n  b\tc')).toBe('a b c');
  });
});

describe('cleanQuestion', () => {
  it('trims and collapses spaces but keeps paragraph breaks', () => {
    expect(cleanQuestion('  what   happened?\n\n\n\nand then?  ')).toBe(
      'what happened?\n\nand then?',
    );
  });

  it('reduces a question of only invisible characters to nothing', () => {
    expect(cleanQuestion('\u200B\u200B\u202E \u0007')).toBe('');
  });
});
