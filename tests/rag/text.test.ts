import { describe, expect, it } from 'vitest';
import { cleanUserText, contentStems, fold, splitSentences, tokenize } from '../../src/rag/text.js';

/** The sentences of `text` as strings, via the spans the splitter returns. */
const sentences = (text: string): string[] =>
  splitSentences(text).map((s) => text.slice(s.start, s.end));

describe('splitSentences', () => {
  it('ends a sentence at terminal punctuation followed by a capital', () => {
    expect(sentences('The vote passed. Critics objected! Was it fair? Nobody knows.')).toEqual([
      'The vote passed.',
      'Critics objected!',
      'Was it fair?',
      'Nobody knows.',
    ]);
  });

  it('does not end a sentence after a title abbreviation such as Mr. or Dr.', () => {
    expect(sentences('Mr. Smith went to Washington. He met Dr. Jones there.')).toEqual([
      'Mr. Smith went to Washington.',
      'He met Dr. Jones there.',
    ]);
  });

  it('does not end a sentence inside U.S. or after an initial', () => {
    expect(
      sentences('The U.S. economy grew. John F. Kennedy spoke first. Then the crowd left.'),
    ).toEqual(['The U.S. economy grew.', 'John F. Kennedy spoke first.', 'Then the crowd left.']);
  });

  it('does not split decimals such as 3.5', () => {
    expect(sentences('Output grew 3.5 percent in the quarter. Analysts expected 2.75.')).toEqual([
      'Output grew 3.5 percent in the quarter.',
      'Analysts expected 2.75.',
    ]);
  });

  it('keeps closing quotes with the sentence they close', () => {
    expect(
      sentences(
        '"We will fight," he said. "We will win." She asked: “Is it over?” Nobody answered.',
      ),
    ).toEqual([
      '"We will fight," he said.',
      '"We will win."',
      'She asked: “Is it over?”',
      'Nobody answered.',
    ]);
  });

  it('ends a sentence at a line break even without punctuation', () => {
    expect(
      sentences('A headline without a period\nThe first sentence.\n\nA new paragraph.'),
    ).toEqual(['A headline without a period', 'The first sentence.', 'A new paragraph.']);
  });

  it('splits Chinese text at its full stops', () => {
    expect(sentences('习近平与特朗普通话。双方讨论了台湾问题。')).toEqual([
      '习近平与特朗普通话。',
      '双方讨论了台湾问题。',
    ]);
  });

  it('shifts every span by the given offset', () => {
    const text = 'One. Two.';
    const spans = splitSentences(text, 100);
    expect(spans).toEqual([
      { start: 100, end: 104 },
      { start: 105, end: 109 },
    ]);
  });

  it('returns spans with no surrounding whitespace, and none for blank text', () => {
    const text = '   Padded sentence.   \n\n   ';
    expect(sentences(text)).toEqual(['Padded sentence.']);
    expect(splitSentences(' \n\t ')).toEqual([]);
  });
});

describe('tokenize', () => {
  it('reads "US" and "U.S." as the country, distinct from the pronoun "us"', () => {
    const words = tokenize('The U.S. and the US told us').map((t) => t.word);
    expect(words).toEqual(['the', 'usa', 'and', 'the', 'usa', 'told', 'us']);
  });

  it('folds case, accents and possessives, and records positions and capitals', () => {
    const text = "Élysée said China's exports";
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.word)).toEqual(['elysee', 'said', 'china', 'exports']);
    expect(tokens.map((t) => text.slice(t.start, t.end))).toEqual([
      'Élysée',
      'said',
      "China's",
      'exports',
    ]);
    expect(tokens.map((t) => t.capitalized)).toEqual([true, false, true, false]);
    expect(tokens[3]!.stem).toBe('export');
  });
});

describe('contentStems and fold', () => {
  it('drops stopwords and stems what remains', () => {
    expect(contentStems('What did the officials say about the tariffs?')).toEqual([
      'offici',
      'tariff',
    ]);
  });

  it('folds accents and case so different spellings meet', () => {
    expect(fold('Ünïcödé CAFÉ')).toBe('unicode cafe');
  });
});

describe('cleanUserText', () => {
  it('strips ANSI escape sequences', () => {
    expect(cleanUserText('\u001b[31mred\u001b[0m and \u001b[1;4mbold\u001b[m')).toBe(
      'red and bold',
    );
  });

  it('strips terminal strings such as window titles and hyperlinks, keeping the link text', () => {
    expect(cleanUserText('\u001b]0;pwned\u0007Where did they meet?')).toBe('Where did they meet?');
    expect(
      cleanUserText('see \u001b]8;;https://evil.example\u001b\\this\u001b]8;;\u001b\\ now'),
    ).toBe('see this now');
  });

  it('removes zero-width characters and byte-order marks that could hide words', () => {
    expect(cleanUserText('Tai\u200bwan\u200d and \ufeffJa\u2060pan')).toBe('Taiwan and Japan');
  });

  it('removes right-to-left overrides and isolates', () => {
    expect(cleanUserText('abc\u202edcba\u202c \u2066x\u2069 \u200fy')).toBe('abcdcba x y');
  });

  it('turns control bytes into spaces and collapses whitespace', () => {
    expect(cleanUserText('bell\u0007nul\u0000del\u007f  tab\tnew\nline\r\n  ')).toBe(
      'bell nul del tab new line',
    );
  });

  it('leaves ordinary text, emoji and non-Latin scripts alone', () => {
    expect(cleanUserText('Was hat Xi gesagt? 🤔 习近平说了什么？')).toBe(
      'Was hat Xi gesagt? 🤔 习近平说了什么？',
    );
  });
});
