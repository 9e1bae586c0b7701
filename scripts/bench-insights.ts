/**
 * `npm run bench:insights -- [--answers 10000] [--days 14] [--postgres] [--out docs/insights.png] [--json]`
 *
 * Logs a synthetic, seeded history of answers and votes for one server into a fresh database
 * (SQLite in a temp dir, or a throwaway PostgreSQL cluster with --postgres), then times building
 * the /insights report (queries, gap grouping, chart to PNG) the way the command does, and writes
 * the chart. Prints figures, and JSON with --json.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/open.js';
import { StateStore } from '../src/db/state.js';
import { buildInsights } from '../src/insights/report.js';
import { PermissionFlagsBits } from 'discord.js';
import { MEMBER_PERMISSIONS, startDiscordStandIn } from '../testkit/discord/standin.js';
import { startPostgres } from '../testkit/postgres.js';
import { benchConfig } from './lib/community-bench.js';
import { originalEditOf, startBotProcess } from './lib/discord-bench.js';
import { mulberry32 } from './lib/random.js';

const { values } = parseArgs({
  options: {
    answers: { type: 'string', default: '10000' },
    days: { type: 'string', default: '14' },
    postgres: { type: 'boolean' },
    out: { type: 'string', default: 'insights.png' },
    json: { type: 'boolean' },
    /** Also ask the bot, in its own process through the loopback stand-in, and time the reply. */
    wire: { type: 'boolean' },
  },
});
const total = Number(values.answers);
const days = Number(values.days);
const GUILD = '100000000000000001';

/** Refused questions come in a few recurring themes, worded differently, as real gaps do. */
const GAP_THEMES = [
  [
    'When will the ferry service resume?',
    'when does the ferry run again',
    'Ferry service resume date?',
  ],
  ['What is the detour for trucks?', 'Which detour should trucks use?', 'truck detour route'],
  ['Who pays for the repairs?', 'who is paying for repairs', 'Who will pay the repair bill?'],
  ['Is the bike lane open?', 'is the bike lane still open', 'Bike lane open or closed?'],
  ['How many jobs were lost?', 'how many jobs lost because of it'],
];
const ANSWERED = [
  'When did it close?',
  'Who inspected it?',
  'How much will it cost?',
  'Why did it close?',
];

async function seed(store: StateStore, now: Date): Promise<void> {
  const random = mulberry32(11);
  const start = now.getTime() - days * 86_400_000;
  const rows = [];
  for (let i = 0; i < total; i++) {
    // More questions on recent days, and a weekly rhythm, so the chart has a shape.
    const t = start + Math.sqrt(random()) * days * 86_400_000;
    const weekday = new Date(t).getUTCDay();
    if ((weekday === 0 || weekday === 6) && random() < 0.4) {
      i -= 1;
      continue;
    }
    const refused = random() < 0.18;
    const theme = GAP_THEMES[Math.floor(random() ** 1.6 * GAP_THEMES.length)]!;
    rows.push({
      id: `a${i}`,
      at: new Date(Math.min(t, now.getTime() - 1)),
      guildId: GUILD,
      channelId: '200',
      userId: String(1_000_000 + Math.floor(random() * 3_000)),
      via: random() < 0.5 ? 'auto' : 'slash',
      question: refused
        ? theme[Math.floor(random() * theme.length)]!
        : ANSWERED[Math.floor(random() * ANSWERED.length)]!,
      refused,
      latencyMs: 3 + random() * 12 + (random() < 0.05 ? 200 : 0),
      citations: refused ? [] : ['x#0'],
      answerer: 'extractive',
    });
  }
  for (let i = 0; i < rows.length; i += 500)
    await Promise.all(rows.slice(i, i + 500).map((row) => store.logAnswer(row)));
  for (const row of rows.filter(() => random() < 0.06))
    await store.recordVote({
      answerId: row.id,
      userId: row.userId,
      vote: row.refused || random() < 0.2 ? 'down' : 'up',
      question: row.question,
      guildId: GUILD,
      at: row.at,
    });
}

/** Times /insights asked by an admin of the bot running in its own process on this database. */
async function askOverTheWire(databaseUrl: string, workDir: string) {
  const discord = await startDiscordStandIn({
    guilds: [{ id: GUILD, channels: [{ id: '200', name: 'general' }] }],
  });
  try {
    const config = await benchConfig(discord, path.join(workDir, 'bot'), {
      DATABASE_URL: databaseUrl,
    });
    const bot = await startBotProcess(discord, config);
    try {
      const interaction = discord.sendInteraction({
        commandName: 'insights',
        guildId: GUILD,
        channelId: '200',
        permissions: MEMBER_PERMISSIONS | PermissionFlagsBits.ManageGuild,
        options: { days },
      });
      const sentAt = Date.now();
      const edit = await discord.waitForRequest(
        originalEditOf(discord, interaction as { token: string }),
        30_000,
      );
      return {
        replyMs: edit.time - sentAt,
        contentChars: String(edit.body?.content ?? '').length,
        attachmentBytes: edit.files[0]?.size ?? 0,
        status: edit.status,
      };
    } finally {
      await bot.stop();
    }
  } finally {
    await discord.close();
  }
}

const dir = await mkdtemp(path.join(tmpdir(), 'storybot-insights-'));
const cluster = values.postgres ? await startPostgres() : undefined;
try {
  const url = cluster?.url ?? path.join(dir, 'state.db');
  const store = await StateStore.open(await openDatabase(url));
  const now = new Date();
  const seedStart = Date.now();
  await seed(store, now);
  const seedMs = Date.now() - seedStart;
  const timings: number[] = [];
  let png: Buffer = Buffer.alloc(0);
  let questions = 0;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const report = await buildInsights(store.db, { guildId: GUILD, days, now });
    timings.push(performance.now() - t0);
    png = report.png;
    questions = report.data.questions;
  }
  await writeFile(values.out!, png);
  await store.close();
  const wire = values.wire ? await askOverTheWire(url, dir) : undefined;
  const result = {
    engine: cluster ? 'postgres' : 'sqlite',
    answers: total,
    inPeriod: questions,
    days,
    seedSeconds: seedMs / 1000,
    reportMs: { first: Math.round(timings[0]!), min: Math.round(Math.min(...timings)) },
    pngBytes: png.length,
    out: values.out,
    ...(wire ? { wire } : {}),
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      (wire
        ? `over the wire: /insights replied in ${wire.replyMs} ms (interaction → edited reply with chart), content ${wire.contentChars} chars, attachment ${wire.attachmentBytes} bytes\n`
        : '') +
        `${result.engine}: ${total} answers logged in ${result.seedSeconds.toFixed(1)} s; /insights report over ${questions} answers in the period: first ${result.reportMs.first} ms, best of 3 ${result.reportMs.min} ms; chart ${png.length} bytes → ${values.out}\n`,
    );
} finally {
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
}
