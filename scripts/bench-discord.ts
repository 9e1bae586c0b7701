/**
 * `npm run bench:discord -- [--concurrency 200] [--guilds 50] [--rounds 1] [--json]`
 *
 * N concurrent `/ask` through the loopback Discord stand-in, answered by the real bot (real
 * discord.js client, real index built from the test fixture corpus, offline extractive answerer).
 * Latency is end to end: from the moment the stand-in dispatches INTERACTION_CREATE to the moment
 * it receives the final edit of the deferred reply. Questions are spread over several guilds so the
 * per-guild cap (GUILD_MAX_CONCURRENT) admits them all; a refused or failed question is an error.
 * The bot runs in its own process, as it would in production, so the stand-in's work (JSON,
 * WebSocket compression, bookkeeping) does not eat into the bot's event loop.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { snowflake, startDiscordStandIn } from '../testkit/discord/standin.js';
import { benchConfig } from './lib/community-bench.js';
import { callbackOf, originalEditOf, percentile, startBotProcess } from './lib/discord-bench.js';

const QUESTIONS = [
  'How many vehicles cross the bridge each day?',
  'How long will the bridge repairs take?',
  'What did engineers blame for the damage?',
  'Which councillor voted against the plan?',
  'How much is the stadium renovation budget?',
  'Who is the mayor?',
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      concurrency: { type: 'string', default: '200' },
      guilds: { type: 'string' },
      rounds: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
    },
  });
  const concurrency = Number(values.concurrency);
  const rounds = Number(values.rounds);
  const perGuild = 4;
  const guildCount = Number(values.guilds ?? Math.max(1, Math.ceil(concurrency / perGuild)));
  if (
    !Number.isInteger(concurrency) ||
    concurrency < 1 ||
    !Number.isInteger(guildCount) ||
    guildCount < 1
  ) {
    throw new Error('--concurrency and --guilds must be positive integers');
  }

  const dir = await mkdtemp(path.join(tmpdir(), 'storybot-bench-discord-'));
  const guilds = Array.from({ length: guildCount }, (_, i) => ({
    id: snowflake(),
    name: `bench-${i}`,
    channels: [{ id: snowflake(), name: 'general' }],
  }));
  const discord = await startDiscordStandIn({ guilds });
  try {
    const config = await benchConfig(discord, dir, {
      GUILD_MAX_CONCURRENT: String(Math.ceil(concurrency / guildCount)),
      USER_COOLDOWN_SECONDS: '5',
      LOG_LEVEL: 'warn',
    });
    const bot = await startBotProcess(discord, config);
    const settled = async () => {
      // Wait until the bot has released every question slot of the previous phase.
      if (!(await bot.settled(60_000))) throw new Error('the bot did not settle within 60 s');
    };
    const editOf = (token: string) => originalEditOf(discord, { token });
    const callbackFor = (id: string, token: string) => callbackOf({ id, token });

    // Warm-up: first questions pay for lazy initialisation (JIT, caches); they are not counted.
    for (const question of QUESTIONS) {
      const i = discord.sendInteraction({
        commandName: 'ask',
        options: { question },
        user: { id: snowflake() },
        guildId: guilds[0]!.id,
        channelId: guilds[0]!.channels[0]!.id,
      });
      await discord.waitForRequest(editOf(i.token), 10_000);
    }
    await settled();

    const latencies: number[] = [];
    const errors: string[] = [];
    const started = Date.now();
    for (let round = 0; round < rounds; round++) {
      const from = discord.requests.length;
      const sent = Array.from({ length: concurrency }, (_, k) => {
        const guild = guilds[k % guildCount]!;
        const payload = discord.sendInteraction({
          commandName: 'ask',
          options: { question: QUESTIONS[k % QUESTIONS.length]! },
          user: { id: snowflake() },
          guildId: guild.id,
          channelId: guild.channels[0]!.id,
        });
        return { payload, at: Date.now() };
      });
      await Promise.all(
        sent.map(async ({ payload, at }) => {
          try {
            const callback = await discord.waitForRequest(
              callbackFor(payload.id, payload.token),
              30_000,
              { from },
            );
            if (callback.status >= 300 || callback.body?.type !== 5) {
              errors.push(
                `not deferred (HTTP ${callback.status}, type ${callback.body?.type}): ${String(callback.body?.data?.content ?? '').slice(0, 80)}`,
              );
              return;
            }
            const edit = await discord.waitForRequest(editOf(payload.token), 30_000, { from });
            if (!/\[\d+\]/.test(String(edit.body?.content)))
              errors.push(`answer without citation: ${String(edit.body?.content).slice(0, 80)}`);
            latencies.push(edit.time - at);
          } catch (error) {
            errors.push((error as Error).message.split('\n')[0]!);
          }
        }),
      );
      await settled();
    }
    const wallMs = Date.now() - started;
    const failedLogs = bot.stderr.filter((l) => /"level":[56]0/.test(l)).length;
    await bot.stop();

    latencies.sort((a, b) => a - b);
    const report = {
      command: `npm run bench:discord -- --concurrency ${concurrency}${values.guilds ? ` --guilds ${guildCount}` : ''}${rounds > 1 ? ` --rounds ${rounds}` : ''}`,
      concurrency,
      rounds,
      guilds: guildCount,
      questions: concurrency * rounds,
      answered: latencies.length,
      errors: errors.length + failedLogs,
      rateLimited429: discord.rateLimitStats.limited,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      maxMs: latencies.at(-1) ?? NaN,
      wallMs,
      questionsPerSecond: Math.round(((concurrency * rounds) / wallMs) * 1000 * 10) / 10,
      machine: `${cpus().length} cores, Node ${process.version}`,
      answerer: 'extractive (offline)',
      sampleErrors: [...new Set(errors)].slice(0, 5),
    };
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      process.stdout.write(
        [
          `${report.command}`,
          `  ${report.questions} concurrent /ask over ${guildCount} guilds (${report.machine}, ${report.answerer})`,
          `  answered ${report.answered}, errors ${report.errors}, 429s from exceeded buckets ${report.rateLimited429}`,
          `  end-to-end latency p50 ${report.p50Ms} ms, p95 ${report.p95Ms} ms, max ${report.maxMs} ms`,
          `  wall ${wallMs} ms, ${report.questionsPerSecond} questions/s`,
          ...report.sampleErrors.map((e) => `  error: ${e}`),
        ].join('\n') + '\n',
      );
    }
  } finally {
    await discord.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-discord failed: ${(error as Error).message}\n`);
  process.exit(1);
});
