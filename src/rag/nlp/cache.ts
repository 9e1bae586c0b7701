/**
 * Derived tables of the NLP data packages (WordNet's word relations, the gazetteer's name
 * groups) kept as small files in the cache folder: built once from the package, then read in a
 * millisecond or two by every later process, which matters for a CLI that answers one question.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

let cacheDir: string | undefined;

/** Where derived tables are kept (set once from config; without it they are built in memory). */
export function setNlpCacheDir(dir: string | undefined): void {
  cacheDir = dir;
}

/** The cache folder's copy of `file` when there is a folder and the file is in it. */
export function cachedPath(file: string): string | undefined {
  const at = pathIn(file);
  return at && existsSync(at) ? at : undefined;
}

/** Where `file` is (or would be) kept, when there is a cache folder. */
function pathIn(file: string): string | undefined {
  return cacheDir ? path.join(cacheDir, file) : undefined;
}

/**
 * The text of the derived table `file` (a name that carries the source package's version), read
 * from the cache folder when it is there and `complete` accepts it, else built by `build` and
 * saved for next time. The cache is an optimisation only: any failure to read or write it falls
 * back to building.
 */
export function cachedTable(
  file: string,
  build: () => string,
  complete: (text: string) => boolean,
): string {
  return cached(file, build, complete, (at) => readFileSync(at, 'utf8'));
}

/** `cachedTable` for binary data. */
export function cachedBytes(
  file: string,
  build: () => Uint8Array,
  complete: (bytes: Uint8Array) => boolean,
): Uint8Array {
  return cached(file, build, complete, (at) => readFileSync(at));
}

function cached<T extends string | Uint8Array>(
  file: string,
  build: () => T,
  complete: (data: T) => boolean,
  read: (at: string) => T,
): T {
  const at = pathIn(file);
  if (at && existsSync(at)) {
    try {
      const data = read(at);
      // A file cut short by a crash fails `complete`: rebuilt below.
      if (complete(data)) return data;
    } catch {
      // an unreadable cache file is rebuilt below
    }
  }
  const data = build();
  if (at) {
    // A name of its own, so that two processes building the same table at once (the bot and a
    // CLI) never write into one temporary file; the rename makes the finished file appear whole.
    const tmp = `${at}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(path.dirname(at), { recursive: true });
      writeFileSync(tmp, data);
      renameSync(tmp, at);
    } catch {
      // the cache is an optimisation only; leave no half-written file behind if we can
      try {
        rmSync(tmp, { force: true });
      } catch {
        // nothing more to do
      }
    }
  }
  return data;
}
