/**
 * `npm run bench:autoreply -- [--posts 200] [--channels 20] [--guilds 5] [--seconds 60] [--json]`
 *
 * Forum auto-reply under load: the bot runs in its own process against the loopback stand-in
 * (rate-limit buckets on); auto-reply is on in every forum; `--posts` new forum posts are spread
 * evenly over `--seconds` across the forums. Reports, per post, whether it got exactly one reply
 * (a cited answer, or the short note when the story does not say), p50/p95 from post to reply,
 * and how many 429s the stand-in answered because a bucket was exceeded.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { snowflake, startDiscordStandIn } from '../testkit/discord/standin.js';
import { benchConfig, presetSettings } from './lib/community-bench.js';
import { percentile, startBotProcess } from './lib/discord-bench.js';

const { values } = parseArgs({
  options: {
    posts: { type: 'string', default: '200' },
    channels: { type: 'string', default: '20' },
    guilds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '60' },
    json: { type: 'boolean' },
  },
});
const posts = Number(values.posts);
const channelCount = Number(values.channels);
const guildCount = Number(values.guilds);
const seconds = Number(values.seconds);

/** Titles and bodies: most answerable from the fixture story, some not (those get the note). */
const POSTS = [
  ['Harbor Bridge', 'When did the bridge close?'],
  ['Repairs', 'How long will the repairs take?'],
  ['Cause', 'What did engineers blame for the damage?'],
  ['Stadium', 'How much is the stadium renovation budget?'],
  ['Volcano', 'When did the volcano on Mars erupt?'],
  ['Traffic', 'How many vehicles cross the bridge each day?'],
];

const dir = await mkdtemp(path.join(tmpdir(), 'storybot-bench-autoreply-'));
const guilds = Array.from({ length: guildCount }, (_, g) => ({
  id: snowflake(),
  name: `forum-guild-${g}`,
  channels: [
    { id: snowflake(), name: 'general' },
    ...Array.from({ length: Math.ceil(channelCount / guildCount) }, (_, c) => ({
      id: snowflake(),
      name: `questions-${c}`,
      type: 15,
    })),
  ],
}));
const forums = guilds.flatMap((g) =>
  g.channels.slice(1).map((c) => ({ guild: g.id, channel: c.id })),
);
forums.length = channelCount;
const discord = await startDiscordStandIn({ guilds });
try {
  const perGuildPerMinute = Math.ceil((posts / guildCount) * (60 / seconds)) + 10;
  const config = await benchConfig(discord, dir, {
    AUTO_REPLY_PER_MINUTE: String(perGuildPerMinute),
  });
  await presetSettings(
    config.DATABASE_URL,
    forums.map((f) => [f.guild, f.channel, 'autoReply', true] as [string, string, string, unknown]),
  );
  const bot = await startBotProcess(discord, config);
  const started: Array<{ thread: string; message: string; at: number }> = [];
  const t0 = Date.now();
  for (let i = 0; i < posts; i++) {
    const due = t0 + (i * seconds * 1000) / posts;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    const forum = forums[i % forums.length]!;
    const [title, content] = POSTS[i % POSTS.length]!;
    const { thread, message } = discord.sendForumPost({
      channelId: forum.channel,
      title: title!,
      content: content!,
      author: { id: snowflake() },
    });
    started.push({ thread: thread.id as string, message: message.id as string, at: Date.now() });
  }
  // Give the last posts time to be answered.
  const until = Date.now() + 30_000;
  const repliesTo = (p: (typeof started)[number]) =>
    discord.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === `/channels/${p.thread}/messages` &&
        r.status < 300 &&
        r.body?.message_reference?.message_id === p.message,
    );
  while (Date.now() < until && started.some((p) => repliesTo(p).length === 0))
    await new Promise((resolve) => setTimeout(resolve, 200));
  await bot.settled(30_000);
  await bot.stop();

  const latencies: number[] = [];
  let answered = 0;
  let noted = 0;
  let duplicates = 0;
  let missed = 0;
  for (const p of started) {
    const replies = repliesTo(p);
    if (replies.length === 0) missed += 1;
    if (replies.length > 1) duplicates += 1;
    const first = replies[0];
    if (!first) continue;
    latencies.push(first.time - p.at);
    if ((first.body.embeds ?? []).length > 0) answered += 1;
    else noted += 1;
  }
  const errors = discord.requests.filter((r) => r.status >= 400 && r.status !== 429).length;
  const result = {
    posts,
    channels: channelCount,
    guilds: guildCount,
    seconds,
    answered,
    noted,
    missed,
    duplicates,
    p50Ms: Math.round(percentile(latencies, 50)),
    p95Ms: Math.round(percentile(latencies, 95)),
    maxMs: Math.round(Math.max(...latencies)),
    rateLimited429: discord.rateLimitStats.limited,
    otherErrors: errors,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      `${posts} forum posts over ${seconds} s in ${channelCount} forums (${guildCount} servers): ${answered} answered, ${noted} noted, ${missed} missed, ${duplicates} duplicated; post → reply p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, max ${result.maxMs} ms; 429s from exceeded buckets: ${result.rateLimited429}; other errors: ${errors}\n`,
    );
} finally {
  await discord.close();
  await rm(dir, { recursive: true, force: true });
}
