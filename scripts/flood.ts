/**
 * `npm run bench:flood -- [--duration 20] [--flood-rate 50] [--guilds 40] [--users 2]
 *   [--interval 6] [--crowd 10] [--json]`
 *
 * Abuse under load, through the loopback Discord stand-in, against the real bot in its own process
 * (real discord.js client, real index built from the Discord fixture corpus, extractive answerer):
 *
 * - one user floods one guild with questions as fast as `--flood-rate` allows, alternating `/ask`
 *   and mentions (some carrying `@everyone`);
 * - a crowd of `--crowd` distinct users asks at the same instant every 4 s in another guild, more
 *   than the per-guild cap admits;
 * - `--users` normal users in each of `--guilds` guilds (the flooded one included) ask every
 *   `--interval` seconds, half by `/ask`, half by mention;
 * - halfway through, an admin runs `/reindex`.
 *
 * It reports what each group got back and counts as errors: an `/ask` with no response or a
 * deferred one never completed, a normal or crowd mention with no reply, a flood mention that was
 * neither answered, nor noticed, nor logged as limited, any 4xx/5xx the stand-in answered, a bot
 * error log line, a bot crash, a normal user refused or unanswered, a failed re-index. Discord's
 * real 3-second deadline for the first response applies, so a starved bot shows up as errors.
 * Deterministic: schedules and questions come from fixed lists and a seeded generator.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PermissionFlagsBits } from 'discord.js';
import {
  MEMBER_PERMISSIONS,
  snowflake,
  startDiscordStandIn,
  type RecordedRequest,
} from '../testkit/discord/standin.js';
import { benchConfig } from './lib/community-bench.js';
import {
  interactionTokenOf,
  originalEditOf,
  percentile,
  startBotProcess,
  type BotProcess,
} from './lib/discord-bench.js';
import { mulberry32 } from './lib/random.js';

const QUESTIONS = [
  'How many vehicles cross the bridge each day?',
  'How long will the bridge repairs take?',
  'What did engineers blame for the damage?',
  'Which councillor voted against the plan?',
  'How much is the stadium renovation budget?',
  'Who is the mayor?',
];
const COOLDOWN_SECONDS = 5;
const GUILD_CAP = 4;
const CROWD_EVERY_MS = 4_000;
/** How long, after the last question, replies may take before they count as missing. */
const DRAIN_MS = 30_000;

type Role = 'flood' | 'crowd' | 'normal' | 'admin';
type Via = 'slash' | 'mention';

/** One question (or command) sent, and what came of it. */
interface Sent {
  role: Role;
  via: Via;
  guildIndex: number;
  at: number;
  /** Interaction token (slash) or message id (mention). */
  key: string;
  outcome?: 'answered' | 'cooldown' | 'cap' | 'other-notice' | 'error';
  repliedAt?: number;
  cited?: boolean;
  error?: string;
}

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
}

/** Which notice a text is, if any. */
function noticeKind(content: string): Sent['outcome'] | undefined {
  if (/asking quickly/.test(content)) return 'cooldown';
  if (/answering several questions in this server/.test(content)) return 'cap';
  return undefined;
}

/** Everything the stand-in answered, indexed by what it belongs to (built incrementally). */
class RequestIndex {
  readonly callbacks = new Map<string, RecordedRequest>();
  readonly firstEdits = new Map<string, RecordedRequest>();
  readonly edits = new Map<string, RecordedRequest[]>();
  readonly replies = new Map<string, RecordedRequest>();
  readonly failed: RecordedRequest[] = [];
  pings = 0;
  private cursor = 0;

  constructor(
    private readonly requests: RecordedRequest[],
    private readonly applicationId: string,
  ) {}

  update(): void {
    for (; this.cursor < this.requests.length; this.cursor++) {
      const r = this.requests[this.cursor]!;
      if (r.status >= 400) this.failed.push(r);
      if (r.pings && (r.pings.everyone || r.pings.users.length || r.pings.roles.length))
        this.pings++;
      const token = interactionTokenOf(r);
      if (r.method === 'POST' && token && r.path.endsWith('/callback')) {
        if (!this.callbacks.has(token)) this.callbacks.set(token, r);
      } else if (
        token &&
        r.method === 'PATCH' &&
        r.path === `/webhooks/${this.applicationId}/${token}/messages/@original` &&
        r.status < 300
      ) {
        if (!this.firstEdits.has(token)) this.firstEdits.set(token, r);
        this.edits.set(token, [...(this.edits.get(token) ?? []), r]);
      } else if (r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path)) {
        const ref = r.body?.message_reference?.message_id as string | undefined;
        if (ref && !this.replies.has(ref)) this.replies.set(ref, r);
      }
    }
  }
}

