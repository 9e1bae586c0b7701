/**
 * Community mode over the wire: admins change settings with /config, auto-reply answers forum
 * posts and questions in the channels they chose (and nothing else), settings survive a restart,
 * and a channel where the bot lacks Send Messages or Embed Links is handled without a crash.
 */
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MEMBER_PERMISSIONS,
  snowflake,
  type RecordedRequest,
} from '../../testkit/discord/standin.js';
import {
  GENERAL,
  isCallback,
  isChannelPost,
  restartBot,
  startHarness,
  stopHarness,
  waitForLog,
  type Harness,
} from '../support/discord-harness.js';

const GUILD = '100000000000000100';
const FORUM = '100000000000000101';
const NO_EMBEDS = '100000000000000102';
const NO_SEND = '100000000000000103';
const BOT = '100000000000000999';
const ADMIN = MEMBER_PERMISSIONS | PermissionFlagsBits.ManageGuild;

/** Runs `/config <sub>` with the given options and returns the private reply's text. */
async function config(
  h: Harness,
  sub: string,
  options: Record<string, string>,
  permissions = ADMIN,
): Promise<string> {
  const interaction = h.discord.sendInteraction({
    commandName: 'config',
    guildId: GUILD,
    channelId: GENERAL,
    permissions,
    user: { id: snowflake() },
    options: [
      {
        type: 1,
        name: sub,
        options: Object.entries(options).map(([name, value]) => ({
          name,
          type: name === 'channel' ? 7 : 3,
          value,
        })),
      },
    ],
  });
  const done = await Promise.race([
    h.discord.waitForRequest(
      (r) =>
        r.method === 'PATCH' &&
        r.path.includes(interaction.token as string) &&
        r.status < 300 &&
        Boolean(r.body?.content),
    ),
    h.discord.waitForRequest((r) => isCallback(interaction)(r) && Boolean(r.body?.data?.content)),
  ]);
  return (done.body.content ?? done.body.data.content) as string;
}

const isReplyTo = (channelId: string, messageId: string) => (r: RecordedRequest) =>
  isChannelPost(channelId)(r) && r.body.message_reference?.message_id === messageId;

