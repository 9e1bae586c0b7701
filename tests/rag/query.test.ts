import { describe, expect, it } from 'vitest';
import {
  daysApart,
  findDates,
  questionParts,
  SourceMatcher,
  sourceAliases,
} from '../../src/rag/query.js';
import { STOPWORDS, tokenize } from '../../src/rag/text.js';

const words = (text: string): string[] =>
  tokenize(text)
    .filter((t) => !STOPWORDS.has(t.word))
    .map((t) => t.word);

const SOURCES = [
  'TechCrunch',
  'The Verge',
  'FOX News - Health',
  'FOX News - Lifestyle',
  'The Age',
  'Wired',
  'Fortune',
];

describe('sourceAliases', () => {
  it('offers the full name, the name before a section, and both without "The"', () => {
    expect(sourceAliases('FOX News - Health')).toEqual(['fox news - health', 'fox news']);
    expect(sourceAliases('The Verge')).toEqual(['the verge', 'verge']);
    expect(sourceAliases('Cnbc | World Business News Leader')).toContain('cnbc');
  });

  it('drops aliases too short to be a name', () => {
    expect(sourceAliases('The AP')).toEqual(['the ap']);
  });
});

describe('SourceMatcher', () => {
  const matcher = new SourceMatcher(SOURCES);
  const named = (q: string): string[][] => matcher.find(q).map((m) => m.sources);

  it('finds outlets in question order, whatever their case', () => {
    expect(named('Did TechCrunch and THE VERGE agree?')).toEqual([['TechCrunch'], ['The Verge']]);
  });

  it('maps an outlet name to every section of it, and a full section name to that section only', () => {
    expect(named('What did FOX News report?')).toEqual([
      ['FOX News - Health', 'FOX News - Lifestyle'],
    ]);
    expect(named('the FOX News - Health article on sleep')).toEqual([['FOX News - Health']]);
  });

  it('needs a capitalized name, so common words are not taken for outlets', () => {
    expect(
      named('Is the wired connection faster? What is the age limit? A fortune was spent.'),
    ).toEqual([]);
    expect(named('What did Wired say about the age of the Fortune 500?')).toEqual([
      ['Wired'],
      ['Fortune'],
    ]);
  });

  it('matches whole words only', () => {
    expect(named('TechCrunchy news')).toEqual([]);
  });

  it('reports the exact span of each mention', () => {
    const q = "According to 'The Age', rates rose.";
    const [m] = matcher.find(q);
    expect(q.slice(m!.start, m!.end)).toBe('The Age');
  });

  it('finds nothing when the index has no sources', () => {
    expect(new SourceMatcher([]).find('What did TechCrunch say?')).toEqual([]);
  });
});

describe('findDates', () => {
  it('reads month-first, day-first and ISO dates', () => {
    expect(
      findDates('published on October 13, 2023, and on 1st November 2023 or 2023-12-05').map(
        (d) => d.date,
      ),
    ).toEqual(['2023-10-13', '2023-11-01', '2023-12-05']);
  });

  it('accepts abbreviated months and ordinal days', () => {
    expect(findDates('on Sept. 2nd, 2023').map((d) => d.date)).toEqual(['2023-09-02']);
  });

  it('ignores a month or a year alone, and impossible days', () => {
    expect(findDates('in October 2023, or in 2022, or on October 45, 2023')).toEqual([]);
  });

  it('measures days between dates, ignoring the time of day', () => {
    expect(daysApart('2023-10-13 23:59:00Z', '2023-10-14')).toBe(1);
    expect(daysApart('2023-10-13', '2023-10-13T05:00:00Z')).toBe(0);
  });
});

describe('questionParts', () => {
  const matcher = new SourceMatcher(SOURCES);
  const parts = (q: string) =>
    questionParts(q, matcher.find(q), findDates(q), words).map((p) => ({
      text: q.slice(p.start, p.end).trim(),
      sources: p.sources,
      dates: p.dates,
    }));

  it('returns the whole question as one part when there is nothing to split', () => {
    const q = 'What did Xi tell Trump about Taiwan?';
    expect(parts(q)).toEqual([{ text: q, sources: [], dates: [] }]);
  });

  it('splits "did A report X, while B reported Y" into one part per outlet', () => {
    const q =
      'Does the TechCrunch article say prices rose sharply, while the Fortune report says prices fell slightly?';
    expect(parts(q)).toEqual([
      {
        text: 'Does the TechCrunch article say prices rose sharply',
        sources: ['TechCrunch'],
        dates: [],
      },
      { text: 'the Fortune report says prices fell slightly?', sources: ['Fortune'], dates: [] },
    ]);
  });

  it('splits two outlets joined by "and" before the second one’s article', () => {
    const q =
      'Do the TechCrunch article on software companies and the Fortune article on banks both report rising revenue?';
    const p = parts(q);
    expect(p).toHaveLength(2);
    expect(p[0]!.text).toBe('Do the TechCrunch article on software companies and');
    expect(p[1]!.text.startsWith('the Fortune article on banks')).toBe(true);
  });

  it('splits where the second outlet’s noun phrase starts, whatever noun follows the outlet', () => {
    const q = 'Did the Fortune writers say banks failed and the TechCrunch team say lenders grew?';
    expect(parts(q).map((p) => p.text)).toEqual([
      'Did the Fortune writers say banks failed and',
      'the TechCrunch team say lenders grew?',
    ]);
  });

  it('splits after an attributed outlet ("by X") when a second outlet follows in the clause', () => {
    const q =
      'Were banks failing as reported by Fortune and lenders growing in TechCrunch stories?';
    expect(parts(q).map((p) => p.sources)).toEqual([['Fortune'], ['TechCrunch']]);
  });

  it('gives each part its own date and keeps commas inside dates', () => {
    const q =
      'After the TechCrunch report on October 7, 2023, about layoffs at Flexport, and the TechCrunch article on October 30, 2023, about its new chief executive, what changed?';
    const p = parts(q);
    expect(p.map((x) => x.dates)).toEqual([['2023-10-07'], ['2023-10-30']]);
    expect(p.every((x) => x.sources.join() === 'TechCrunch')).toBe(true);
  });

  it('lets clauses that name no outlet inherit the only outlet the question names', () => {
    const q =
      'Which company cut prices for electric cars, raised its sales forecast, and hired new engineers, according to TechCrunch?';
    const p = parts(q);
    expect(p.length).toBeGreaterThanOrEqual(3);
    expect(p.every((x) => x.sources.join() === 'TechCrunch')).toBe(true);
  });

  it('joins a clause with too few words of its own to the next one', () => {
    const q = 'Which firm, says The Verge, launched a folding phone with a larger battery?';
    const p = parts(q);
    expect(p[0]!.text).toContain('says The Verge, launched a folding phone');
  });

  it('joins a trailing clause with a single topic word ("in its portrayal") to the part before it', () => {
    const q =
      'Did the Fortune story on bank failures differ from the TechCrunch story on crypto lenders, in its portrayal?';
    expect(parts(q).map((p) => p.sources)).toEqual([['Fortune'], ['TechCrunch']]);
  });
});
