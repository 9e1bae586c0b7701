/**
 * Per-route rate-limit buckets with Discord's headers. Each route template has a bucket per top-
 * level resource (channel, guild, webhook), like Discord's "major parameters"; every response
 * carries X-RateLimit-Limit / -Remaining / -Reset / -Reset-After / -Bucket, and a request past the
 * limit gets 429 with `retry_after` and `X-RateLimit-Scope: user`. discord.js reads these headers
 * and waits before it would exceed a bucket, so a well-behaved client never sees the 429.
 * Interaction callbacks are not rate limited, as in Discord.
 */
import { createHash } from 'node:crypto';
import { ApiError } from './rules.ts';

/** A bucket's size and window. */
export interface BucketRule {
  limit: number;
  windowMs: number;
}

/** Limits by route; the defaults mirror what Discord announces for bots. */
export interface RateLimitOptions {
  /** POST /channels/:id/messages and replies: Discord announces 5 per 5 s per channel. */
  messages?: BucketRule;
  /** Every other route. */
  other?: BucketRule;
}

interface Bucket {
  remaining: number;
  resetAt: number;
}

/** Route templates whose first parameter is a "major parameter" (its own bucket). */
const MAJOR = /^\/(channels|guilds|webhooks)\/([^/]+)(\/[^/]+)?/;

/** Which bucket a request falls in, or undefined when it is not limited. */
export function bucketKey(method: string, template: string, path: string): string | undefined {
  if (template.startsWith('/interactions/')) return undefined;
  const major = MAJOR.exec(path);
  // Webhook buckets are per webhook id *and* token (each interaction has its own).
  const scope = major ? `${major[2]}${major[1] === 'webhooks' ? (major[3] ?? '') : ''}` : '';
  return `${method} ${template} ${scope}`;
}

/** The buckets of one stand-in. */
export function createRateLimits(options: RateLimitOptions | false = {}) {
  const messages = (options && options.messages) || { limit: 5, windowMs: 5_000 };
  const other = (options && options.other) || { limit: 50, windowMs: 1_000 };
  const buckets = new Map<string, Bucket>();
  /** 429s answered because a client exceeded a bucket (not injected faults). */
  const stats = { limited: 0 };

  /**
   * Takes one request from its bucket; returns the headers to send, or throws the 429 Discord
   * would answer. `template` is the route pattern (`/channels/:channelId/messages`).
   */
  function take(
    method: string,
    template: string,
    path: string,
    now = Date.now(),
  ): Record<string, string> {
    if (options === false) return {};
    const key = bucketKey(method, template, path);
    if (!key) return {};
    const rule =
      method === 'POST' && template === '/channels/:channelId/messages' ? messages : other;
    let bucket = buckets.get(key);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { remaining: rule.limit, resetAt: now + rule.windowMs };
      buckets.set(key, bucket);
    }
    const resetAfter = Math.max(0, bucket.resetAt - now) / 1000;
    const hash = createHash('sha1').update(`${method} ${template}`).digest('hex').slice(0, 16);
    const headers = {
      'x-ratelimit-limit': String(rule.limit),
      'x-ratelimit-remaining': String(Math.max(0, bucket.remaining - 1)),
      'x-ratelimit-reset': (bucket.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': resetAfter.toFixed(3),
      'x-ratelimit-bucket': hash,
    };
    if (bucket.remaining <= 0) {
      stats.limited += 1;
      throw new ApiError(429, 0, 'You are being rate limited.', undefined, {
        ...headers,
        'x-ratelimit-remaining': '0',
        'retry-after': resetAfter.toFixed(3),
        'x-ratelimit-scope': 'user',
      });
    }
    bucket.remaining -= 1;
    return headers;
  }

  return { take, stats };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
