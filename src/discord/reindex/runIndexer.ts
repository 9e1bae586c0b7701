/**
 * Runs the index build in a child process (`storybot index --progress-json`), so embedding
 * and HNSW construction never block the bot's event loop and a crash of the build cannot take
 * the bot down. The child speaks JSON lines on stdout; its logs (stderr) go to our log.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CoreConfig } from '../../config.js';
import { siblingEntry } from '../../entry.js';
import type { Manifest } from '../../rag/types.js';
import type { IndexProgress } from '../format.js';

/** One JSON line of the index CLI. */
export type IndexerEvent =
  | ({ type: 'progress' } & IndexProgress)
  | { type: 'done'; manifest: Manifest }
  | { type: 'error'; message: string; file?: string };

/** How a build ended. */
export type IndexerResult =
  { ok: true; manifest: Manifest } | { ok: false; message: string; file?: string };

/** A running build. */
export interface IndexerRun {
  result: Promise<IndexerResult>;
  /** Stops the build (SIGTERM); the CLI leaves the current index untouched. */
  cancel(): void;
}

export interface RunIndexerOptions {
  config: CoreConfig;
  corpusDir?: string;
  onProgress?: (progress: IndexProgress) => void;
  /** Extra lines of the child's stderr, for the bot's log (never shown to users). */
  onLog?: (line: string) => void;
  /** Longest a build may take before it is stopped. */
  timeoutMs?: number;
}

/** Decodes one stdout line; anything that is not a well-formed event yields undefined. */
export function parseIndexerLine(line: string): IndexerEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (v.type === 'progress' && typeof v.phase === 'string') {
    return {
      type: 'progress',
      phase: v.phase,
      done: Number(v.done) || 0,
      total: Number(v.total) || 0,
      ...(typeof v.message === 'string' ? { message: v.message } : {}),
    };
  }
  if (v.type === 'done' && v.manifest && typeof v.manifest === 'object')
    return { type: 'done', manifest: v.manifest as Manifest };
  if (v.type === 'error' && typeof v.message === 'string') {
    return {
      type: 'error',
      message: v.message,
      ...(typeof v.file === 'string' ? { file: v.file } : {}),
    };
  }
  return undefined;
}

/** The project root (where package.json and node_modules live), from this file's location. */
const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The `storybot` command of this build, run as `storybot index`. */
const INDEXER = siblingEntry(import.meta.url, '../../cli/storybot.ts');

/** Variables of the core config, as strings, for the child's environment. */
function coreEnv(config: CoreConfig, corpusDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || typeof value === 'object') continue;
    env[key] = String(value);
  }
  // Relative directories are resolved against the bot's working directory, not the child's.
  env.CORPUS_DIR = path.resolve(corpusDir);
  env.INDEX_DIR = path.resolve(config.INDEX_DIR);
  env.CACHE_DIR = path.resolve(config.CACHE_DIR);
  return env;
}

/** Starts the build. The promise never rejects: every failure becomes `{ ok: false }`. */
export function runIndexer(options: RunIndexerOptions): IndexerRun {
  const corpusDir = path.resolve(options.corpusDir ?? options.config.CORPUS_DIR);
  const env: NodeJS.ProcessEnv = { ...process.env, ...coreEnv(options.config, corpusDir) };
  // The build needs no Discord credentials; do not hand them to another process.
  for (const key of Object.keys(env)) if (key.startsWith('DISCORD_')) delete env[key];

  const child = spawn(
    process.execPath,
    [...INDEXER.execArgv, INDEXER.script, 'index', '--corpus', corpusDir, '--progress-json'],
    { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );

  let finalEvent: IndexerEvent | undefined;
  let cancelled = false;
  const stdout = createInterface({ input: child.stdout });
  stdout.on('line', (line) => {
    const event = parseIndexerLine(line);
    if (!event) return;
    if (event.type === 'progress') options.onProgress?.(event);
    else finalEvent = event;
  });
  const stderr = createInterface({ input: child.stderr });
  stderr.on('line', (line) => options.onLog?.(line.slice(0, 2_000)));

  const timer = setTimeout(
    () => {
      cancelled = true;
      child.kill('SIGTERM');
    },
    options.timeoutMs ?? 30 * 60_000,
  );

  const result = new Promise<IndexerResult>((resolve) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, message: `the indexer could not start (${error.message})` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (finalEvent?.type === 'done' && code === 0)
        resolve({ ok: true, manifest: finalEvent.manifest });
      else if (finalEvent?.type === 'error')
        resolve({
          ok: false,
          message: finalEvent.message,
          ...(finalEvent.file ? { file: finalEvent.file } : {}),
        });
      else if (cancelled)
        resolve({ ok: false, message: 'the build was stopped before it finished' });
      else
        resolve({
          ok: false,
          message: `the indexer stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}); see the bot's log`,
        });
    });
  });

  return {
    result,
    cancel: () => {
      cancelled = true;
      child.kill('SIGTERM');
    },
  };
}
