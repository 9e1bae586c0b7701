/**
 * An error whose message is written for the person using the bot or CLI: safe to show as is.
 * Every other error gets a generic reply and a full log line.
 */
export class UserFacingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A corpus file that cannot be indexed: names the file and the reason. */
export class CorpusError extends UserFacingError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** The index on disk is missing, damaged, or built for another embedder. */
export class IndexError extends UserFacingError {}

/** Returns a message safe to show a user for any thrown value. */
export function userMessage(
  error: unknown,
  fallback = 'Something went wrong on our side; it has been logged.',
): string {
  return error instanceof UserFacingError ? error.message : fallback;
}
