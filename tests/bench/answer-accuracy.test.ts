import { describe, expect, it } from 'vitest';
import {
  containsAnswer,
  isAnswerCorrect,
  leadingWord,
  normalizeAnswer,
  summarizeAnswers,
  yesNoOf,
} from '../../src/bench/answer-accuracy.js';

describe('normalizeAnswer', () => {
  it('lowercases, drops articles and turns punctuation, curly quotes and dashes into spaces', () => {
    expect(normalizeAnswer('The “Best” — answer, an A-grade one!')).toBe('best answer grade one');
    expect(normalizeAnswer('  Sam   Bankman‑Fried ')).toBe('sam bankman fried');
    expect(normalizeAnswer('Theé a théâtre')).toBe('theé théâtre');
  });
});

describe('containsAnswer', () => {
  it('finds the gold answer as whole words only', () => {
    expect(containsAnswer('Prosecutors say Sam Bankman-Fried lied.', 'Sam Bankman-Fried')).toBe(
      true,
    );
    expect(containsAnswer('Googleplex staff walked out', 'Google')).toBe(false);
    expect(containsAnswer('anything', '')).toBe(false);
  });
});

describe('yesNoOf and leadingWord', () => {
  it('recognizes bare Yes/No gold answers in any case', () => {
    expect(yesNoOf('Yes')).toBe('yes');
    expect(yesNoOf('no')).toBe('no');
    expect(yesNoOf('Not sure')).toBeUndefined();
  });

  it('reads the first word of an answer past punctuation', () => {
    expect(leadingWord('“No.” The report says [1]')).toBe('no');
    expect(leadingWord('')).toBe('');
  });
});

describe('isAnswerCorrect', () => {
  const answered = (answer: string, short?: string | null) => ({ answer, refused: false, short });

  it('requires a Yes/No verdict to lead the answer', () => {
    expect(isAnswerCorrect('Yes', false, answered('Yes. Both said so [1]'))).toBe(true);
    expect(isAnswerCorrect('Yes', false, answered('They said yes [1]'))).toBe(false);
    expect(isAnswerCorrect('no', false, answered('No, it was later [1]'))).toBe(true);
  });

  it('counts a gold answer found in the short field when the text lacks it', () => {
    expect(isAnswerCorrect('Google', false, answered('The company said so [1]', 'Google'))).toBe(
      true,
    );
    expect(isAnswerCorrect('Google', false, answered('The company said so [1]'))).toBe(false);
  });

  it('counts refusals right only for questions without an answer', () => {
    const refusal = { answer: "The story doesn't say.", refused: true };
    expect(isAnswerCorrect('Insufficient information.', true, refusal)).toBe(true);
    expect(isAnswerCorrect('Insufficient information.', true, answered('Maybe [1]'))).toBe(false);
    expect(isAnswerCorrect('Google', false, { ...refusal, short: 'Google' })).toBe(false);
  });
});

describe('summarizeAnswers', () => {
  it('gives accuracy by type and the always-Yes baseline over the Yes/No questions', () => {
    const s = summarizeAnswers(
      [
        { type: 'cmp', gold: 'Yes', correct: false, refused: true },
        { type: 'cmp', gold: 'no', correct: true, refused: false },
        { type: 'cmp', gold: 'Yes', correct: true, refused: false },
        { type: 'inf', gold: 'Google', correct: true, refused: false },
        { type: 'null', gold: 'Insufficient information.', correct: true, refused: true },
      ],
      'null',
    );
    expect(s.all).toEqual({ questions: 5, accuracy: 0.8, refused: 0.4 });
    expect(s.answerable.questions).toBe(4);
    expect(s.answerable.accuracy).toBe(0.75);
    expect(s.byType.cmp!.accuracy).toBeCloseTo(2 / 3);
    expect(s.yesNo.questions).toBe(3);
    expect(s.yesNo.accuracy).toBeCloseTo(2 / 3);
    expect(s.yesNo.alwaysYes).toBeCloseTo(2 / 3);
  });
});
