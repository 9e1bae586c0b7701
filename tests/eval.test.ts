import { describe, expect, it } from 'vitest';
import type { Answer, Citation } from '../src/rag/types.js';
import { scoreAnswer, summarizeOutcomes } from '../src/eval.js';

const BODY =
  'Xi spoke to Trump on Monday. Washington has reduced tariffs on Chinese goods by 10%. Trade was also raised.';
const bodies = new Map([['story', BODY]]);

function cite(n: number, quote: string, articleId = 'story'): Citation {
  return { n, chunkId: `${articleId}#0`, articleId, title: 'Story', quote };
}

function answer(text: string, citations: Citation[], refused = false): Answer {
  return { question: 'q', answer: text, refused, citations, answerer: 'extractive' };
}

const tariffQuestion = {
  id: 'd1',
  kind: 'direct' as const,
  question: 'By how much were tariffs cut?',
  expect: ['10%', 'ten percent'],
  support: 'reduced tariffs on Chinese goods by 10%',
};
const goodQuote = 'Washington has reduced tariffs on Chinese goods by 10%.';

describe('scoreAnswer', () => {
  it('scores a correct, verbatim, well-supported answer as correct on every count', () => {
    const o = scoreAnswer(tariffQuestion, answer(`${goodQuote} [1]`, [cite(1, goodQuote)]), bodies);
    expect(o).toMatchObject({
      id: 'd1',
      kind: 'direct',
      refused: false,
      answerCorrect: true,
      citationCorrect: true,
      verbatim: true,
    });
  });

  it('treats typographic quotes and case as equal when matching expectations', () => {
    const q = {
      ...tariffQuestion,
      expect: ['TARIFFS ON CHINESE GOODS'],
      support: 'Washington has reduced',
    };
    expect(
      scoreAnswer(q, answer(`${goodQuote} [1]`, [cite(1, goodQuote)]), bodies).answerCorrect,
    ).toBe(true);
  });

  it('marks an answer without the expected text as incorrect', () => {
    const quote = 'Xi spoke to Trump on Monday.';
    const o = scoreAnswer(tariffQuestion, answer(`${quote} [1]`, [cite(1, quote)]), bodies);
    expect(o.answerCorrect).toBe(false);
    expect(o.citationCorrect).toBe(false);
    expect(o.verbatim).toBe(true);
  });

  it('marks an answer whose [n] has no citation as incorrect even when its text is right', () => {
    const o = scoreAnswer(tariffQuestion, answer(`${goodQuote} [2]`, [cite(1, goodQuote)]), bodies);
    expect(o.answerCorrect).toBe(false);
  });

  it('marks a quote that is not verbatim in the article as a citation failure', () => {
    const altered = 'Washington has cut tariffs on Chinese goods by 10%.';
    const o = scoreAnswer(tariffQuestion, answer(`${goodQuote} [1]`, [cite(1, altered)]), bodies);
    expect(o.verbatim).toBe(false);
    expect(o.citationCorrect).toBe(false);
  });

  it('never counts a refusal of an answerable question as correct', () => {
    const o = scoreAnswer(tariffQuestion, answer("The story doesn't say.", [], true), bodies);
    expect(o).toMatchObject({ refused: true, answerCorrect: false, citationCorrect: false });
  });

  it('records whether an unanswerable question was refused', () => {
    const q = { id: 'u1', kind: 'unanswerable' as const, question: 'How long was the call?' };
    expect(scoreAnswer(q, answer("The story doesn't say.", [], true), bodies).refused).toBe(true);
    const wrong = scoreAnswer(
      q,
      answer('Xi spoke to Trump on Monday. [1]', [cite(1, 'Xi spoke to Trump on Monday.')]),
      bodies,
    );
    expect(wrong).toMatchObject({ refused: false, answerCorrect: false });
  });
});

describe('summarizeOutcomes', () => {
  it('computes accuracies per kind, refusal accuracy and false refusals', () => {
    const base = { question: 'q', answer: 'a', verbatim: true, cited: true };
    const outcomes = [
      {
        ...base,
        id: 'd1',
        kind: 'direct' as const,
        refused: false,
        answerCorrect: true,
        citationCorrect: true,
      },
      {
        ...base,
        id: 'd2',
        kind: 'direct' as const,
        refused: false,
        answerCorrect: false,
        citationCorrect: true,
      },
      {
        ...base,
        id: 'p1',
        cited: false,
        verbatim: false,
        kind: 'paraphrase' as const,
        refused: true,
        answerCorrect: false,
        citationCorrect: false,
      },
      {
        ...base,
        id: 'p2',
        kind: 'paraphrase' as const,
        refused: false,
        answerCorrect: true,
        citationCorrect: false,
        verbatim: false,
      },
      {
        ...base,
        id: 'u1',
        cited: false,
        verbatim: false,
        kind: 'unanswerable' as const,
        refused: true,
        answerCorrect: false,
        citationCorrect: false,
      },
      {
        ...base,
        id: 'u2',
        kind: 'unanswerable' as const,
        refused: false,
        answerCorrect: false,
        citationCorrect: false,
      },
      {
        ...base,
        id: 'u3',
        cited: false,
        verbatim: false,
        kind: 'unanswerable' as const,
        refused: true,
        answerCorrect: false,
        citationCorrect: false,
      },
    ];
    expect(summarizeOutcomes(outcomes)).toEqual({
      questions: 7,
      answerAccuracy: 0.5,
      directAnswerAccuracy: 0.5,
      paraphraseAnswerAccuracy: 0.5,
      citationAccuracy: 0.5,
      quotesVerbatim: 0.75,
      refusalAccuracy: 0.667,
      falseRefusalRate: 0.25,
    });
  });

  it('reports zero rather than dividing by zero when a kind is absent', () => {
    expect(summarizeOutcomes([])).toMatchObject({
      questions: 0,
      answerAccuracy: 0,
      refusalAccuracy: 0,
    });
  });
});
