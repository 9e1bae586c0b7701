/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` into a temp dir, then the
 * `postgres` server listening on 127.0.0.1 only (a free port), its socket in that dir. `stop()`
 * shuts it down and deletes everything. PostgreSQL refuses to run as root, so as root the binaries
 * run as the `postgres` user. They are found on PATH, else under /usr/lib/postgresql/<version>/bin.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  dir: string;
  /** Fast shutdown, then the data directory is removed. Safe to call twice. */
  stop(): Promise<void>;
}

/** The directory holding `initdb` and `postgres`, or undefined when PostgreSQL is not installed. */
export function findPostgresBin(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres')))
      return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  for (const version of readdirSync(root).sort((a, b) => Number(b) - Number(a))) {
    const bin = path.join(root, version, 'bin');
    if (existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'postgres'))) return bin;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const isRoot = () => process.getuid?.() === 0;

/** The command line that runs a PostgreSQL binary as us, or as `postgres` when we are root. */
function command(bin: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

/**
 * Starts a fresh cluster. `durable: false` (the default) turns fsync off: these clusters hold
 * test data, and a killed *client* (what the tests kill) loses nothing either way.
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (!bin)
    throw new Error(
      'PostgreSQL binaries (initdb, postgres) not found on PATH or under /usr/lib/postgresql',
    );
  const dir = await mkdtemp(path.join(tmpdir(), 'storybot-pg-'));
  const data = path.join(dir, 'data');
  if (isRoot()) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const [initCmd, initArgs] = command(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '--no-sync',
    '--no-instructions',
    '-E',
    'UTF8',
  ]);
  await run(initCmd, initArgs, { cwd: dir });
  const port = await freePort();
  const [cmd, args] = command(path.join(bin, 'postgres'), [
    '-D',
    data,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-k',
    dir,
    ...(options.durable
      ? []
      : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ]);
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`postgres did not start in 20 s:\n${log}`)),
      20_000,
    );
    const check = () => {
      if (/ready to accept connections/.test(log)) {
        clearTimeout(timer);
        child.stderr.off('data', check);
        resolve();
      }
    };
    child.stderr.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited with ${code}:\n${log}`));
    });
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // runuser does not pass signals on; pg_ctl signals the server itself. "immediate" skips
        // the shutdown checkpoint: the data is deleted next anyway.
        const [stopCmd, stopArgs] = command(path.join(bin, 'pg_ctl'), [
          'stop',
          '-D',
          data,
          '-m',
          'immediate',
          '-w',
        ]);
        await run(stopCmd, stopArgs, { cwd: dir }).catch(() => child.kill('SIGKILL'));
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    })());
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dir, stop };
}
