import { describe, expect, it } from 'vitest';
import {
  answerTypeOf,
  isFollowUp,
  namedTerms,
  offersAnswerType,
  type AnswerType,
} from '../../../src/rag/answer/analyze.js';
import { tokenize } from '../../../src/rag/text.js';

describe('answerTypeOf', () => {
  const table: Array<[string, AnswerType]> = [
    ['How long did the phone call last?', 'duration'],
    ['For how many days did the talks run?', 'duration'],
    ['How many tons of soybeans has China bought?', 'number'],
    ['By how much did Washington reduce tariffs?', 'number'],
    ['What percentage were tariffs cut by?', 'number'],
    ['When did Xi and Trump last meet?', 'time'],
    ['On what day did the phone call take place?', 'time'],
    ['Which year did the war end?', 'time'],
    ['Why have relations between China and Japan deteriorated?', 'reason'],
    ['What caused the trade frictions?', 'reason'],
    ['Where did Xi and Trump last meet?', 'place'],
    ['Which country did they meet in?', 'place'],
    ['Who confirmed that the call took place?', 'person'],
    ["Whose government rejects China's claims?", 'person'],
    ['Did the US lower import duties on Chinese products?', 'yesno'],
    ['Has Beijing ruled out the use of force?', 'yesno'],
    ['and was it confirmed?', 'yesno'],
    ['What did Xi tell Trump about Taiwan?', 'other'],
    ['Summarize the call', 'other'],
  ];
  it.each(table)('reads "%s" as asking for a %s', (question, type) => {
    expect(answerTypeOf(question)).toBe(type);
  });
});

describe('offersAnswerType', () => {
  const offers = (type: AnswerType, sentence: string, question = ''): boolean =>
    offersAnswerType(
      type,
      sentence,
      tokenize(sentence),
      new Set(tokenize(question).map((t) => t.word)),
    );

  it('finds days, months and years for a time question, and nothing in a timeless sentence', () => {
    expect(offers('time', 'The call took place on Monday.')).toBe(true);
    expect(offers('time', 'They last met in October.')).toBe(true);
    expect(offers('time', 'The treaty was signed in 1951.')).toBe(true);
    expect(offers('time', 'The leaders discussed trade.')).toBe(false);
  });

  it('finds amounts for a number question and spans of time for a duration question', () => {
    expect(offers('number', 'Tariffs were cut by 10%.')).toBe(true);
    expect(offers('number', 'Hundreds of officials attended.')).toBe(true);
    expect(offers('number', 'Officials attended.')).toBe(false);
    expect(offers('duration', 'The talks lasted three hours.')).toBe(true);
    expect(offers('duration', 'The call took place on Monday.')).toBe(false);
  });

  it('finds a cause for a reason question', () => {
    expect(
      offers('reason', 'Relations soured after the prime minister warned of a response.'),
    ).toBe(true);
    expect(offers('reason', 'Relations soured.')).toBe(false);
  });

  it('wants a person or role the question does not already name', () => {
    const question = 'Who confirmed the call?';
    expect(offers('person', 'A White House official confirmed the call.', question)).toBe(true);
    expect(offers('person', 'The call was confirmed.', question)).toBe(false);
    expect(offers('person', 'The president confirmed it.', 'Which president confirmed it?')).toBe(
      false,
    );
  });

  it('wants a proper name that is new to the question for a place question', () => {
    expect(
      offers('place', 'Xi and Trump last met in South Korea.', 'Where did Xi and Trump last meet?'),
    ).toBe(true);
    expect(
      offers('place', 'Xi and Trump last met there.', 'Where did Xi and Trump last meet?'),
    ).toBe(false);
  });

  it('accepts any sentence for yes/no and open questions', () => {
    expect(offers('yesno', 'Nothing relevant.')).toBe(true);
    expect(offers('other', 'Nothing relevant.')).toBe(true);
  });
});

describe('namedTerms', () => {
  it('collects capitalized words after the first, and numbers, as names the story must contain', () => {
    expect(namedTerms('What did Xi say about North Korea in 2019?').map((t) => t.word)).toEqual([
      'xi',
      'north',
      'korea',
      '2019',
    ]);
    expect(namedTerms('Who confirmed the call?')).toEqual([]);
  });
});

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
