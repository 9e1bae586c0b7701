/**
 * Reading the environment: a `.env` file is read when there is one (or when a DOTENV_* variable
 * asks for one), and dotenv is not loaded at all when neither is there.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dotenvWanted } from '../src/config.js';
import { makeTempDir, removeDir } from './support/core.js';
import { DIST_ENTRY, ensureDistBuilt } from './support/dist.js';

let dir: string;
/** A fresh, empty directory under the test's temp dir. */
const subdir = (name: string): string => {
  const sub = path.join(dir, name);
  mkdirSync(sub);
  return sub;
};
beforeAll(() => {
  dir = makeTempDir('storybot-config-');
  ensureDistBuilt();
}, 120_000);
afterAll(() => removeDir(dir));

describe('dotenvWanted', () => {
  it('is false with no .env in the directory and no DOTENV_ variable', () => {
    expect(dotenvWanted(subdir('empty'), { PATH: '/usr/bin', DOTENVX: '1' })).toBe(false);
  });

  it('is true with a DOTENV_ variable, which can point dotenv at another file', () => {
    const empty = subdir('empty-too');
    expect(dotenvWanted(empty, { DOTENV_CONFIG_PATH: '/srv/storybot.env' })).toBe(true);
    expect(dotenvWanted(empty, { DOTENV_PATH: '/srv/storybot.env' })).toBe(true);
  });

  it('is true when the directory has a .env file', () => {
    const withEnv = subdir('with-env');
    writeFileSync(path.join(withEnv, '.env'), 'TOP_K=3\n');
    expect(dotenvWanted(withEnv, {})).toBe(true);
  });
});

describe('storybot with a .env file', () => {
  /** Runs the compiled CLI in `cwd`; a bad TOP_K stops it before any index is looked for. */
  const run = (cwd: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [DIST_ENTRY, 'ask', 'What happened?'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      encoding: 'utf8',
    });

  it('reads the .env of the working directory, and a file DOTENV_CONFIG_PATH names', () => {
    const withEnv = subdir('cli-with-env');
    writeFileSync(path.join(withEnv, '.env'), 'TOP_K=abc\n');
    const fromCwd = run(withEnv);
    expect(fromCwd.status).toBe(1);
    expect(fromCwd.stderr).toContain('- TOP_K: Expected number, received nan');
    const envFile = path.join(dir, 'bad.env');
    writeFileSync(envFile, 'TOP_K=abc\n');
    const named = run(subdir('cli-empty'), { DOTENV_CONFIG_PATH: envFile });
    expect(named.status).toBe(1);
    expect(named.stderr).toContain('- TOP_K: Expected number, received nan');
  });
});
