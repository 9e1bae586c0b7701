import { describe, expect, it } from 'vitest';
import {
  answerFromBotContent,
  ConversationStore,
  MAX_HISTORY_ANSWER_CHARS,
  MAX_TURNS,
  mentionsBot,
  questionFromContent,
} from '../../src/discord/conversation.js';

describe('ConversationStore', () => {
  it('forgets the least recently used conversation beyond its capacity', () => {
    const store = new ConversationStore(2);
    const turn = { question: 'Who?', answer: 'Ann [1].' };
    store.record(['a'], [], turn);
    store.record(['b'], [], turn);
    store.history('a');
    store.record(['c'], [], turn);
    expect(['a', 'b', 'c'].map((k) => store.history(k) !== undefined)).toEqual([true, false, true]);
  });

  it('records the turns so far under every key of the answer', () => {
    const store = new ConversationStore();
    const turns = store.record(['m1', 'thread1'], [], { question: 'Who?', answer: 'Ann [1].' });
    expect(store.history('m1')).toEqual(turns);
    expect(store.history('thread1')).toEqual([{ question: 'Who?', answer: 'Ann [1].' }]);
  });

  it('branches from the answer replied to instead of the latest turn', () => {
    const store = new ConversationStore();
    const first = store.record(['m1'], [], { question: 'q1', answer: 'a1' });
    store.record(['m2'], first, { question: 'q2', answer: 'a2' });
    const branch = store.record(['m3'], store.history('m1')!, { question: 'q3', answer: 'a3' });
    expect(branch.map((t) => t.question)).toEqual(['q1', 'q3']);
  });

  it('keeps at most a few turns and trims long answers', () => {
    const store = new ConversationStore();
    let turns: readonly { question: string; answer: string }[] = [];
    for (let i = 0; i < 20; i++)
      turns = store.record(['t'], turns, { question: `q${i}`, answer: 'x'.repeat(5_000) });
    expect(turns).toHaveLength(MAX_TURNS);
    expect(turns[0]!.question).toBe(`q${20 - MAX_TURNS}`);
    expect(turns.every((t) => t.answer.length === MAX_HISTORY_ANSWER_CHARS)).toBe(true);
  });

  it('forgets the oldest conversations beyond its capacity', () => {
    const store = new ConversationStore(3);
    for (let i = 0; i < 5; i++) store.record([`m${i}`], [], { question: 'q', answer: 'a' });
    expect(store.history('m0')).toBeUndefined();
    expect(store.history('m4')).toBeDefined();
  });
});

describe('message text helpers', () => {
  it('strips the bot mention from a question and cleans it', () => {
    expect(questionFromContent('<@42> what happened \u200B next?', '42')).toBe(
      'what happened next?',
    );
    expect(questionFromContent('hey <@!42>, who?', '42')).toBe('hey , who?');
  });

  it('tells an explicit mention of the bot from other mentions', () => {
    expect(mentionsBot('<@42> hi', '42')).toBe(true);
    expect(mentionsBot('<@420> hi', '42')).toBe(false);
  });

  it('recovers an answer from bot content without our notes or zero-width characters', () => {
    expect(answerFromBotContent('Ann did it [1]. @\u200Beveryone\n-# note')).toBe(
      'Ann did it [1]. @everyone',
    );
  });
});
