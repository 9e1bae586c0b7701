import { UserFacingError } from '../errors.js';

/**
 * Why a page or file could not be added, in one line a reader understands ("that address is on
 * a private network", "the page is over 2 MB"). Nothing has been written when it is thrown.
 */
export class IngestError extends UserFacingError {
  constructor(
    /** The short reason, without the input it concerns. */
    readonly reason: string,
    /** The URL or file the reason is about, when there is one. */
    readonly input?: string,
  ) {
    super(input ? `${input}: ${reason}` : reason);
  }
}
