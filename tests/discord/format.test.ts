import { describe, expect, it } from 'vitest';
import {
  answerButtons,
  citationEmbed,
  embedLength,
  encodeCustomId,
  formatArticlesPage,
  formatCitedReplies,
  formatFullQuotes,
  formatProgress,
  formatReindexFailed,
  formatStatus,
  LIMITS,
  paginateArticles,
  parseCustomId,
  splitMessage,
  truncate,
  type ReplyPayload,
} from '../../src/discord/format.js';
import type { ArticleMeta, Citation } from '../../src/rag/types.js';

function citation(n: number, quote: string, extra: Partial<Citation> = {}): Citation {
  return {
    n,
    chunkId: `a${n}#0`,
    articleId: `a${n}`,
    title: `Article ${n}`,
    quote,
    url: `https://news.example/${n}`,
    source: 'Example News',
    publishedAt: '2024-05-01T10:00:00Z',
    ...extra,
  };
}

/** Every limit Discord enforces on a message we would send. */
function expectWithinLimits(payload: ReplyPayload): void {
  expect(payload.content.length).toBeLessThanOrEqual(LIMITS.content);
  for (const embed of payload.embeds) {
    expect(embedLength(embed)).toBeLessThanOrEqual(LIMITS.embedTotal);
    expect(embed.title?.length ?? 0).toBeLessThanOrEqual(LIMITS.embedTitle);
    expect(embed.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.embedDescription);
    expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.embedFields);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeGreaterThan(0);
      expect(field.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
      expect(field.value.length).toBeGreaterThan(0);
      expect(field.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    }
  }
  for (const row of payload.components) {
    for (const button of row.components) {
      if ('custom_id' in button)
        expect(button.custom_id.length).toBeLessThanOrEqual(LIMITS.customId);
    }
  }
}

describe('truncate', () => {
  it('returns short text unchanged', () => {
    expect(truncate('short', 10)).toBe('short');
  });

  it('cuts at a word boundary and ends with an ellipsis within the limit', () => {
    const out = truncate('the quick brown fox jumps over the lazy dog', 20);
    expect(out.length).toBeLessThanOrEqual(20);
    expect(out).toBe('the quick brown fox…');
  });

  it('never cuts an emoji (surrogate pair) in half', () => {
    const out = truncate('😀'.repeat(10), 6);
    expect(out.length).toBeLessThanOrEqual(6);
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('does not leave a dangling escape backslash before the ellipsis', () => {
    expect(truncate('abcdefgh\\*', 10)).not.toMatch(/\\…$/);
  });
});

describe('splitMessage', () => {
  it('keeps text under the limit as one piece', () => {
    expect(splitMessage('hello')).toEqual(['hello']);
  });

  it('splits 6,000 characters into pieces of at most 2,000, losing no words', () => {
    const words = Array.from({ length: 1000 }, (_, i) => `word${i}`);
    const text = words.join(' ').slice(0, 6000);
    const pieces = splitMessage(text);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(2000);
    expect(pieces.join(' ').split(/\s+/)).toEqual(text.split(/\s+/));
  });

  it('prefers paragraph breaks over sentence breaks', () => {
    const para = `${'a'.repeat(1200)}.`;
    const pieces = splitMessage(`${para}\n\n${para}`);
    expect(pieces).toEqual([para, para]);
  });

  it('hard-cuts a text with no spaces without splitting surrogate pairs', () => {
    const pieces = splitMessage('😀'.repeat(3000));
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(2000);
      expect(piece).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
    expect(pieces.join('')).toBe('😀'.repeat(3000));
  });

  it('closes a code block cut in two and reopens it in the next piece', () => {
    const code = `\`\`\`\n${'line of code\n'.repeat(300)}\`\`\``;
    const pieces = splitMessage(code);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(2000);
      expect(piece.split('```').length - 1).toBe(2);
    }
  });
});

describe('custom ids', () => {
  it('round-trip every button action', () => {
    for (const action of [
      { kind: 'sources', answerId: 'abc_DEF-123' },
      { kind: 'vote', vote: 'down', answerId: 'x1' },
      { kind: 'page', page: 7 },
    ] as const) {
      expect(parseCustomId(encodeCustomId(action))).toEqual(action);
    }
  });

  it('reject ids we did not produce', () => {
    for (const id of [
      '',
      'sb',
      'sb:src:',
      'sb:fb:maybe:x',
      'sb:pg:-1',
      'other:src:x',
      'sb:src:a:b',
      `sb:src:${'x'.repeat(60)}`,
    ]) {
      expect(parseCustomId(id)).toBeUndefined();
    }
  });

  it('put Sources before the votes only when there are citations', () => {
    expect(answerButtons('id', true).components).toHaveLength(3);
    expect(answerButtons('id', false).components).toHaveLength(2);
  });
});

describe('citationEmbed', () => {
  it('lists each cited passage with number, title, quote and link', () => {
    const embed = citationEmbed([citation(2, 'Second quote.'), citation(1, 'First quote.')])!;
    expect(embed.fields!.map((f) => f.name)).toEqual(['[1] Article 1', '[2] Article 2']);
    expect(embed.fields![0]!.value).toContain('> First quote.');
    expect(embed.fields![0]!.value).toContain('[Read the article](https://news.example/1)');
    expect(embed.fields![0]!.value).toContain('Example News · 2024-05-01');
  });

  it('merges several quotes of the same passage into one field', () => {
    const embed = citationEmbed([citation(1, 'One.'), citation(1, 'Two.')])!;
    expect(embed.fields).toHaveLength(1);
    expect(embed.fields![0]!.value).toContain('One. … Two.');
  });

  it('stays within every embed limit with 40 huge citations', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      citation(i + 1, 'x '.repeat(3000), { title: 'T'.repeat(400) }),
    );
    const embed = citationEmbed(many)!;
    expectWithinLimits({ content: '', embeds: [embed], components: [] });
    expect(embed.fields).toHaveLength(25);
    expect(embed.footer!.text).toContain('15 more');
  });

  it('drops links that are not http(s)', () => {
    const embed = citationEmbed([citation(1, 'q', { url: 'javascript:alert(1)' })])!;
    expect(embed.fields![0]!.value).not.toContain('javascript');
  });

  it('escapes markdown and neutralizes mentions in quotes and titles', () => {
    const embed = citationEmbed([
      citation(1, '@everyone look **here** <@&123456789>', { title: '<@123456789> ||spoiler||' }),
    ])!;
    const text = JSON.stringify(embed);
    expect(text).not.toMatch(/@everyone|<@&?\d+>/);
    expect(embed.fields![0]!.name).toContain('\\|\\|spoiler\\|\\|');
  });
});

