/**
 * Tests of the compiled command (`node dist/cli/storybot.js`, `npm start`) need `dist/` to match
 * the sources. `npm ci` builds it (the prepare script); after an edit without `npm run build`,
 * this rebuilds it first, so a test never passes or fails on yesterday's code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './core.js';

export const DIST_ENTRY = path.join(REPO_ROOT, 'dist', 'cli', 'storybot.js');
const BUILD_INFO = path.join(REPO_ROOT, 'dist', '.tsbuildinfo');

/** Newest modification time of any file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` when `dist/` is missing or older than a file in `src/`. */
export function ensureDistBuilt(): void {
  const fresh =
    existsSync(DIST_ENTRY) &&
    existsSync(BUILD_INFO) &&
    statSync(BUILD_INFO).mtimeMs >= newestMtime(path.join(REPO_ROOT, 'src'));
  if (fresh) return;
  execFileSync('npm', ['run', '-s', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  // tsc leaves its build info alone when no output changed; mark the check as done.
  const now = new Date();
  utimesSync(BUILD_INFO, now, now);
}
