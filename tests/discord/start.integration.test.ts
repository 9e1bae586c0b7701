/**
 * `npm start` as an operator runs it: the compiled entry point in its own process, configured
 * only through the environment. Bad configuration stops it with a clean message; SIGTERM (to
 * `node dist/cli/storybot.js bot`, or to the `npm start` process a supervisor started) lets the
 * answer in flight finish and exits 0 well within the 25 s drain.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildIndex } from '../../src/rag/build.js';
import {
  fakeBotToken,
  snowflake,
  startDiscordStandIn,
  type DiscordStandIn,
} from '../support/discord-standin.js';
import { REPO_ROOT } from '../support/core.js';
import { DIST_ENTRY, ensureDistBuilt } from '../support/dist.js';

/** The drain a supervisor allows after SIGTERM (docker stop's default is 10 s; ours is 25 s). */
const DRAIN_MS = 25_000;

/**
 * Runs the bot with exactly `env` (plus PATH and HOME), collecting its output: `node` runs the
 * compiled entry from an empty directory (no .env file there can fill in what the test leaves
 * out); `npm` runs `npm start` in the repository, as a process manager would.
 */
function startBotProcess(
  env: Record<string, string>,
  how: 'node' | 'npm' = 'node',
): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  let output = '';
  const [command, args, cwd] =
    how === 'node'
      ? [process.execPath, [DIST_ENTRY, 'bot'], tmpdir()]
      : ['npm', ['start', '--silent'], REPO_ROOT];
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

/** Process ids whose parent is `pid` (the bot under `npm start`). */
function childrenOf(pid: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map(Number);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => ensureDistBuilt(), 120_000);

describe('npm start', () => {
  it('stops with a message naming each bad variable and pointing to npm run chat, without a stack trace', async () => {
    const run = startBotProcess({ DISCORD_CLIENT_ID: 'not-digits', USER_COOLDOWN_SECONDS: 'soon' });
    expect(await run.exit).toBe(1);
    const text = run.output();
    expect(text).toContain('DISCORD_TOKEN: is required');
    expect(text).toContain('DISCORD_CLIENT_ID: must be the application id');
    expect(text).toContain('USER_COOLDOWN_SECONDS');
    expect(text).toContain('npm run chat');
    expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });

  describe('with a valid configuration', () => {
    let discord: DiscordStandIn;
    let dir: string;
    let env: Record<string, string>;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'storybot-start-'));
      await cp(path.resolve('tests/fixtures/discord/corpus'), path.join(dir, 'corpus'), {
        recursive: true,
      });
      discord = await startDiscordStandIn();
      env = {
        DISCORD_TOKEN: fakeBotToken(discord.botUser.id),
        DISCORD_CLIENT_ID: discord.applicationId,
        DISCORD_API_URL: discord.restUrl,
        CORPUS_DIR: path.join(dir, 'corpus'),
        INDEX_DIR: path.join(dir, 'index'),
        CACHE_DIR: path.join(dir, 'cache'),
        WORD_VECTORS_DIR: path.resolve('data/cache/wordvectors'),
        FEEDBACK_FILE: path.join(dir, 'feedback.jsonl'),
        LOG_LEVEL: 'info',
      };
      await buildIndex({ config: loadConfig(env) });
    });

    afterAll(async () => {
      await discord?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it.each([
      ['node dist/cli/storybot.js bot', 'node'],
      ['npm start', 'npm'],
    ] as const)(
      '%s answers, then on SIGTERM finishes the answer in flight and exits 0, leaving no process behind',
      async (_name, how) => {
        const from = { gateway: discord.gatewayLog.length, requests: discord.requests.length };
        const run = startBotProcess(env, how);
        let bots: number[] = [];
        try {
          await discord.waitForGateway((g) => g.type === 'identify', 30_000, {
            from: from.gateway,
          });
          bots = how === 'npm' ? childrenOf(run.child.pid!) : [run.child.pid!];
          expect(bots).toHaveLength(1);
          const interaction = discord.sendInteraction({
            commandName: 'ask',
            options: { question: 'Who is the mayor?' },
            user: { id: snowflake() },
          });
          const edit = (r: { method: string; path: string }) =>
            r.method === 'PATCH' &&
            r.path === `/webhooks/${discord.applicationId}/${interaction.token}/messages/@original`;
          await discord.waitForRequest(
            (r) =>
              r.method === 'POST' &&
              r.path === `/interactions/${interaction.id}/${interaction.token}/callback`,
            15_000,
            { from: from.requests },
          );
          // Hold the answer on the wire so the signal arrives while it is in flight.
          discord.faults.delay(edit, 500);
          const signalledAt = Date.now();
          run.child.kill('SIGTERM');
          expect(await run.exit).toBe(0);
          expect(Date.now() - signalledAt).toBeLessThan(DRAIN_MS);
          // The bot itself is gone too, not re-parented and still connected.
          for (const pid of bots) expect(isRunning(pid)).toBe(false);
          const answer = await discord.waitForRequest(edit, 1_000, { from: from.requests });
          expect(answer.body.content).toContain('Lena Ortiz');
          const lines = run
            .output()
            .split('\n')
            .filter((l) => l.startsWith('{'));
          expect(
            lines.some(
              (l) => l.includes('"event":"shutdown-complete"') && l.includes('"finished":true'),
            ),
          ).toBe(true);
          expect(run.output()).not.toContain(env.DISCORD_TOKEN);
        } finally {
          if (run.child.exitCode === null) run.child.kill('SIGKILL');
          for (const pid of bots) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
        }
      },
      60_000,
    );
  });
});
