/**
 * `npm start` as an operator runs it: the real entry point in its own process, configured only
 * through the environment. Bad configuration stops it with a clean message; SIGTERM lets the
 * answer in flight finish and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildIndex } from '../../src/rag/build.js';
import {
  fakeBotToken,
  snowflake,
  startDiscordStandIn,
  type DiscordStandIn,
} from '../../testkit/discord/standin.js';

const ENTRY = path.resolve('src/cli/bot.ts');
/** tsx by absolute path, since the process runs from an empty directory. */
const TSX = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;

/** Runs the bot entry with exactly `env` (plus PATH), collecting its output. */
function startBotProcess(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  let output = '';
  // An empty directory as cwd: no .env file there can fill in what the test leaves out.
  const child = spawn(process.execPath, ['--import', TSX, ENTRY], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

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
        DATABASE_URL: path.join(dir, 'storybot.db'),
        LOG_LEVEL: 'info',
      };
      await buildIndex({ config: loadConfig(env) });
    });

    afterAll(async () => {
      await discord?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('answers, then on SIGTERM finishes the answer in flight and exits 0', async () => {
      const run = startBotProcess(env);
      try {
        await discord.waitForGateway((g) => g.type === 'identify', 30_000);
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
        );
        // Hold the answer on the wire so the signal arrives while it is in flight.
        discord.faults.delay(edit, 500);
        run.child.kill('SIGTERM');
        expect(await run.exit).toBe(0);
        expect((await discord.waitForRequest(edit, 1_000)).body.content).toContain('Lena Ortiz');
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
      }
    });
  });
});