/** Decides what came of one question from the indexed requests; undefined while still pending. */
function settle(item: Sent, index: RequestIndex): boolean {
  if (item.outcome) return true;
  if (item.via === 'mention') {
    const reply = index.replies.get(item.key);
    if (!reply) return false;
    if (reply.status >= 300) {
      item.outcome = 'error';
      item.error = `reply answered HTTP ${reply.status}`;
      return true;
    }
    const content = String(reply.body?.content ?? '');
    item.outcome = noticeKind(content) ?? 'answered';
    item.cited = /\[\d+\]/.test(content);
    item.repliedAt = reply.time;
    return true;
  }
  const callback = index.callbacks.get(item.key);
  if (!callback) return false;
  if (callback.status >= 300) {
    item.outcome = 'error';
    item.error = `interaction callback answered HTTP ${callback.status}`;
    return true;
  }
  if (callback.body?.type === 4) {
    const content = String(callback.body?.data?.content ?? '');
    item.outcome = noticeKind(content) ?? 'other-notice';
    item.repliedAt = callback.time;
    return true;
  }
  const edit = index.firstEdits.get(item.key);
  if (!edit) return false;
  item.outcome = 'answered';
  item.cited = /\[\d+\]/.test(String(edit.body?.content));
  item.repliedAt = edit.time;
  return true;
}

