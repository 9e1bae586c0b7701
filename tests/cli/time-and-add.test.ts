/**
 * `add`, `timeline` and `summary --since` run as real processes against a throwaway copy of the
 * dated test story. Spawns cost a second or more each, so each checks as much as it can.
 */
import { spawn } from 'node:child_process';
import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTree, makeTempDir, removeDir, REPO_ROOT, testEnv } from '../support/core.js';

let root: string;
let env: Record<string, string>;

beforeAll(() => {
  root = makeTempDir('storybot-cli-time-');
  cpSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'timeline'), path.join(root, 'corpus'), {
    recursive: true,
  });
  env = testEnv(root, { CORPUS_DIR: path.join(root, 'corpus') });
});
afterAll(() => removeDir(root));

/** Runs `script` (a path under the repository) with `args`; resolves with code and output. */
function run(
  script: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const entry = path.join('src', 'cli', 'storybot.ts');
const page = (name: string) => path.join(REPO_ROOT, 'tests', 'fixtures', 'pages', `${name}.html`);

describe('the add, timeline and summary --since commands', () => {
  it('adds a saved page and indexes it; refuses a paywalled one with one line, changing nothing', async () => {
    const added = await run(entry, ['add', '--json', page('amp')]);
    expect(added.code).toBe(0);
    const result = JSON.parse(added.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      action: 'added',
      file: '2024-11-19-researchers-map-the-coral-die-off-along-the-northern-reef.md',
      title: 'Researchers map the coral die-off along the northern reef',
      url: 'https://oceanwire.example/science/coral-die-off-northern-reef',
    });
    expect(readdirSync(path.join(root, 'corpus'))).toContain(result.file);

    const before = hashTree(root);
    const refused = await run(entry, ['add', page('paywall-stub')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^storybot: .*paywall-stub\.html: the article is behind a paywall/,
    );
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(hashTree(root)).toEqual(before);
    expect((await run(entry, ['add'])).code).toBe(2);
  });

  it('prints the timeline and what is new since a day, each line cited and dated', async () => {
    const timeline = await run(entry, ['timeline', '--limit', '2']);
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toMatch(/^9 Nov 2026: Ferry crews at Northport voted on Monday/);
    expect(timeline.stdout).toContain(
      '[1] Northport ferry crews vote to strike over pay (Harbour Gazette, 2026-11-10)',
    );

    const since = await run(entry, ['summary', '--since', '2026-11-19', '--json']);
    expect(since.code).toBe(0);
    const summary = JSON.parse(since.stdout) as {
      summary: string;
      citations: Array<{ articleId: string }>;
    };
    expect(summary.summary.split('\n')[0]).toBe('Since 19 Nov 2026, 2 articles, oldest first:');
    expect(summary.citations.map((c) => c.articleId)).toEqual([
      '05-agreement',
      '06-services-resume',
    ]);
  });
});
