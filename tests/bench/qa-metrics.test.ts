import { describe, expect, it } from 'vitest';
import {
  containsGold,
  qaFigures,
  scoreQa,
  shortF1,
  tokenF1,
  type QaQuestion,
} from '../../src/bench/qa-metrics.js';

const q = (answers: string[], impossible = false): QaQuestion => ({
  id: 'x',
  context: 'c',
  question: 'q?',
  answers,
  is_impossible: impossible,
});

describe('reading-comprehension scoring', () => {
  it('finds a gold answer only as whole words of the answer plus its short span', () => {
    const p = { answer: 'The Normans reached Italy. [1]', short: null, refused: false };
    expect(containsGold(p, ['Italy'])).toBe(true);
    expect(containsGold(p, ['Ital'])).toBe(false);
    expect(containsGold({ ...p, refused: true }, ['Italy'])).toBe(false);
  });

  it('scores token F1 on the short span, ignoring case, punctuation and articles', () => {
    expect(tokenF1('the Duke William II', 'Duke William II.')).toBe(1);
    expect(tokenF1('William', 'Duke William II')).toBeCloseTo(0.5);
    expect(shortF1({ answer: 'x', short: 'William', refused: true }, ['William'])).toBe(0);
  });

  it('counts a right outcome for an answered answerable question and a refused unanswerable one', () => {
    const outcomes = [
      scoreQa(q(['1066']), { answer: '1066. In 1066 … [1]', short: '1066', refused: false }, 2),
      scoreQa(q([], true), { answer: "The story doesn't say.", short: null, refused: true }, 1),
      scoreQa(q([], true), { answer: 'Something. [1]', short: null, refused: false }, 3),
      scoreQa(q(['Rollo']), { answer: "The story doesn't say.", short: null, refused: true }, 4),
    ];
    const f = qaFigures(outcomes);
    expect(f.rightOutcome).toBe(0.5);
    expect(f.contains).toBe(0.5);
    expect(f.exact).toBe(0.5);
    expect(f.unanswerableRefused).toBe(0.5);
    expect(f.answerableWronglyRefused).toBe(0.5);
    expect(f.latencyP95Ms).toBe(4);
  });
});