function countBy(items: readonly Sent[], outcome: Sent['outcome']): number {
  return items.filter((i) => i.outcome === outcome).length;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '20' },
      'flood-rate': { type: 'string', default: '50' },
      guilds: { type: 'string', default: '40' },
      users: { type: 'string', default: '2' },
      interval: { type: 'string', default: '6' },
      crowd: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
    },
  });
  const durationMs = positiveInt('duration', values.duration) * 1000;
  const floodRate = positiveInt('flood-rate', values['flood-rate']);
  const guildCount = positiveInt('guilds', values.guilds);
  const usersPerGuild = positiveInt('users', values.users);
  const intervalMs = Number(values.interval) * 1000;
  const crowdSize = positiveInt('crowd', values.crowd);
  if (!(intervalMs >= (COOLDOWN_SECONDS + 0.5) * 1000)) {
    throw new Error(
      `--interval must be at least ${COOLDOWN_SECONDS + 0.5} s (normal users respect the cooldown)`,
    );
  }

  const dir = await mkdtemp(path.join(tmpdir(), 'storybot-flood-'));
  // Guild 0 is flooded; the last one hosts the crowd; every other guild has only normal users.
  const guilds = Array.from({ length: guildCount + 1 }, (_, i) => ({
    id: snowflake(),
    name: i === guildCount ? 'crowd' : `guild-${i}`,
    channels: [{ id: snowflake(), name: 'general' }],
  }));
  const crowdGuild = guildCount;
  const discord = await startDiscordStandIn({ guilds });
  let bot: BotProcess | undefined;
  try {
    const config = await benchConfig(discord, dir, {
      GUILD_MAX_CONCURRENT: String(GUILD_CAP),
      USER_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS),
      // Info level: limited questions are logged, which is how silently dropped flood mentions
      // (one notice per window, by design) are told apart from lost ones.
      LOG_LEVEL: 'info',
    });
    bot = await startBotProcess(discord, config);
    const index = new RequestIndex(discord.requests, discord.applicationId);
    const channelOf = (g: number) => guilds[g]!.channels[0]!.id;

    // Warm-up (not counted): the first questions pay for lazy initialisation.
    for (const question of QUESTIONS) {
      const i = discord.sendInteraction({
        commandName: 'ask',
        options: { question },
        user: { id: snowflake() },
        guildId: guilds[1 % guildCount]!.id,
        channelId: channelOf(1 % guildCount),
      });
      await discord.waitForRequest(originalEditOf(discord, i), 10_000);
    }
    if (!(await bot.settled(30_000))) throw new Error('the bot did not settle after warm-up');
    const warmupRequests = discord.requests.length;
    index.update();
    index.failed.length = 0;
    index.pings = 0;

    const sent: Sent[] = [];
    const ask = (role: Role, via: Via, g: number, userId: string, question: string): void => {
      const at = Date.now();
      if (via === 'slash') {
        const i = discord.sendInteraction({
          commandName: 'ask',
          options: { question },
          user: { id: userId },
          guildId: guilds[g]!.id,
          channelId: channelOf(g),
        });
        sent.push({ role, via, guildIndex: g, at, key: i.token as string });
      } else {
        const m = discord.sendMessage({
          content: `<@${discord.botUser.id}> ${question}`,
          author: { id: userId },
          channelId: channelOf(g),
        });
        sent.push({ role, via, guildIndex: g, at, key: m.id as string });
      }
    };

    // The normal users' schedule: first question spread over one interval, then every interval
    // with ±0.4 s of jitter (never under the cooldown).
    const random = mulberry32(20_260_501);
    const schedule: Array<{ at: number; g: number; user: string; via: Via; q: string }> = [];
    for (let g = 0; g < guildCount; g++) {
      for (let u = 0; u < usersPerGuild; u++) {
        const user = snowflake();
        let t = random() * intervalMs;
        let n = 0;
        while (t < durationMs) {
          schedule.push({
            at: t,
            g,
            user,
            via: u % 2 === 0 ? 'slash' : 'mention',
            q: QUESTIONS[(g + u + n) % QUESTIONS.length]!,
          });
          t += intervalMs + (random() - 0.5) * 800;
          n++;
        }
      }
    }
    schedule.sort((a, b) => a.at - b.at);

    const floodUser = snowflake();
    let floodSent = 0;
    let nextNormal = 0;
    let crowdBursts = 0;
    let admin: { token: string; at: number } | undefined;
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const elapsed = Date.now() - started;
        if (elapsed >= durationMs) {
          clearInterval(tick);
          resolve();
          return;
        }
        // Catch up to the flood rate whatever the timer granularity.
        for (const due = Math.floor((elapsed / 1000) * floodRate); floodSent < due; floodSent++) {
          const base = QUESTIONS[floodSent % QUESTIONS.length]!;
          const question = floodSent % 5 === 4 ? `@everyone ${base}` : base;
          ask('flood', floodSent % 2 === 0 ? 'slash' : 'mention', 0, floodUser, question);
        }
        for (; nextNormal < schedule.length && schedule[nextNormal]!.at <= elapsed; nextNormal++) {
          const s = schedule[nextNormal]!;
          ask('normal', s.via, s.g, s.user, s.q);
        }
        if (elapsed >= 2_000 + crowdBursts * CROWD_EVERY_MS) {
          for (let c = 0; c < crowdSize; c++)
            ask('crowd', 'slash', crowdGuild, snowflake(), QUESTIONS[c % QUESTIONS.length]!);
          crowdBursts++;
        }
        if (!admin && elapsed >= durationMs / 2) {
          const i = discord.sendInteraction({
            commandName: 'reindex',
            permissions: MEMBER_PERMISSIONS | PermissionFlagsBits.ManageGuild,
            user: { id: snowflake() },
            guildId: guilds[1 % guildCount]!.id,
            channelId: channelOf(1 % guildCount),
          });
          admin = { token: i.token as string, at: Date.now() };
        }
      }, 5);
    });
    const sendingEndedAt = Date.now();

    // Drain: wait until every question that must get a reply has one, and the re-index ended.
    const reindexEnded = () =>
      (index.edits.get(admin?.token ?? '') ?? []).some((r) =>
        /^(✅|❌)/.test(String(r.body?.content)),
      ) || (index.callbacks.get(admin?.token ?? '')?.body?.type ?? 5) !== 5;
    const pending = () =>
      sent.filter((i) => !settle(i, index) && !(i.role === 'flood' && i.via === 'mention'));
    while (Date.now() - sendingEndedAt < DRAIN_MS && !bot.exit) {
      index.update();
      if (pending().length === 0 && reindexEnded()) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const quiet = !bot.exit && (await bot.settled(DRAIN_MS));
    index.update();
    for (const item of sent) settle(item, index);
    const crashed = bot.exit
      ? `bot process exited (${bot.exit.signal ?? bot.exit.code}) mid-run`
      : undefined;
    const logs = bot.stderr.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return { level: 60, msg: line };
      }
    });
    const stopped = await bot.stop();
    bot = undefined;

    // Flood mentions are answered at most once per cooldown and noticed at most once per window;
    // the rest are dropped on purpose, each with a "question limited" log line.
    const limitedMentionLogs = logs.filter(
      (l) => l.event === 'limited' && l.via === 'mention',
    ).length;
    const mentionNotices = sent.filter(
      (i) => i.via === 'mention' && (i.outcome === 'cooldown' || i.outcome === 'cap'),
    ).length;
    const floodMentionsUnanswered = sent.filter(
      (i) => i.role === 'flood' && i.via === 'mention' && !i.outcome,
    );
    const quietlyLimited = Math.min(
      floodMentionsUnanswered.length,
      Math.max(0, limitedMentionLogs - mentionNotices),
    );
    const lostMentions = floodMentionsUnanswered.length - quietlyLimited;

    const errors: string[] = [];
    for (const item of sent) {
      if (item.role === 'flood' && item.via === 'mention' && !item.outcome) continue;
      if (!item.outcome) errors.push(`${item.role} ${item.via}: no reply at all`);
      else if (item.outcome === 'error') errors.push(`${item.role} ${item.via}: ${item.error}`);
      else if (item.outcome === 'other-notice')
        errors.push(`${item.role} ${item.via}: unexpected immediate reply`);
      else if (item.role === 'normal' && item.outcome !== 'answered')
        errors.push(`normal ${item.via}: refused with a ${item.outcome} notice`);
    }
    for (let k = 0; k < lostMentions; k++)
      errors.push('flood mention: no reply and no limit logged');
    for (const r of index.failed)
      errors.push(
        `stand-in answered ${r.status} to ${r.method} ${r.path.replace(/[^/]{40,}/g, '…')}`,
      );
    const errorLogs = logs.filter((l) => Number(l.level) >= 50);
    for (const l of errorLogs) errors.push(`bot logged an error: ${String(l.msg).slice(0, 120)}`);
    if (crashed) errors.push(crashed);
    if (stopped.code !== 0)
      errors.push(`bot exited with ${stopped.signal ?? stopped.code} at shutdown`);
    if (!quiet) errors.push('the bot still had work in flight 30 s after the run');

    // The admin's re-index.
    const adminCallback = admin ? index.callbacks.get(admin.token) : undefined;
    const adminFinal = admin
      ? (index.edits.get(admin.token) ?? []).find((r) => /^(✅|❌)/.test(String(r.body?.content)))
      : undefined;
    const reindexOk = Boolean(adminFinal && String(adminFinal.body?.content).startsWith('✅'));
    if (!admin) errors.push('the admin re-index was never sent');
    else if (!adminCallback || adminCallback.status >= 300 || adminCallback.body?.type !== 5)
      errors.push(
        `admin /reindex was not accepted: ${String(adminCallback?.body?.data?.content ?? 'no response').slice(0, 100)}`,
      );
    else if (!reindexOk)
      errors.push(
        `admin /reindex did not succeed: ${String(adminFinal?.body?.content ?? 'no final message').slice(0, 100)}`,
      );

    const group = (role: Role) => sent.filter((i) => i.role === role);
    const latencies = (items: Sent[]) =>
      items
        .filter((i) => i.outcome === 'answered' && i.repliedAt !== undefined)
        .map((i) => i.repliedAt! - i.at)
        .sort((a, b) => a - b);
    const normal = group('normal');
    const normalLatency = latencies(normal);
    const floodGuildNormal = normal.filter((i) => i.guildIndex === 0);
    const flood = group('flood');
    const crowd = group('crowd');
    const floodResponseMs = flood
      .filter((i) => i.repliedAt !== undefined)
      .map((i) => i.repliedAt! - i.at)
      .sort((a, b) => a - b);
    const replied = sent.filter((i) => i.repliedAt !== undefined);
    const lastReply = Math.max(sendingEndedAt, ...replied.map((i) => i.repliedAt!));
    const windowS = (lastReply - started) / 1000;
    const round1 = (n: number) => Math.round(n * 10) / 10;

    const report = {
      command: `npm run bench:flood -- --duration ${durationMs / 1000} --flood-rate ${floodRate} --guilds ${guildCount} --users ${usersPerGuild} --interval ${intervalMs / 1000} --crowd ${crowdSize}`,
      machine: `${cpus().length} cores, Node ${process.version}`,
      answerer: 'extractive (offline)',
      limits: { cooldownS: COOLDOWN_SECONDS, guildCap: GUILD_CAP, interactionDeadlineMs: 3000 },
      flood: {
        sent: flood.length,
        slash: flood.filter((i) => i.via === 'slash').length,
        mentions: flood.filter((i) => i.via === 'mention').length,
        answered: countBy(flood, 'answered'),
        cooldownNotices: countBy(flood, 'cooldown'),
        capNotices: countBy(flood, 'cap'),
        quietlyLimitedMentions: quietlyLimited,
        responseP95Ms: percentile(floodResponseMs, 95),
      },
      crowd: {
        bursts: crowdBursts,
        sent: crowd.length,
        answered: countBy(crowd, 'answered'),
        capNotices: countBy(crowd, 'cap'),
        cooldownNotices: countBy(crowd, 'cooldown'),
      },
      normal: {
        guilds: guildCount,
        users: guildCount * usersPerGuild,
        sent: normal.length,
        answered: countBy(normal, 'answered'),
        uncited: normal.filter((i) => i.outcome === 'answered' && !i.cited).length,
        p50Ms: percentile(normalLatency, 50),
        p95Ms: percentile(normalLatency, 95),
        maxMs: normalLatency.at(-1) ?? NaN,
        p95ByVia: {
          slash: percentile(latencies(normal.filter((i) => i.via === 'slash')), 95),
          mention: percentile(latencies(normal.filter((i) => i.via === 'mention')), 95),
        },
        inFloodedGuild: {
          sent: floodGuildNormal.length,
          answered: countBy(floodGuildNormal, 'answered'),
          p95Ms: percentile(latencies(floodGuildNormal), 95),
        },
      },
      overall: {
        questions: sent.length,
        handled: replied.length,
        handledPerSecond: round1(replied.length / windowS),
        answeredPerSecond: round1(countBy(sent, 'answered') / windowS),
        botRequests: discord.requests.length - warmupRequests,
      },
      reindex: {
        ok: reindexOk,
        acceptedMs: adminCallback && admin ? adminCallback.time - admin.at : NaN,
        doneMs: adminFinal && admin ? adminFinal.time - admin.at : NaN,
        result: String(adminFinal?.body?.content ?? '').slice(0, 160),
      },
      // The bot held requests back to stay under Discord's 50/s global limit (a warn line each).
      globalRateLimitWaits: logs.filter((l) => l.event === 'rate-limited' && l.global === true)
        .length,
      pings: index.pings,
      http4xx5xx: index.failed.length,
      errorLogs: errorLogs.length,
      crashes: crashed ? 1 : 0,
      errors: errors.length,
      sampleErrors: [...new Set(errors)].slice(0, 8),
    };

    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      const r = report;
      process.stdout.write(
        [
          r.command,
          `  ${r.machine}, ${r.answerer}; cooldown ${COOLDOWN_SECONDS} s, ${GUILD_CAP} questions at once per guild, Discord's 3 s deadline`,
          `  flood (1 user, ${floodRate}/s, /ask + mentions): sent ${r.flood.sent}, answered ${r.flood.answered}, cooldown notices ${r.flood.cooldownNotices}, cap notices ${r.flood.capNotices}, mentions limited quietly ${r.flood.quietlyLimitedMentions}; response p95 ${r.flood.responseP95Ms} ms`,
          `  crowd (${crowdSize} users at once, ${r.crowd.bursts} bursts): sent ${r.crowd.sent}, answered ${r.crowd.answered}, cap notices ${r.crowd.capNotices}`,
          `  normal users (${r.normal.users} in ${guildCount} guilds): sent ${r.normal.sent}, answered ${r.normal.answered} (uncited ${r.normal.uncited}); latency p50 ${r.normal.p50Ms} ms, p95 ${r.normal.p95Ms} ms, max ${r.normal.maxMs} ms`,
          `    p95 by way of asking: /ask ${r.normal.p95ByVia.slash} ms, mention ${r.normal.p95ByVia.mention} ms; the bot waited on the 50/s global REST limit ${r.globalRateLimitWaits} times`,
          `    in the flooded guild: sent ${r.normal.inFloodedGuild.sent}, answered ${r.normal.inFloodedGuild.answered}, p95 ${r.normal.inFloodedGuild.p95Ms} ms`,
          `  overall: ${r.overall.questions} questions, ${r.overall.handled} replied to (${r.overall.handledPerSecond}/s), ${r.overall.answeredPerSecond} answers/s`,
          `  admin /reindex mid-flood: ${r.reindex.ok ? 'ok' : 'FAILED'}, accepted in ${r.reindex.acceptedMs} ms, live in ${r.reindex.doneMs} ms`,
          `  pings ${r.pings}, HTTP 4xx/5xx ${r.http4xx5xx}, error logs ${r.errorLogs}, crashes ${r.crashes}, errors ${r.errors}`,
          ...r.sampleErrors.map((e) => `  error: ${e}`),
        ].join('\n') + '\n',
      );
    }
    process.exitCode = report.errors > 0 ? 1 : 0;
  } finally {
    await bot?.stop().catch(() => undefined);
    await discord.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`flood failed: ${(error as Error).message}\n`);
  process.exit(1);
});