describe('formatCitedReplies', () => {
  const answer = {
    text: 'The fire started at dawn [1] and spread [2].',
    citations: [citation(1, 'It began at dawn.'), citation(2, 'It spread.')],
  };

  it('puts the answer in content and the citations and buttons on the last message', () => {
    const [reply] = formatCitedReplies(answer, { answerId: 'abc' });
    expect(reply!.content).toBe('The fire started at dawn [1] and spread [2].');
    expect(reply!.embeds).toHaveLength(1);
    expect(reply!.components[0]!.components).toHaveLength(3);
  });

  it('splits a 6,000-character answer within limits with the embed only on the last part', () => {
    const long = { ...answer, text: `${'This is a sentence of the answer [1]. '.repeat(160)}` };
    const replies = formatCitedReplies(long, { answerId: 'abc' });
    expect(replies.length).toBeGreaterThan(2);
    replies.forEach(expectWithinLimits);
    expect(
      replies.slice(0, -1).every((r) => r.embeds.length === 0 && r.components.length === 0),
    ).toBe(true);
    expect(replies.at(-1)!.embeds).toHaveLength(1);
  });

  it('caps a runaway answer at five messages', () => {
    const replies = formatCitedReplies(
      { ...answer, text: 'word '.repeat(5000) },
      { answerId: 'abc' },
    );
    expect(replies).toHaveLength(5);
    replies.forEach(expectWithinLimits);
    expect(replies.at(-1)!.content).toContain('(answer trimmed)');
  });

  it('never lets hostile answer text ping or preview', () => {
    const hostile = {
      text: '@everyone @here <@&111111111> <@222222222> visit https://evil.example now \u202Eevil',
      citations: [],
    };
    const [reply] = formatCitedReplies(hostile);
    expect(reply!.content).not.toMatch(/@everyone|@here|<@&?\d+>/);
    expect(reply!.content).toContain('<https://evil.example>');
    expect(reply!.content).not.toContain('\u202E');
  });

  it('shows a refusal without a citation embed or Sources button', () => {
    const [reply] = formatCitedReplies(
      { text: "The story doesn't say.", citations: [citation(1, 'x')], refused: true },
      { answerId: 'r' },
    );
    expect(reply!.embeds).toHaveLength(0);
    expect(reply!.components[0]!.components).toHaveLength(2);
  });

  it('adds the note as subtext and the heading in bold', () => {
    const [reply] = formatCitedReplies(
      { ...answer, note: 'Generator failed; extractive answer shown.' },
      { heading: 'Summary (short)' },
    );
    expect(reply!.content.startsWith('**Summary (short)**\n')).toBe(true);
    expect(reply!.content.endsWith('\n-# Generator failed; extractive answer shown.')).toBe(true);
  });
});

describe('formatFullQuotes', () => {
  it('shows complete quotes with links in angle brackets and suppresses embeds', () => {
    const long = 'A full sentence that goes on. '.repeat(20);
    const replies = formatFullQuotes([citation(1, long)]);
    expect(replies[0]!.content).toContain('**[1] Article 1**');
    expect(replies[0]!.content).toContain('<https://news.example/1>');
    expect(replies[0]!.content.replace(/\\/g, '')).toContain(long.trim());
    expect(replies[0]!.flags).toBeDefined();
  });

  it('splits many long quotes within limits', () => {
    const replies = formatFullQuotes(
      Array.from({ length: 20 }, (_, i) => citation(i + 1, 'word '.repeat(200))),
    );
    expect(replies.length).toBeLessThanOrEqual(5);
    replies.forEach(expectWithinLimits);
  });
});

