/**
 * `npm run bench:durability -- [--postgres] [--rate 50] [--kill-after 4] [--json]`
 *
 * Nothing acknowledged is lost when the bot is killed mid-write: the bot runs in its own process
 * against the loopback stand-in and its database (a SQLite file, or with --postgres a throwaway
 * PostgreSQL cluster with fsync on); /ask arrives at `--rate` per second from distinct users, and
 * every fifth delivered answer gets a 👍. After `--kill-after` seconds the bot gets SIGKILL. It is
 * then started again on the same database (migrations and WAL recovery must pass), stopped, and
 * the database is checked: every answer whose reply Discord received, and every vote whose "thanks"
 * Discord received, must be there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/open.js';
import { parseCustomId } from '../src/discord/format.js';
import {
  snowflake,
  startDiscordStandIn,
  type RecordedRequest,
} from '../testkit/discord/standin.js';
import { startPostgres } from '../testkit/postgres.js';
import { benchConfig } from './lib/community-bench.js';
import { startBotProcess } from './lib/discord-bench.js';

const { values } = parseArgs({
  options: {
    postgres: { type: 'boolean' },
    rate: { type: 'string', default: '50' },
    'kill-after': { type: 'string', default: '4' },
    json: { type: 'boolean' },
  },
});
const rate = Number(values.rate);
const killAfterMs = Number(values['kill-after']) * 1000;
const QUESTIONS = [
  'When did the Harbor Bridge close?',
  'How long will the repairs take?',
  'What did engineers blame for the damage?',
  'How much is the stadium renovation budget?',
];

/** Answer ids in the buttons of a delivered reply (the id the bot logged the answer under). */
function answerIdOf(r: RecordedRequest): string | undefined {
  for (const row of (r.body?.components ?? []) as Array<{
    components?: Array<{ custom_id?: string }>;
  }>)
    for (const c of row.components ?? []) {
      const action = parseCustomId(c.custom_id ?? '');
      if (action && action.kind !== 'page') return action.answerId;
    }
  return undefined;
}

const dir = await mkdtemp(path.join(tmpdir(), 'storybot-bench-durability-'));
const cluster = values.postgres ? await startPostgres({ durable: true }) : undefined;
const guilds = Array.from({ length: 4 }, (_, i) => ({
  id: snowflake(),
  name: `g${i}`,
  channels: [{ id: snowflake(), name: 'general' }],
}));
const discord = await startDiscordStandIn({ guilds, interactionDeadlineMs: 15_000 });
try {
  const config = await benchConfig(discord, dir, {
    ...(cluster ? { DATABASE_URL: cluster.url } : {}),
    GUILD_MAX_CONCURRENT: '100',
    USER_COOLDOWN_SECONDS: '0',
  });
  const bot = await startBotProcess(discord, config);
  const acknowledgedAnswers = new Set<string>();
  const voteTokens = new Map<string, string>();
  let sent = 0;
  let votesSent = 0;
  const t0 = Date.now();
  let killedAt = 0;
  while (Date.now() - t0 < killAfterMs) {
    const due = t0 + (sent * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    const guild = guilds[sent % guilds.length]!;
    discord.sendInteraction({
      commandName: 'ask',
      options: { question: QUESTIONS[sent % QUESTIONS.length]! },
      user: { id: snowflake() },
      guildId: guild.id,
      channelId: guild.channels[0]!.id,
    });
    sent += 1;
    // Vote on every fifth answer delivered so far, once.
    for (const r of discord.requests) {
      const id = r.method === 'PATCH' && r.status < 300 ? answerIdOf(r) : undefined;
      if (!id || acknowledgedAnswers.has(id)) continue;
      acknowledgedAnswers.add(id);
      if (acknowledgedAnswers.size % 5 !== 1) continue;
      const vote = discord.sendInteraction({
        kind: 'component',
        customId: `sb:fb:up:${id}`,
        messageId: r.response?.id as string,
        user: { id: snowflake() },
        guildId: guild.id,
        channelId: r.response?.channel_id as string,
      });
      voteTokens.set(vote.token as string, id);
      votesSent += 1;
    }
  }
  bot.child.kill('SIGKILL');
  killedAt = Date.now();
  await new Promise((resolve) => bot.child.once('exit', resolve));
  // What Discord had received from the bot by the time it died.
  const answers = new Set<string>();
  const votes = new Set<string>();
  for (const r of discord.requests) {
    if (r.time > killedAt) continue;
    const id = r.method === 'PATCH' && r.status < 300 ? answerIdOf(r) : undefined;
    if (id) answers.add(id);
    const token = /^\/interactions\/\d+\/([^/]+)\/callback$/.exec(r.path)?.[1];
    if (token && voteTokens.has(token) && /Thanks/.test(String(r.body?.data?.content)))
      votes.add(voteTokens.get(token)!);
  }
  // A fresh process on the same database: migrations and recovery must pass.
  const restarted = await startBotProcess(discord, config);
  await restarted.stop();
  const database = await openDatabase(config.DATABASE_URL);
  const loggedAnswers = new Set(
    (await database.db.selectFrom('answers').select('id').execute()).map((r) => r.id),
  );
  const loggedVotes = new Set(
    (await database.db.selectFrom('feedback').select('answer_id').execute()).map(
      (r) => r.answer_id,
    ),
  );
  await database.close();
  const result = {
    engine: cluster ? 'postgres' : 'sqlite',
    rate,
    sent,
    secondsBeforeKill: (killedAt - t0) / 1000,
    acknowledgedAnswers: answers.size,
    answersLogged: loggedAnswers.size,
    acknowledgedAnswersMissing: [...answers].filter((id) => !loggedAnswers.has(id)).length,
    votesSent,
    acknowledgedVotes: votes.size,
    acknowledgedVotesMissing: [...votes].filter((id) => !loggedVotes.has(id)).length,
    restartedCleanly: true,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      `${result.engine}: ${sent} /ask at ${rate}/s, SIGKILL after ${result.secondsBeforeKill.toFixed(1)} s; acknowledged answers ${answers.size}, logged ${loggedAnswers.size}, acknowledged but missing ${result.acknowledgedAnswersMissing}; acknowledged votes ${votes.size}, missing ${result.acknowledgedVotesMissing}; restart after kill: ok\n`,
    );
} finally {
  await discord.close();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
}
