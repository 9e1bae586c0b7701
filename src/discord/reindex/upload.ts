/**
 * An article uploaded with `/reindex file:` is checked three ways before anything touches the
 * corpus: its declared type and size (before download), its real size (while downloading), and its
 * content (the corpus loader's own parser, so an upload passes exactly when a file would).
 * Only then is it written, atomically, and the write can be undone if the build fails.
 */
import { lstat, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '../../corpus/atomic.js';
import { parseArticleFile } from '../../corpus/load.js';
import { CorpusError, UserFacingError } from '../../errors.js';
import type { Article } from '../../rag/types.js';

/** File types an upload may have (a subset of what the corpus accepts). */
export const UPLOAD_EXTENSIONS = ['.txt', '.md', '.json'] as const;

/** What we know about an attachment from Discord before downloading it. */
export interface AttachmentInfo {
  name: string;
  size: number;
  contentType: string | null | undefined;
  url: string;
}

/** An upload that failed a check; the message names the file and the reason. */
export class UploadError extends UserFacingError {}

const TYPES_BY_EXTENSION: Record<string, RegExp> = {
  '.txt': /^text\/plain$/,
  '.md': /^text\/(markdown|x-markdown|plain)$/,
  '.json': /^(application\/json|text\/json|text\/plain)$/,
};

/**
 * Turns an uploaded file name into a safe corpus file name: no directories, no leading dot,
 * only letters, digits, dot, dash and underscore, at most 100 characters.
 */
export function safeUploadName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/'));
  const ext = path.extname(base).toLowerCase();
  const stem = base
    .slice(0, base.length - ext.length)
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .replace(/-+/g, '-')
    .slice(0, 90);
  if (!stem)
    throw new UploadError(
      `The file name "${base.slice(0, 80)}" has no usable characters; rename it (e.g. article.md).`,
    );
  return `${stem}${ext}`;
}

/**
 * Checks what Discord tells us about the attachment: extension, declared content type and size.
 * Returns the safe file name to store it under.
 */
export function checkAttachment(attachment: AttachmentInfo, maxBytes: number): string {
  const fileName = safeUploadName(attachment.name);
  const ext = path.extname(fileName).toLowerCase();
  if (!(UPLOAD_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new UploadError(`\`${fileName}\` is not a .txt, .md or .json file.`);
  }
  const declared = attachment.contentType?.split(';')[0]?.trim().toLowerCase();
  if (declared && !TYPES_BY_EXTENSION[ext]!.test(declared)) {
    throw new UploadError(
      `\`${fileName}\` is declared as ${declared.slice(0, 60)}, which does not match a ${ext} text file.`,
    );
  }
  if (attachment.size > maxBytes) {
    throw new UploadError(
      `\`${fileName}\` is ${attachment.size.toLocaleString('en-US')} bytes; uploads are limited to ${maxBytes.toLocaleString('en-US')}.`,
    );
  }
  if (attachment.size === 0) throw new UploadError(`\`${fileName}\` is empty.`);
  return fileName;
}

/** Downloads the attachment, stopping as soon as it grows past `maxBytes` (sizes can lie). */
export async function downloadAttachment(
  url: string,
  maxBytes: number,
  options: { timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): Promise<Buffer> {
  const doFetch = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
      redirect: 'follow',
    });
  } catch (error) {
    throw new UploadError('The attachment could not be downloaded from Discord; try again.', {
      cause: error,
    });
  }
  if (!response.ok || !response.body) {
    throw new UploadError(
      `The attachment could not be downloaded from Discord (HTTP ${response.status}); try again.`,
    );
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body.cancel();
    throw new UploadError(
      `The attachment is larger than the ${maxBytes.toLocaleString('en-US')}-byte upload limit.`,
    );
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new UploadError(
        `The attachment is larger than the ${maxBytes.toLocaleString('en-US')}-byte upload limit.`,
      );
    }
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

/** Runs the corpus loader's parser on the bytes; a problem becomes an UploadError naming the file. */
export function checkUploadContent(fileName: string, bytes: Buffer): Article[] {
  try {
    return parseArticleFile(fileName, bytes);
  } catch (error) {
    if (error instanceof CorpusError)
      throw new UploadError(`\`${fileName}\` was refused: ${error.reason}.`, { cause: error });
    throw error;
  }
}

/** An upload written into the corpus, with the means to take it back. */
export interface InstalledUpload {
  fileName: string;
  path: string;
  /** True when a file of the same name was replaced (its bytes are restored on rollback). */
  replaced: boolean;
  rollback(): Promise<void>;
}

/**
 * Writes the checked bytes into the corpus directory atomically (a dot-file the loader ignores,
 * then a rename). A same-named regular file is replaced and kept for rollback; anything else
 * of that name (a link, a directory) is refused rather than followed.
 */
export async function installUpload(
  corpusDir: string,
  fileName: string,
  bytes: Buffer,
): Promise<InstalledUpload> {
  await mkdir(corpusDir, { recursive: true });
  const target = path.join(corpusDir, fileName);
  let previous: Buffer | undefined;
  try {
    const stat = await lstat(target);
    if (!stat.isFile())
      throw new UploadError(
        `The corpus already has \`${fileName}\` and it is not a regular file; rename the upload.`,
      );
    previous = await readFile(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const writeAtomically = (data: Buffer) => writeFileAtomically(target, data);
  await writeAtomically(bytes);
  return {
    fileName,
    path: target,
    replaced: previous !== undefined,
    rollback: async () => {
      if (previous !== undefined) await writeAtomically(previous);
      else await rm(target, { force: true });
    },
  };
}