describe('/sources pages', () => {
  const article = (i: number): ArticleMeta => ({
    id: `a${i}`,
    title: `Title ${i}`,
    source: 'Wire',
    url: `https://x.example/${i}`,
    publishedAt: '2024-01-02',
    file: `a${i}.md`,
    chunks: i,
    chars: 100,
  });

  it('pages 25 articles ten at a time with Previous/Next', () => {
    const articles = Array.from({ length: 25 }, (_, i) => article(i));
    expect(paginateArticles(articles).map((p) => p.length)).toEqual([10, 10, 5]);
    const page = formatArticlesPage(articles, 1);
    expect(page.embeds[0]!.footer!.text).toBe('Page 2 of 3');
    expect(page.embeds[0]!.description).toContain('**11.** [Title 10](https://x.example/10)');
    const [prev, next] = page.components[0]!.components;
    expect(parseCustomId((prev as { custom_id: string }).custom_id)).toEqual({
      kind: 'page',
      page: 0,
    });
    expect(parseCustomId((next as { custom_id: string }).custom_id)).toEqual({
      kind: 'page',
      page: 2,
    });
  });

  it('keeps every page within the description limit even with huge titles', () => {
    const articles = Array.from({ length: 30 }, (_, i) => ({
      ...article(i),
      title: 'T'.repeat(5000),
    }));
    for (let p = 0; p < paginateArticles(articles).length; p++)
      expectWithinLimits(formatArticlesPage(articles, p));
  });

  it('clamps an out-of-range page and shows an empty index plainly', () => {
    expect(formatArticlesPage([article(1)], 99).embeds[0]!.footer!.text).toBe('Page 1 of 1');
    expect(formatArticlesPage([], 0).embeds[0]!.description).toContain('no articles');
  });
});

describe('status and re-index texts', () => {
  it('counts in the singular for one article and one chunk', () => {
    const status = formatStatus({
      info: {
        embedder: 'local-hash-v1',
        answerer: 'extractive',
        chunks: 1,
        articles: 1,
        builtAt: '2024-05-01T00:00:00Z',
        indexDir: 'data/index',
      },
      uptimeMs: 1_000,
      version: '0.1.0',
      reindexing: false,
    });
    expect(JSON.stringify(status.embeds[0])).toContain('1 article, 1 chunk');
  });

  it('shows index size, build time, models, uptime and version', () => {
    const status = formatStatus({
      info: {
        embedder: 'local-hash-v1',
        answerer: 'extractive',
        chunks: 1200,
        articles: 34,
        builtAt: '2024-05-01T00:00:00Z',
        indexDir: 'data/index',
      },
      uptimeMs: 3_723_000,
      version: '0.1.0',
      reindexing: false,
    });
    const text = JSON.stringify(status.embeds[0]);
    for (const expected of [
      '34 articles, 1,200 chunks',
      'local-hash-v1',
      'extractive',
      '1 h 2 min',
      '0.1.0',
      '<t:1714521600:R>',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('formats progress like "embedded 340/1,200 chunks"', () => {
    const text = formatProgress({
      phase: 'embed',
      done: 340,
      total: 1200,
      message: 'embedded 340/1,200 chunks',
    });
    expect(text).toContain('Re-indexing… embedded 340/1,200 chunks');
    expect(formatProgress({ phase: 'embed', done: 340, total: 1200 })).toContain('embed 340/1,200');
  });

  it('names the failing file once and says the old index keeps serving', () => {
    const text = formatReindexFailed(
      { file: 'bad.json', message: 'bad.json: malformed JSON (Unexpected token)' },
      'bad.json',
    );
    expect(text).toBe(
      '❌ Re-index failed in `bad.json`: malformed JSON (Unexpected token)\nThe previous index keeps serving. The uploaded file `bad.json` was not kept.',
    );
  });
});

describe('short answers in Discord replies', () => {
  it('puts the short answer in bold on its own line, then the cited sentence once', () => {
    const [reply] = formatCitedReplies({
      text: '4 million euros. The mayor said the work cost 4 million euros. [1]',
      short: '4 million euros',
      citations: [],
    });
    expect(reply!.content).toBe(
      '**4 million euros**\nThe mayor said the work cost 4 million euros. [1]',
    );
  });

  it('escapes markdown inside the short answer so it cannot break the bold', () => {
    const [reply] = formatCitedReplies({
      text: 'a*b. A sentence. [1]',
      short: 'a*b',
      citations: [],
    });
    expect(reply!.content.startsWith('**a\\*b**\n')).toBe(true);
  });
});
