import { describe, expect, it } from 'vitest';
import {
  applyCitationRules,
  bestQuote,
  claimsCiting,
  markerNumbers,
} from '../../../src/rag/answer/model-citations.js';
import {
  extractJsonObject,
  parseAnswerReply,
  parseSummaryReply,
} from '../../../src/rag/answer/openai.js';
import { article, chunks, passages } from '../../support/openai-fixture.js';

describe('markerNumbers', () => {
  it('reads single numbers, lists and short ranges', () => {
    expect(markerNumbers('2')).toEqual([2]);
    expect(markerNumbers('1, 3; 5')).toEqual([1, 3, 5]);
    expect(markerNumbers('2-4')).toEqual([2, 3, 4]);
    expect(markerNumbers('2–3')).toEqual([2, 3]);
  });

  it('ignores reversed and huge ranges', () => {
    expect(markerNumbers('5-2')).toEqual([]);
    expect(markerNumbers('1-500')).toEqual([]);
  });
});

describe('applyCitationRules', () => {
  const ps = passages(); // three passages, numbered 1..3

  it('renumbers valid markers 1..k in order of first appearance', () => {
    const result = applyCitationRules(
      'Costs rose [3]. The bridge reopened [1]. Costs again [3].',
      [3, 1],
      ps,
    );

    expect(result.text).toBe('Costs rose [1]. The bridge reopened [2]. Costs again [1].');
    expect(result.citations.map((c) => [c.n, c.chunkId])).toEqual([
      [1, ps[2]!.chunk.id],
      [2, ps[0]!.chunk.id],
    ]);
  });

  it('removes markers naming no passage, with the space before them', () => {
    const result = applyCitationRules('A fact [7]. Another [0], and more [2, 9] [2].', [7, 2], ps);

    expect(result.text).toBe('A fact. Another, and more [1] [1].');
    expect(result.citations).toHaveLength(1);
  });

  it('splits lists and ranges into single markers', () => {
    expect(applyCitationRules('All of it [1, 2] and [2-3].', [], ps).text).toBe(
      'All of it [1][2] and [2][3].',
    );
  });

  it('appends listed citations only when the text has no valid marker', () => {
    expect(applyCitationRules('It reopened on Tuesday.', [1, 7], ps).text).toBe(
      'It reopened on Tuesday. [1]',
    );
    expect(applyCitationRules('It reopened [2].', [1, 2], ps).citations).toHaveLength(1);
  });

  it('keeps bullet lines when a marker at the start of a line is removed', () => {
    expect(applyCitationRules('- one [1]\n[8] - two [2]', [], ps).text).toBe(
      '- one [1]\n- two [2]',
    );
  });

  it('returns no citation when nothing points at a retrieved passage', () => {
    expect(applyCitationRules('Made up [5].', [5, 6], ps)).toEqual({
      text: 'Made up.',
      citations: [],
    });
    expect(applyCitationRules('Anything [1].', [1], [])).toEqual({
      text: 'Anything.',
      citations: [],
    });
  });

  it('quotes, for each citation, the sentence behind the claim that carries its marker', () => {
    const result = applyCitationRules(
      'The mayor cut the ribbon at 7 a.m. [1]. Winds of 150 km/h are no problem for the new joints [2].',
      [],
      ps,
    );

    expect(result.citations[0]!.quote).toBe(
      'Mayor Ines Okafor cut the ribbon at 7 a.m. and thanked the crews who had worked through the night.',
    );
    expect(result.citations[1]!.quote).toBe(
      'City engineer Tomas Reyes said the new joints are rated for winds of 150 kilometres per hour.',
    );
    for (const citation of result.citations) expect(article.body).toContain(citation.quote);
  });
});

describe('claimsCiting', () => {
  it('takes the text before each marker group that holds the marker', () => {
    expect(claimsCiting('First point [1]. Second [2]. Third [1][2].', 1)).toBe('First point Third');
    expect(claimsCiting('- a [1]\n- b [2]', 2)).toBe('b');
  });

  it('takes the text after a marker group that opens a line', () => {
    expect(claimsCiting('[1] The bridge reopened. [2] Costs rose.', 1)).toBe(
      'The bridge reopened.',
    );
  });
});

describe('bestQuote', () => {
  const [first, second] = chunks;

  it('picks the sentence sharing the most words with the claim', () => {
    expect(bestQuote(second!, 'the deck movement is reported by sensors')).toBe(
      'He added that sensors now report the movement of the deck every minute.',
    );
  });

  it('adds the neighbouring sentence when it brings two or more further words of the claim', () => {
    const quote = bestQuote(
      first!,
      'A February storm flooded the control room and the mayor cut the ribbon',
    );
    expect(quote).toBe(
      'A February storm had torn away two expansion joints and flooded the control room. Mayor Ines Okafor cut the ribbon at 7 a.m. and thanked the crews who had worked through the night.',
    );
    expect(article.body).toContain(quote);
  });

  it('falls back to the first sentence when no word is shared', () => {
    expect(bestQuote(first!, 'zebra')).toBe(
      'The Harbor Bridge in Port Ellis reopened to traffic on Tuesday after eleven weeks of repairs.',
    );
  });
});

describe('reading model replies', () => {
  it('finds the JSON object in bare, fenced, prose-wrapped and <think>-prefixed replies', () => {
    const json = '{"answer":"Yes [1].","citations":[1],"refused":false}';
    for (const content of [
      json,
      '```json\n' + json + '\n```',
      `Here you go: ${json} Hope it helps.`,
      `<think>{"no": 1}</think>${json}`,
    ]) {
      expect(extractJsonObject(content)).toEqual({
        answer: 'Yes [1].',
        citations: [1],
        refused: false,
      });
    }
  });

  it('finds nothing in text, arrays or cut-off JSON', () => {
    expect(extractJsonObject('Tuesday [1].')).toBeUndefined();
    expect(extractJsonObject('[1, 2]')).toBeUndefined();
    expect(extractJsonObject('{"answer": "Tues')).toBeUndefined();
  });

  it('accepts citation numbers written as strings and a missing refused flag', () => {
    expect(parseAnswerReply('{"answer":"Yes [2].","citations":["2", 3.5, "x", 0]}')).toEqual({
      answer: 'Yes [2].',
      citations: [2],
      refused: false,
    });
    expect(parseSummaryReply('{"summary":"- a [1]"}')).toEqual({
      summary: '- a [1]',
      citations: [],
    });
  });

  it('rejects replies without the text field', () => {
    expect(parseAnswerReply('{"reply":"Yes","citations":[1]}')).toBeUndefined();
    expect(parseSummaryReply('{"answer":"Yes"}')).toBeUndefined();
  });
});
