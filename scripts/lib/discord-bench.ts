/**
 * What the Discord benchmark scripts share: the bot started in its own process against the
 * loopback stand-in (as in production, so the stand-in's own work does not eat into the bot's
 * event loop), request matchers for the stand-in's record, and percentiles.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BotConfig } from '../../src/config.js';
import type { DiscordStandIn, RecordedRequest } from '../../testkit/discord/standin.js';
import { percentile as nearestRank } from '../../src/bench/metrics.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BOT_ENTRY = fileURLToPath(new URL('./bot-process.ts', import.meta.url));

/** Nearest-rank percentile of latencies; NaN when there are none (printed as null, not 0 ms). */
export function percentile(samples: readonly number[], p: number): number {
  return nearestRank(samples, p, NaN);
}

/**
 * A parsed config turned back into the environment variables that produce it. Unset options
 * become empty strings (which the schema reads as unset), so that nothing from the parent's
 * environment fills them in.
 */
export function configEnv(config: BotConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v ?? '')]),
  );
}

/** The bot running in a child process (see bot-process.ts). */
export interface BotProcess {
  child: ChildProcessWithoutNullStreams;
  /** Every stderr line so far (pino JSON lines, or anything a crash printed). */
  stderr: string[];
  /** Set once the process has exited. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Questions and events the bot is still working on. */
  inFlight(): Promise<number>;
  /** Waits until nothing is in flight; false when `timeoutMs` passed first. */
  settled(timeoutMs: number): Promise<boolean>;
  /** Asks the bot to shut down (SIGTERM, then SIGKILL after 15 s) and waits for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the bot in its own process with `config` (plus `env`) against `discord`, and resolves
 * once it is connected and ready. Rejects with the end of its stderr when it exits first.
 */
export async function startBotProcess(
  discord: DiscordStandIn,
  config: BotConfig,
  env: Record<string, string> = {},
): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', BOT_ENTRY, discord.restUrl], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...configEnv(config), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(value: Record<string, unknown>) => void> = [];
  lines.on('line', (line) => {
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not part of the protocol
    }
    waiting.shift()?.(value);
  });
  const nextLine = () => new Promise<Record<string, unknown>>((resolve) => waiting.push(resolve));

  const proc: BotProcess = {
    child,
    stderr,
    exit: undefined,
    async inFlight() {
      if (proc.exit) throw new Error('the bot process has exited');
      const answer = nextLine();
      child.stdin.write('\n');
      return Number((await answer).inFlight);
    },
    async settled(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if ((await proc.inFlight()) === 0) return true;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return false;
    },
    async stop() {
      if (!proc.exit) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      return proc.exit!;
    },
  };
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => {
      proc.exit = { code, signal };
      reject(
        new Error(
          `bot process exited (${signal ?? code}) before it was ready: ${stderr.slice(-3).join(' | ')}`,
        ),
      );
    }),
  );
  exited.catch(() => undefined);
  try {
    await Promise.race([nextLine(), exited]);
  } catch (error) {
    child.stdin.end();
    throw error;
  }
  return proc;
}

/** The interaction's initial response (`POST /interactions/:id/:token/callback`). */
export const callbackOf =
  (interaction: { id: string; token: string }) =>
  (r: RecordedRequest): boolean =>
    r.method === 'POST' &&
    r.path === `/interactions/${interaction.id}/${interaction.token}/callback`;

/** A successful edit of the interaction's original (deferred) reply. */
export const originalEditOf =
  (discord: DiscordStandIn, interaction: { token: string }) =>
  (r: RecordedRequest): boolean =>
    r.method === 'PATCH' &&
    r.path === `/webhooks/${discord.applicationId}/${interaction.token}/messages/@original` &&
    r.status < 300;

/** The interaction token a webhook or callback request belongs to, if any. */
export function interactionTokenOf(r: RecordedRequest): string | undefined {
  return (
    /^\/interactions\/\d+\/([^/]+)\/callback$/.exec(r.path)?.[1] ??
    /^\/webhooks\/\d+\/([^/]+)/.exec(r.path)?.[1]
  );
}
