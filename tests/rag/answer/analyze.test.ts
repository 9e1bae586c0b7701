import { describe, expect, it } from 'vitest';
import { isFollowUp } from '../../../src/rag/answer/analyze.js';

describe('isFollowUp', () => {
  it.each([
    ['and what about Japan?', true],
    ['What about him?', true],
    ['How about the tariffs?', true],
    ['and when?', true],
    ['Why did she say that?', true],
    ['Japan?', true],
    ['What did Xi tell Trump about Taiwan?', false],
    ['Who is Japan’s new prime minister?', false],
  ])('judges "%s" a follow-up: %s', (question, expected) => {
    expect(isFollowUp(question)).toBe(expected);
  });
});
