/**
 * A REST client that keeps interaction replies out of the bot-wide request queue.
 *
 * @discordjs/rest holds every request to 50 per second, Discord's global limit for a bot token.
 * Interaction replies (edits and follow-ups through `/webhooks/<app>/<interaction token>`) are sent
 * without the bot token and Discord does not count them against that limit; queuing them behind it
 * made 200 simultaneous answers wait up to four seconds for nothing. They go through a second
 * client that skips only the pre-emptive global limiter: per-route limits, 429 handling and retries
 * stay exactly as they are.
 */
import { REST, RESTEvents, type RESTOptions } from 'discord.js';

type QueuedRequest = Parameters<REST['queueRequest']>[0];

/** True for requests that reply to an interaction (token in the URL, no bot token). */
export function isInteractionReply(request: Pick<QueuedRequest, 'auth' | 'fullRoute'>): boolean {
  return request.auth === false && request.fullRoute.startsWith('/webhooks/');
}

/** The bot's REST client; see the module comment. */
export class InteractionAwareREST extends REST {
  private readonly replies: REST;

  constructor(options: Partial<RESTOptions> = {}) {
    super(options);
    this.replies = new REST({ ...options, globalRequestsPerSecond: Number.POSITIVE_INFINITY });
    // Rate-limit reports from either client reach the same listeners.
    this.replies.on(RESTEvents.RateLimited, (info) => this.emit(RESTEvents.RateLimited, info));
  }

  override async queueRequest(request: QueuedRequest) {
    return isInteractionReply(request)
      ? this.replies.queueRequest(request)
      : super.queueRequest(request);
  }

  override clearHashSweeper(): void {
    super.clearHashSweeper();
    this.replies.clearHashSweeper();
  }

  override clearHandlerSweeper(): void {
    super.clearHandlerSweeper();
    this.replies.clearHandlerSweeper();
  }
}
