/**
 * Pure rules the Discord stand-in applies the way Discord does: snowflakes, message limits
 * (so the bot is rejected exactly where Discord would reject it), who a message pings under
 * `allowed_mentions`, which gateway events need which intent, and request matchers.
 * Kept free of I/O so the stand-in's behaviour can be unit-tested.
 */

/** A JSON object as it travels over the wire; the stand-in builds and reads these loosely on purpose. */
export type Json = Record<string, any>;

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A new snowflake id (string), increasing over time like Discord's. */
export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

/** Discord's shape for an API error body (what discord.js turns into a DiscordAPIError). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get body(): Json {
    return this.errors
      ? { message: this.message, code: this.code, errors: this.errors }
      : { message: this.message, code: this.code };
  }
}

/** One field problem in an "Invalid Form Body" (code 50035) error. */
export interface FieldProblem {
  path: Array<string | number>;
  code: string;
  message: string;
}

/** Builds Discord's nested `errors` object from flat field problems. */
export function formBodyError(problems: FieldProblem[]): ApiError {
  const errors: Json = {};
  for (const problem of problems) {
    let node = errors;
    for (const key of problem.path) {
      node[key] ??= {};
      node = node[key];
    }
    node._errors ??= [];
    node._errors.push({ code: problem.code, message: problem.message });
  }
  return new ApiError(400, 50035, 'Invalid Form Body', errors);
}

/** Discord's documented message limits. */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  actionRows: 5,
  rowComponents: 5,
  buttonLabel: 80,
  customId: 100,
  allowedMentionIds: 100,
  threadName: 100,
} as const;

const MESSAGE_FLAG_COMPONENTS_V2 = 1 << 15;

