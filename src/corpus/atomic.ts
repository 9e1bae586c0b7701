import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `data` to `target` atomically: first to a dot-file beside it (which the corpus loader
 * ignores), then a rename, so a reader or a build never sees half a file.
 */
export async function writeFileAtomically(target: string, data: string | Buffer): Promise<void> {
  const tmp = path.join(
    path.dirname(target),
    `.tmp-${randomBytes(6).toString('hex')}-${path.basename(target)}`,
  );
  try {
    await writeFile(tmp, data, { flag: 'wx' });
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
