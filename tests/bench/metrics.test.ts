import { describe, expect, it } from 'vitest';
import {
  percentile,
  scoreQuestion,
  share,
  splitOf,
  squash,
  summarizeScores,
} from '../../src/bench/metrics.js';

describe('squash', () => {
  it('removes spaces and newlines and nothing else', () => {
    expect(squash(' a b\nc\td ')).toBe('abc\td');
  });
});

describe('scoreQuestion', () => {
  const factA = 'The cat sat on the mat.';
  const factB = 'Dogs bark at night.';

  it('finds a fact whatever the spacing and line breaks of the chunk', () => {
    const s = scoreQuestion(['noise', 'Intro. The cat sat\non   the mat. More.'], [factA]);
    expect(s.hit10).toBe(true);
    expect(s.reciprocalRank).toBe(0.5);
  });

  it('counts a fact only when the whole fact is inside one chunk', () => {
    const s = scoreQuestion(['The cat sat', 'on the mat.'], [factA]);
    expect(s.hit10).toBe(false);
    expect(s.reciprocalRank).toBe(0);
    expect(s.averagePrecision).toBe(0);
  });

  it('computes MAP@10 as facts first found at each rank over the rank, divided by the fact count', () => {
    // Fact A first found at rank 2, fact B at rank 4: (1/2 + 1/4) / 2.
    const s = scoreQuestion(['x', factA, factA, factB, 'y'], [factA, factB]);
    expect(s.averagePrecision).toBeCloseTo((1 / 2 + 1 / 4) / 2, 12);
    expect(s.reciprocalRank).toBe(0.5);
    expect(s.allEvidence).toBe(true);
  });

  it('credits two facts found in one chunk at that rank', () => {
    const s = scoreQuestion([`${factA} ${factB}`], [factA, factB]);
    expect(s.averagePrecision).toBe(1);
  });

  it('does not credit a fact again when a later chunk repeats it', () => {
    const s = scoreQuestion([factA, factA], [factA, factB]);
    expect(s.averagePrecision).toBeCloseTo(1 / 2, 12);
    expect(s.allEvidence).toBe(false);
    expect(s.factRecall).toBe(0.5);
  });

  it('only looks at the first ten chunks', () => {
    const ranked = [...Array.from({ length: 10 }, (_, i) => `filler ${i}`), factA];
    const s = scoreQuestion(ranked, [factA]);
    expect(s.hit10).toBe(false);
    expect(s.averagePrecision).toBe(0);
  });

  it('separates Hits@4 from Hits@10', () => {
    const s = scoreQuestion(['a', 'b', 'c', 'd', factB], [factB]);
    expect(s.hit4).toBe(false);
    expect(s.hit10).toBe(true);
    expect(s.reciprocalRank).toBe(1 / 5);
  });

  it('divides MAP by ten at most when there are more than ten facts', () => {
    const facts = Array.from(
      { length: 12 },
      (_, i) => `fact number ${String.fromCharCode(97 + i)}.`,
    );
    const s = scoreQuestion([facts.join(' ')], facts);
    expect(s.averagePrecision).toBeCloseTo(12 / 10, 12);
  });
});

describe('summarizeScores', () => {
  it('averages each figure over the questions', () => {
    const a = scoreQuestion(['The cat sat on the mat.'], ['The cat sat on the mat.']);
    const b = scoreQuestion(['nothing'], ['The cat sat on the mat.']);
    const s = summarizeScores([a, b]);
    expect(s.questions).toBe(2);
    expect(s['hits@10']).toBe(0.5);
    expect(s['mrr@10']).toBe(0.5);
    expect(s['map@10']).toBe(0.5);
    expect(s['allEvidence@10']).toBe(0.5);
  });

  it('returns zeros for no questions', () => {
    expect(summarizeScores([])['hits@10']).toBe(0);
  });
});

describe('percentile and share', () => {
  it('uses the nearest rank', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile([], 95)).toBe(0);
  });

  it('counts the true flags', () => {
    expect(share([true, false, true, true])).toBe(0.75);
    expect(share([])).toBe(0);
  });
});

describe('splitOf', () => {
  it('is a fixed function of the question text', () => {
    expect(splitOf('What did Xi tell Trump?')).toBe(splitOf('What did Xi tell Trump?'));
    // sha256("a") starts with byte 0xca (even), sha256("e") with 0x3f (odd).
    expect(splitOf('a')).toBe('dev');
    expect(splitOf('e')).toBe('test');
  });

  it('puts roughly half of many questions on each side', () => {
    const sides = Array.from({ length: 400 }, (_, i) => splitOf(`question ${i}`));
    const dev = sides.filter((s) => s === 'dev').length;
    expect(dev).toBeGreaterThan(150);
    expect(dev).toBeLessThan(250);
  });
});
