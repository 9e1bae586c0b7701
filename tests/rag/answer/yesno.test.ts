import { describe, expect, it } from 'vitest';
import { answerYesNo, isYesNoQuestion, renderYesNo } from '../../../src/rag/answer/yesno.js';
import { chunkArticle } from '../../../src/rag/chunk.js';
import type { Article, Passage } from '../../../src/rag/types.js';

/** One passage per article (each body is short enough to be one chunk), numbered in order. */
function passagesOf(articles: Array<Omit<Article, 'file'>>): Passage[] {
  return articles.map((a, i) => {
    const { body: _body, ...meta } = { ...a, file: `${a.id}.json` };
    return {
      n: i + 1,
      chunk: chunkArticle({ ...a, file: `${a.id}.json` })[0]!,
      article: { ...meta, chunks: 1, chars: a.body.length },
      score: 1,
    };
  });
}

const PASSAGES = passagesOf([
  {
    id: 'gazette-1',
    title: 'Council votes on the harbor bridge',
    source: 'Gotham Gazette',
    publishedAt: '2024-03-02T09:00:00Z',
    body: 'The council approved repairs to the harbor bridge on Monday. Crews will start in April.',
  },
  {
    id: 'planet-1',
    title: 'Museum shuts its doors',
    source: 'The Daily Planet',
    publishedAt: '2024-03-09T09:00:00Z',
    body: 'The city museum closed for renovation after a roof leak. It will reopen next year.',
  },
  {
    id: 'planet-2',
    title: 'Bus fares stay the same',
    source: 'The Daily Planet',
    publishedAt: '2024-03-12T09:00:00Z',
    body: 'The transit board did not raise bus fares this spring.',
  },
]);

// Every word weighs the same here; a real index weighs rarer words more.
const tools = { idf: () => 1 };

describe('isYesNoQuestion', () => {
  it('recognizes questions led by an auxiliary, also after a leading phrase', () => {
    expect(isYesNoQuestion('Did the council approve the repairs?')).toBe(true);
    expect(isYesNoQuestion('Between the two reports, was there a change in tone?')).toBe(true);
    expect(
      isYesNoQuestion(
        'Are the repairs the Gazette reported, which the council approved, the same as the Planet’s?',
      ),
    ).toBe(true);
  });

  it('rejects questions that ask for a thing', () => {
    expect(isYesNoQuestion('Who approved the repairs?')).toBe(false);
    expect(isYesNoQuestion('After the vote, what did the council do?')).toBe(false);
  });
});

describe('answerYesNo', () => {
  it('says Yes when each outlet’s part is supported by a sentence of that outlet', () => {
    const v = answerYesNo(
      'Did the Gotham Gazette report that the council approved harbor bridge repairs, while The Daily Planet reported the city museum closed for renovation?',
      PASSAGES,
      tools,
    );
    expect(v?.verdict).toBe('yes');
    expect(v!.support.map((s) => s.passage.article.id)).toEqual(['gazette-1', 'planet-1']);
    expect(v!.scoped).toBe(true);
  });

  it('settles nothing when one part has no supporting sentence from its outlet', () => {
    // The museum closing is reported, but by the Planet, not by the Gazette.
    expect(
      answerYesNo(
        'Did the Gotham Gazette report that the city museum closed for renovation?',
        PASSAGES,
        tools,
      ),
    ).toBeNull();
    expect(
      answerYesNo('Did the council ban electric scooters downtown?', PASSAGES, tools),
    ).toBeNull();
  });

  it('checks a stated order against the articles’ publication dates', () => {
    const question = (order: string): string =>
      `Was the Gotham Gazette report on the council approving harbor bridge repairs published ${order} The Daily Planet report on the city museum closing for renovation?`;
    expect(answerYesNo(question('before'), PASSAGES, tools)?.verdict).toBe('yes');
    expect(answerYesNo(question('after'), PASSAGES, tools)?.verdict).toBe('no');
  });

  it('reads "the later report" as the later of the two articles', () => {
    const v = answerYesNo(
      'Did The Daily Planet report the city museum closed for renovation, and did the later Gotham Gazette report say the council approved harbor bridge repairs?',
      PASSAGES,
      tools,
    );
    expect(v?.verdict).toBe('no');
  });

  it('says No when the question denies a claim its sentence states plainly, Yes when both deny it', () => {
    const denied = answerYesNo(
      'Did the council fail to approve repairs to the harbor bridge?',
      PASSAGES,
      tools,
    );
    expect(denied?.verdict).toBe('no');
    expect(denied!.support[0]!.passage.article.id).toBe('gazette-1');
    // No outlet or date named: the claim was looked for among every passage.
    expect(denied!.scoped).toBe(false);
    expect(
      answerYesNo('Did the transit board not raise bus fares this spring?', PASSAGES, tools)
        ?.verdict,
    ).toBe('yes');
  });

  it('returns null without passages', () => {
    expect(answerYesNo('Did the council approve the repairs?', [], tools)).toBeNull();
  });
});

describe('renderYesNo', () => {
  it('leads with the verdict and cites each supporting sentence verbatim once', () => {
    const sentence = (p: Passage) => ({ passage: p, spans: [p.chunk.sentences[0]!] });
    const r = renderYesNo({
      verdict: 'no',
      scoped: false,
      support: [sentence(PASSAGES[0]!), sentence(PASSAGES[1]!), sentence(PASSAGES[0]!)],
    });
    expect(r.answer).toBe(
      'No. The council approved repairs to the harbor bridge on Monday. [1] The city museum closed for renovation after a roof leak. [2]',
    );
    expect(r.citations.map((c) => [c.n, c.articleId])).toEqual([
      [1, 'gazette-1'],
      [2, 'planet-1'],
    ]);
  });
});