function tooLong(path: FieldProblem['path'], max: number): FieldProblem {
  return { path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` };
}

function length(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

/**
 * Checks a message body against Discord's limits. Throws the ApiError Discord would answer
 * (400, code 50035 or 50006), or returns normally.
 *
 * @param creating - true for new messages: an empty one is refused (edits may blank fields).
 * @param fileCount - files attached in the same request (they make a message non-empty).
 */
export function validateMessageBody(body: Json, creating: boolean, fileCount = 0): void {
  const problems: FieldProblem[] = [];
  if (body.content !== undefined && body.content !== null) {
    if (typeof body.content !== 'string') {
      problems.push({ path: ['content'], code: 'BASE_TYPE_STRING', message: 'Must be a string.' });
    } else if (body.content.length > LIMITS.content) {
      problems.push(tooLong(['content'], LIMITS.content));
    }
  }

  const embeds: Json[] = Array.isArray(body.embeds) ? body.embeds : [];
  if (embeds.length > LIMITS.embeds) {
    problems.push({
      path: ['embeds'],
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${LIMITS.embeds} or fewer in length.`,
    });
  }
  let embedTotal = 0;
  embeds.forEach((embed, i) => {
    const at = (...rest: Array<string | number>) => ['embeds', i, ...rest];
    if (length(embed.title) > LIMITS.embedTitle)
      problems.push(tooLong(at('title'), LIMITS.embedTitle));
    if (length(embed.description) > LIMITS.embedDescription)
      problems.push(tooLong(at('description'), LIMITS.embedDescription));
    if (length(embed.footer?.text) > LIMITS.footerText)
      problems.push(tooLong(at('footer', 'text'), LIMITS.footerText));
    if (length(embed.author?.name) > LIMITS.authorName)
      problems.push(tooLong(at('author', 'name'), LIMITS.authorName));
    const fields: Json[] = Array.isArray(embed.fields) ? embed.fields : [];
    if (fields.length > LIMITS.embedFields) {
      problems.push({
        path: at('fields'),
        code: 'BASE_TYPE_MAX_LENGTH',
        message: `Must be ${LIMITS.embedFields} or fewer in length.`,
      });
    }
    fields.forEach((field, j) => {
      for (const [key, max] of [
        ['name', LIMITS.fieldName],
        ['value', LIMITS.fieldValue],
      ] as const) {
        if (typeof field[key] !== 'string' || field[key].length === 0) {
          problems.push({
            path: at('fields', j, key),
            code: 'BASE_TYPE_REQUIRED',
            message: 'This field is required',
          });
        } else if (field[key].length > max) {
          problems.push(tooLong(at('fields', j, key), max));
        }
      }
      embedTotal += length(field.name) + length(field.value);
    });
    embedTotal +=
      length(embed.title) +
      length(embed.description) +
      length(embed.footer?.text) +
      length(embed.author?.name);
  });
  if (embedTotal > LIMITS.embedTotal) {
    problems.push({
      path: ['embeds'],
      code: 'MAX_EMBED_SIZE_EXCEEDED',
      message: `Embed size exceeds maximum size of ${LIMITS.embedTotal}`,
    });
  }

  const components: Json[] = Array.isArray(body.components) ? body.components : [];
  const componentsV2 = (Number(body.flags ?? 0) & MESSAGE_FLAG_COMPONENTS_V2) !== 0;
  if (!componentsV2) {
    if (components.length > LIMITS.actionRows) {
      problems.push({
        path: ['components'],
        code: 'BASE_TYPE_MAX_LENGTH',
        message: `Must be ${LIMITS.actionRows} or fewer in length.`,
      });
    }
    components.forEach((row, i) => {
      if (row.type !== 1) {
        problems.push({
          path: ['components', i, 'type'],
          code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
          message: 'Top-level components must be action rows.',
        });
        return;
      }
      const children: Json[] = Array.isArray(row.components) ? row.components : [];
      if (children.length === 0 || children.length > LIMITS.rowComponents) {
        problems.push({
          path: ['components', i, 'components'],
          code: 'BASE_TYPE_BAD_LENGTH',
          message: `Must be between 1 and ${LIMITS.rowComponents} in length.`,
        });
      }
      children.forEach((child, j) => {
        const at = ['components', i, 'components', j];
        if (length(child.label) > LIMITS.buttonLabel)
          problems.push(tooLong([...at, 'label'], LIMITS.buttonLabel));
        if (length(child.custom_id) > LIMITS.customId)
          problems.push(tooLong([...at, 'custom_id'], LIMITS.customId));
        const isLinkButton = child.type === 2 && child.style === 5;
        if (isLinkButton && !child.url)
          problems.push({
            path: [...at, 'url'],
            code: 'BASE_TYPE_REQUIRED',
            message: 'This field is required',
          });
        if (!isLinkButton && child.type === 2 && child.style !== 6 && !child.custom_id) {
          problems.push({
            path: [...at, 'custom_id'],
            code: 'BASE_TYPE_REQUIRED',
            message: 'This field is required',
          });
        }
      });
    });
  }

  const mentions = body.allowed_mentions;
  if (mentions !== undefined && mentions !== null) {
    const parse: unknown[] = Array.isArray(mentions.parse) ? mentions.parse : [];
    for (const [i, kind] of parse.entries()) {
      if (kind !== 'users' && kind !== 'roles' && kind !== 'everyone') {
        problems.push({
          path: ['allowed_mentions', 'parse', i],
          code: 'BASE_TYPE_CHOICES',
          message: `Value must be one of ('roles', 'users', 'everyone').`,
        });
      }
    }
    for (const kind of ['users', 'roles'] as const) {
      const ids: unknown[] = Array.isArray(mentions[kind]) ? mentions[kind] : [];
      if (ids.length > LIMITS.allowedMentionIds) {
        problems.push({
          path: ['allowed_mentions', kind],
          code: 'BASE_TYPE_MAX_LENGTH',
          message: `Must be ${LIMITS.allowedMentionIds} or fewer in length.`,
        });
      }
      if (ids.length > 0 && parse.includes(kind)) {
        problems.push({
          path: ['allowed_mentions'],
          code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
          message: `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
        });
      }
    }
  }

  if (problems.length > 0) throw formBodyError(problems);

  const hasContent = typeof body.content === 'string' && body.content.length > 0;
  const hasSomething =
    hasContent ||
    embeds.length > 0 ||
    components.length > 0 ||
    fileCount > 0 ||
    Boolean(body.sticker_ids?.length) ||
    Boolean(body.poll);
  if (creating && !hasSomething) throw new ApiError(400, 50006, 'Cannot send an empty message');
}

/**
 * Who Discord would notify for a message: mentions in the content, filtered by `allowed_mentions`
 * (absent means everything is allowed), plus the author of the replied-to message.
 */
export function computePings(
  content: unknown,
  allowedMentions: Json | null | undefined,
  repliedUserId?: string,
): {
  everyone: boolean;
  users: string[];
  roles: string[];
  repliedUser: boolean;
} {
  const text = typeof content === 'string' ? content : '';
  const unrestricted = allowedMentions === undefined || allowedMentions === null;
  const parse: string[] = unrestricted
    ? ['users', 'roles', 'everyone']
    : Array.isArray(allowedMentions.parse)
      ? allowedMentions.parse
      : [];
  const listedUsers: string[] = unrestricted ? [] : (allowedMentions.users ?? []);
  const listedRoles: string[] = unrestricted ? [] : (allowedMentions.roles ?? []);

  const mentionedUsers = [...text.matchAll(/<@!?(\d{1,20})>/g)].map((m) => m[1]!);
  const mentionedRoles = [...text.matchAll(/<@&(\d{1,20})>/g)].map((m) => m[1]!);
  const users = new Set(
    mentionedUsers.filter((id) => parse.includes('users') || listedUsers.includes(id)),
  );
  const roles = new Set(
    mentionedRoles.filter((id) => parse.includes('roles') || listedRoles.includes(id)),
  );
  const everyone = parse.includes('everyone') && /@(everyone|here)/.test(text);

  const repliedUser =
    repliedUserId !== undefined && (unrestricted || allowedMentions.replied_user === true);
  if (repliedUser) users.add(repliedUserId);
  return { everyone, users: [...users], roles: [...roles], repliedUser };
}

/** Gateway intent bits the stand-in looks at (same values as GatewayIntentBits). */
export const INTENT = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  GuildMessageTyping: 1 << 11,
  DirectMessages: 1 << 12,
  DirectMessageReactions: 1 << 13,
  DirectMessageTyping: 1 << 14,
  MessageContent: 1 << 15,
} as const;

/** Intents Discord calls privileged: they must be switched on in the developer portal. */
export const PRIVILEGED_INTENTS =
  INTENT.GuildMembers | INTENT.GuildPresences | INTENT.MessageContent;

/**
 * The intent a dispatch needs to reach a session, or 0 when it always does (READY, INTERACTION_CREATE…).
 * Guild and DM variants differ for messages, reactions and typing.
 */
export function intentFor(event: string, data: Json): number {
  const inGuild =
    data !== null && typeof data === 'object' && 'guild_id' in data && Boolean(data.guild_id);
  if (/^(GUILD_(CREATE|UPDATE|DELETE)|GUILD_ROLE_|CHANNEL_|THREAD_)/.test(event))
    return INTENT.Guilds;
  if (/^GUILD_MEMBER_(ADD|UPDATE|REMOVE)$/.test(event)) return INTENT.GuildMembers;
  if (/^MESSAGE_(CREATE|UPDATE|DELETE|DELETE_BULK)$/.test(event))
    return inGuild ? INTENT.GuildMessages : INTENT.DirectMessages;
  if (event.startsWith('MESSAGE_REACTION_'))
    return inGuild ? INTENT.GuildMessageReactions : INTENT.DirectMessageReactions;
  if (event === 'TYPING_START')
    return inGuild ? INTENT.GuildMessageTyping : INTENT.DirectMessageTyping;
  return 0;
}

/**
 * What a session without the Message Content intent sees of a message: Discord blanks content,
 * embeds, attachments and components unless the bot wrote it, is mentioned in it, or it is a DM.
 */
export function withoutContent(message: Json, botUserId: string): Json {
  const isDm = !message.guild_id;
  const mentionsBot =
    Array.isArray(message.mentions) && message.mentions.some((u: Json) => u?.id === botUserId);
  if (isDm || mentionsBot || message.author?.id === botUserId) return message;
  const blanked: Json = { ...message, content: '', embeds: [], attachments: [], components: [] };
  delete blanked.poll;
  if (message.referenced_message)
    blanked.referenced_message = withoutContent(message.referenced_message, botUserId);
  return blanked;
}

/** Something that selects requests: see RequestMatcher in discord-standin.ts. */
export type Matcher<T extends { method: string; path: string }> =
  string | RegExp | ((request: T) => boolean);

/**
 * Compiles a matcher. Strings read `"[METHOD ]/path/:param/*"`: `:x` matches one segment,
 * a final `*` matches the rest; without a method any method matches.
 */
export function compileMatcher<T extends { method: string; path: string }>(
  matcher: Matcher<T>,
): (request: T) => boolean {
  if (typeof matcher === 'function') return matcher;
  if (matcher instanceof RegExp)
    return (request) => matcher.test(`${request.method} ${request.path}`);
  const spaced = matcher.trim().split(/\s+/);
  const method = spaced.length > 1 ? spaced[0]!.toUpperCase() : undefined;
  const pattern = spaced[spaced.length - 1]!;
  const source = pattern
    .split('/')
    .map((segment) =>
      segment === '*'
        ? '.*'
        : segment.startsWith(':')
          ? '[^/]+'
          : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  const regex = new RegExp(`^${source}$`);
  return (request) =>
    (method === undefined || request.method === method) && regex.test(request.path);
}

/** Describes a matcher for error messages. */
export function describeMatcher(
  matcher: string | RegExp | ((...args: never[]) => unknown),
): string {
  if (typeof matcher === 'function')
    return matcher.name
      ? `predicate ${matcher.name}`
      : `predicate ${String(matcher).slice(0, 120)}`;
  return String(matcher);
}
