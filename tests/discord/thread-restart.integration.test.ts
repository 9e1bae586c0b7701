/**
 * A conversation in a bot-started thread survives a restart whole: the question that opened the
 * thread (the starter message, which lives in the parent channel) is its first turn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snowflake } from '../../testkit/discord/standin.js';
import {
  GENERAL,
  isChannelPost,
  restartBot,
  startHarness,
  stopHarness,
  waitForLog,
  type Harness,
} from '../support/discord-harness.js';

describe('a thread conversation after a restart', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ THREAD_PER_MENTION: 'true', USER_COOLDOWN_SECONDS: '0' });
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  it('keeps the opening question and answer as the first turn', async () => {
    const opening = 'When did the Harbor Bridge close?';
    const message = h.discord.sendMessage({
      channelId: GENERAL,
      content: `<@${h.discord.botUser.id}> ${opening}`,
      author: { id: snowflake() },
    });
    // The first answer of a fresh bot loads the index and the English model: on a busy machine
    // that takes longer than the stand-in's default wait.
    const created = await h.discord.waitForRequest(
      (r) =>
        r.method === 'POST' && r.path === `/channels/${GENERAL}/messages/${message.id}/threads`,
      15_000,
    );
    const threadId = created.response.id as string;
    await waitForLog(h, (l) => l.msg === 'answered question' && l.channel === threadId);

    await restartBot(h);
    expect(h.bot.ctx.conversations.history(threadId)).toBeUndefined();
    // The stored copy would answer from the database; without it the thread is rebuilt from
    // Discord, which is what this test is about.
    expect(await h.bot.ctx.state.loadConversation(threadId)).toHaveLength(1);
    await h.bot.ctx.state.db.deleteFrom('conversations').execute();

    const followUp = h.discord.sendMessage({
      channelId: threadId,
      content: 'and why?',
      author: { id: snowflake() },
    });
    await h.discord.waitForRequest(
      (r) => isChannelPost(threadId)(r) && r.body.message_reference?.message_id === followUp.id,
      15_000,
    );
    await waitForLog(
      h,
      (l) => l.msg === 'answered question' && l.channel === threadId && l.followUp === true,
    );
    const turns = h.bot.ctx.conversations.history(threadId) ?? [];
    expect(turns.map((t) => t.question)).toEqual([opening, 'and why?']);
    expect(turns[0]!.answer.length).toBeGreaterThan(0);
  });
});
