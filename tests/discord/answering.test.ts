import { describe, expect, it } from 'vitest';
import { prepareQuestion, slotNotice } from '../../src/discord/answering.js';
import { UserFacingError } from '../../src/errors.js';

describe('prepareQuestion', () => {
  it('removes mention ids and invisible characters but keeps the words', () => {
    expect(
      prepareQuestion(
        '<@123456789> <@&987654321> in <#555555555>: who\u200B is the \u202Emayor?',
        1_000,
      ),
    ).toBe('in : who is the mayor?');
  });

  it('keeps non-English text, emoji and markup as typed', () => {
    expect(prepareQuestion('橋はいつ閉鎖されましたか？ 🌉 **now**', 1_000)).toBe(
      '橋はいつ閉鎖されましたか？ 🌉 **now**',
    );
  });

  it('refuses an empty question with an example of what to ask', () => {
    expect(() => prepareQuestion(' \u200B <@123456789> ', 1_000)).toThrow(UserFacingError);
    expect(() => prepareQuestion('', 1_000)).toThrow(/Ask me something about the story/);
  });

  it('refuses a 6,000-character question, saying its length and the limit', () => {
    expect(() => prepareQuestion('why '.repeat(1_500), 1_000)).toThrow(
      'Your question is 5,999 characters long; the limit is 1,000. Please shorten it.',
    );
  });
});

describe('slotNotice', () => {
  it('says how long to wait on cooldown and explains a busy server', () => {
    expect(slotNotice({ ok: false, reason: 'cooldown', retryAfterMs: 2_100 })).toBe(
      "You're asking quickly: try again in 3 s.",
    );
    expect(slotNotice({ ok: false, reason: 'guild-busy' })).toContain('several questions');
  });
});
