import { describe, expect, it } from 'vitest';
import { analyze, analyzeSentence } from '../../../src/rag/nlp/english.js';
import { readQuestion } from '../../../src/rag/answer/question.js';
import { commonWordOnly } from '../../../src/rag/nlp/wordnet.js';

const never = (): boolean => false;

describe('analyzeSentence: a modifier opening a sentence is no name', () => {
  it('reads a capitalized opening adjective or determiner again in lower case', () => {
    for (const sentence of [
      'Several families settled in the valley.',
      'Subsequent to the flood, the mill closed.',
    ]) {
      // The tagger alone takes the opening word for a name…
      expect(analyze(sentence).tokens[0]!.pos).toBe('PROPN');
      // …read again, it is a modifier, written as the sentence writes it.
      const opening = analyzeSentence(sentence, never).tokens[0]!;
      expect(opening.pos).toBe('ADJ');
      expect(sentence.startsWith(opening.text)).toBe(true);
    }
  });

  it('leaves nouns, names WordNet writes capitalized, and words the passage capitalizes mid-sentence', () => {
    // A capitalized noun may head a name.
    expect(analyze('Research has shown it.').tokens[0]!.pos).toBe('PROPN');
    expect(analyzeSentence('Research has shown it.', never).tokens[0]!.pos).toBe('PROPN');
    expect(commonWordOnly('watt')).toBe(false);
    expect(commonWordOnly('several')).toBe(true);
    // "Brave" is an adjective in lower case; the passage's "that Brave blocks ads" says it is a name.
    expect(analyzeSentence('Brave released a browser.', never).tokens[0]!.pos).toBe('ADJ');
    const asked: string[] = [];
    const named = analyzeSentence('Brave released a browser.', (w) => {
      asked.push(w);
      return true;
    });
    expect(asked).toEqual(['Brave']);
    expect(named.tokens[0]!.pos).toBe('PROPN');
  });
});

describe('a hyphened "free" denies the word before it', () => {
  it('marks "tax" of "tax-free" negated, in a sentence and in a question', () => {
    const tokens = analyze('Tax-free shopping is offered at the airport.').tokens;
    expect(tokens[0]!.negated).toBe(true);
    expect(tokens.find((t) => t.word === 'shopping')!.negated).toBe(false);
    expect(readQuestion('What shopping is tax-free?').negated).toBe(true);
    expect(readQuestion('What shopping is taxed?').negated).toBe(false);
  });
});

describe('a negation ends where a new clause joins', () => {
  it('denies the words after "no" up to "and that" or "but", not the clause after', () => {
    const tokens = analyze(
      'The chief said no pilots would lose their jobs and that most cuts would fall on office staff.',
    ).tokens;
    const negated = (word: string) => tokens.find((t) => t.word === word)!.negated;
    expect(negated('pilots')).toBe(true);
    expect(negated('jobs')).toBe(true);
    expect(negated('cuts')).toBe(false);
    expect(negated('staff')).toBe(false);
    const but = analyze('The council did not approve the budget but it praised the plan.').tokens;
    expect(but.find((t) => t.word === 'budget')!.negated).toBe(true);
    expect(but.find((t) => t.word === 'praised')!.negated).toBe(false);
  });
});