describe('community mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(
      { USER_COOLDOWN_SECONDS: '0' },
      {
        botUser: { id: BOT },
        rateLimits: {},
        guilds: [
          {
            id: GUILD,
            name: 'Harbor City',
            channels: [
              { id: GENERAL, name: 'general' },
              { id: FORUM, name: 'questions', type: 15, tags: ['bridge', 'stadium'] },
              {
                id: NO_EMBEDS,
                name: 'no-embeds',
                overwrites: [{ id: BOT, type: 1, deny: PermissionFlagsBits.EmbedLinks }],
              },
              {
                id: NO_SEND,
                name: 'read-only',
                overwrites: [{ id: BOT, type: 1, deny: PermissionFlagsBits.SendMessages }],
              },
            ],
          },
        ],
      },
    );
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  it('refuses /config to members without Manage Server', async () => {
    const text = await config(h, 'set', { setting: 'autoReply', value: 'on' }, MEMBER_PERMISSIONS);
    expect(text).toContain('Only server admins');
  });

  it('lets an admin turn auto-reply on for a forum and shows where each value comes from', async () => {
    const text = await config(h, 'set', { setting: 'autoReply', value: 'on', channel: FORUM });
    expect(text).toContain('**autoReply**: on (this channel)');
    expect(text).toContain(`Auto-reply channels: <#${FORUM}>`);
    const bad = await config(h, 'set', { setting: 'cooldownSeconds', value: 'soon' });
    expect(bad).toContain('is not a value for cooldownSeconds');
  });

  it('answers a new forum post in its thread, using the title and the body', async () => {
    const { thread, message } = h.discord.sendForumPost({
      channelId: FORUM,
      title: 'Harbor Bridge repairs',
      content: 'How long will they take?',
      tags: ['bridge'],
      author: { id: snowflake() },
    });
    const reply = await h.discord.waitForRequest(isReplyTo(thread.id, message.id), 10_000);
    expect(reply.body.content).toMatch(/six weeks/i);
    expect(reply.body.embeds?.length ?? 0).toBeGreaterThan(0);
  });

  it('leaves a short note on a post the story does not cover', async () => {
    const { thread, message } = h.discord.sendForumPost({
      channelId: FORUM,
      title: 'Volcano',
      content: 'When did the volcano on Mars erupt?',
      author: { id: snowflake() },
    });
    const reply = await h.discord.waitForRequest(isReplyTo(thread.id, message.id), 10_000);
    expect(reply.body.content).toContain('leave it to the people here');
  });

  it('skips an image-only post without a reply and without crashing', async () => {
    h.discord.sendForumPost({
      channelId: FORUM,
      title: '',
      content: '',
      author: { id: snowflake() },
    });
    await waitForLog(h, (l) => l.event === 'auto-skip');
  });

  it('answers a 4,000-character post from its opening and notes a post in another language', async () => {
    const long = h.discord.sendForumPost({
      channelId: FORUM,
      title: 'Bridge',
      content: `How long will the Harbor Bridge repairs take? ${'Some more context here. '.repeat(170)}`,
      author: { id: snowflake() },
    });
    const reply = await h.discord.waitForRequest(
      isReplyTo(long.thread.id, long.message.id),
      10_000,
    );
    expect(reply.body.content).toMatch(/six weeks/i);
    const foreign = h.discord.sendForumPost({
      channelId: FORUM,
      title: 'Frage',
      content: 'Wann wurde der Vulkan auf dem Mars ausgebrochen?',
      author: { id: snowflake() },
    });
    const note = await h.discord.waitForRequest(
      isReplyTo(foreign.thread.id, foreign.message.id),
      10_000,
    );
    expect(note.body.content).toContain('leave it to the people here');
  });

  it('answers questions in a text channel only after auto-reply is on there, and ignores chatter', async () => {
    const before = h.discord.sendMessage({
      channelId: GENERAL,
      content: 'When did the Harbor Bridge close?',
      author: { id: snowflake() },
    });
    await config(h, 'set', { setting: 'autoReply', value: 'on', channel: GENERAL });
    await config(h, 'set', { setting: 'replyMode', value: 'inline', channel: GENERAL });
    const chatter = h.discord.sendMessage({
      channelId: GENERAL,
      content: 'nice weather today everyone',
      author: { id: snowflake() },
    });
    const question = h.discord.sendMessage({
      channelId: GENERAL,
      content: 'When did the Harbor Bridge close?',
      author: { id: snowflake() },
    });
    await h.discord.waitForRequest(isReplyTo(GENERAL, question.id), 10_000);
    const answered = (id: string) => h.discord.requests.some(isReplyTo(GENERAL, id));
    expect(answered(before.id)).toBe(false);
    expect(answered(chatter.id)).toBe(false);
  });

  it('sends the quotes as plain text where it may not embed links, saying why', async () => {
    await config(h, 'set', { setting: 'autoReply', value: 'on', channel: NO_EMBEDS });
    const question = h.discord.sendMessage({
      channelId: NO_EMBEDS,
      content: 'Who blamed salt corrosion for the damage?',
      author: { id: snowflake() },
    });
    const reply = await h.discord.waitForRequest(isReplyTo(NO_EMBEDS, question.id), 10_000);
    expect(reply.body.embeds ?? []).toEqual([]);
    const text = h.discord.requests
      .filter(isChannelPost(NO_EMBEDS))
      .map((r) => r.body.content as string)
      .join('\n');
    expect(text).toContain('salt corrosion');
    expect(text).toContain('herald.example');
    await waitForLog(h, (l) => l.event === 'missing-permission' && l.permission === 'EmbedLinks');
  });

  it('does not try to answer where it may not send, and logs which permission is missing', async () => {
    await config(h, 'set', { setting: 'autoReply', value: 'on', channel: NO_SEND });
    h.discord.sendMessage({
      channelId: NO_SEND,
      content: 'When did the Harbor Bridge close?',
      author: { id: snowflake() },
    });
    await waitForLog(h, (l) => l.event === 'missing-permission' && l.permission === 'SendMessages');
    expect(h.discord.requests.filter(isChannelPost(NO_SEND))).toEqual([]);
  });

  it('shows admins insights with a PNG chart and no user ids', async () => {
    const interaction = h.discord.sendInteraction({
      commandName: 'insights',
      guildId: GUILD,
      channelId: GENERAL,
      permissions: ADMIN,
      options: { days: 7 },
    });
    const edit = await h.discord.waitForRequest(
      (r) => r.method === 'PATCH' && r.path.includes(interaction.token as string) && r.status < 300,
      15_000,
    );
    expect(edit.body.content).toContain('Questions:');
    expect(edit.body.content).toContain('Knowledge gaps');
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]!.filename).toBe('insights.png');
    expect(edit.files[0]!.data.subarray(1, 4).toString()).toBe('PNG');
    const authors = [...h.discord.messages.values()].map((m) => m.author?.id as string);
    for (const id of authors.filter((a) => a !== BOT)) expect(edit.body.content).not.toContain(id);
  });

  it('keeps the settings and logs every auto-reply after a restart', async () => {
    await restartBot(h);
    const { thread, message } = h.discord.sendForumPost({
      channelId: FORUM,
      title: 'Bridge age',
      content: 'When was the Harbor Bridge built?',
      author: { id: snowflake() },
    });
    await h.discord.waitForRequest(isReplyTo(thread.id, message.id), 10_000);
    const rows = await h.bot.ctx.state.db
      .selectFrom('answers')
      .select(['via', 'channel_id'])
      .where('via', '=', 'auto')
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(4);
  });

  it('still answers, and says so in one log line, when the database has gone away', async () => {
    await h.bot.ctx.state.close();
    const question = h.discord.sendMessage({
      channelId: GENERAL,
      content: `<@${BOT}> How long will the repairs take?`,
      author: { id: snowflake() },
    });
    const reply = await h.discord.waitForRequest(isReplyTo(GENERAL, question.id), 10_000);
    expect(reply.body.content).toMatch(/six weeks/i);
    await waitForLog(h, (l) => l.event === 'answer-log-failed');
  });
});
