import { describe, expect, it } from 'vitest';
import { nearSpelling, readQuestion, readSentence } from '../../../src/rag/answer/reader.js';
import { analyze } from '../../../src/rag/nlp/english.js';
import { isKnownPlace, placeRelation } from '../../../src/rag/nlp/gazetteer.js';
import { antonymsOf } from '../../../src/rag/nlp/wordnet.js';

describe('the gazetteer', () => {
  it('treats a country, its demonym and its short forms as one place, and a capital as related', () => {
    expect(placeRelation('Chinese', 'China')).toBe(1);
    expect(placeRelation('U.S.', 'United States')).toBe(1);
    expect(placeRelation('Beijing', 'China')).toBe(0.6);
    expect(placeRelation('Tokyo', 'China')).toBe(0);
    expect(isKnownPlace('Beijing')).toBe(true);
    expect(isKnownPlace('Thursday')).toBe(false);
  });
});

describe('WordNet opposites', () => {
  it('lists direct antonyms and those a satellite adjective inherits from its head', () => {
    expect(antonymsOf('rise')).toContain('fall');
    expect(antonymsOf('accept')).toContain('reject');
    expect(antonymsOf('enormous')).toContain('small');
  });
});

describe('readQuestion', () => {
  it.each([
    ['When did the bridge reopen?', 'time'],
    ['How many days did the strike last?', 'number'],
    ['How long did the repairs take?', 'duration'],
    ['Who patronized the monks?', 'person'],
    ['What is the name of the official?', 'name'],
    ['What did the mayor say about the budget?', 'open'],
    ['Did the council approve the plan?', 'yesno'],
  ])('reads "%s" as asking for %s', (question, kind) => {
    expect(readQuestion(question).askedFor).toBe(kind);
  });

  it('knows whether the question asks for the subject or the object of its verb', () => {
    expect(readQuestion('Who patronized the monks?')).toMatchObject({
      verb: 'patronize',
      asksSubject: true,
    });
    expect(readQuestion('Whom did the abbot meet?').asksSubject).toBe(false);
  });
});

describe('readSentence', () => {
  const read = (question: string, sentence: string) =>
    readSentence(readQuestion(question), sentence, analyze(sentence));

  it('takes the span of the asked-for kind, not words of the question', () => {
    expect(
      read('When did the bridge reopen?', 'The bridge reopened on 4 May 2021.').short?.text,
    ).toBe('4 May 2021');
    expect(
      read('Who patronized the monks?', 'The monks were patronised by Robert Guiscard in Italy.')
        .short?.text,
    ).toBe('Robert Guiscard');
  });

  it('flags a negation the question has and the sentence lacks, and an opposite word', () => {
    expect(
      read('What did the council not approve?', 'The council approved the budget.')
        .negationMismatch,
    ).toBe(true);
    expect(read('Why did prices rise?', 'Prices fell after the harvest.').antonym).toBe(true);
  });

  it('does not count a bare "in years" as a duration', () => {
    expect(
      read('How long did the strike last?', 'It was the worst strike in years.').short,
    ).toBeUndefined();
  });
});

describe('nearSpelling', () => {
  it('tolerates one typo in a name, two in a long one, never a different first letter', () => {
    expect(nearSpelling('zeria', 'zeira')).toBe(true);
    expect(nearSpelling('kelven', 'kelvin')).toBe(true);
    expect(nearSpelling('zeria', 'feria')).toBe(false);
    expect(nearSpelling('china', 'chile')).toBe(false);
  });
});
