/**
 * The one error path of the bot. Whatever fails while handling an interaction or a message ends
 * here: the person gets a safe message (the error's own text for `UserFacingError`, a generic
 * apology otherwise) and the log gets one full line, scrubbed of tokens.
 */
import { MessageFlags, type Message, type RepliableInteraction } from 'discord.js';
import type { Logger } from 'pino';
import { UserFacingError, userMessage } from '../errors.js';
import { NO_MENTIONS } from './send.js';

/**
 * Interaction tokens travel in webhook and callback URLs, and discord.js puts those URLs on its
 * errors. They are credentials for 15 minutes, so they never reach a log.
 */
const URL_SECRETS: Array<[RegExp, string]> = [
  [/(\/webhooks\/\d+\/)[^/?\s"']+/g, '$1[redacted]'],
  [/(\/interactions\/\d+\/)[^/?\s"']+/g, '$1[redacted]'],
  [/\b(Bot|Bearer)\s+[\w.-]{20,}/g, '$1 [redacted]'],
  // Anything shaped like a bot token (three base64url parts, the first decoding to an id).
  [/\b[\w-]{23,28}\.[\w-]{6,7}\.[\w-]{27,40}\b/g, '[redacted-token]'],
];

/** Replaces tokens and token-bearing URL parts in `text`, plus any literal `secrets` given. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets)
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]');
  for (const [pattern, replacement] of URL_SECRETS) out = out.replace(pattern, replacement);
  return out;
}

/** A log-safe description of an error: type, message, HTTP facts and stack, all scrubbed. */
export function safeError(
  error: unknown,
  secrets: readonly string[] = [],
): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: redactSecrets(String(error), secrets) };
  const e = error as Error & {
    code?: unknown;
    status?: unknown;
    method?: unknown;
    url?: unknown;
    file?: unknown;
  };
  const out: Record<string, unknown> = { type: e.name, message: redactSecrets(e.message, secrets) };
  if (e.code !== undefined) out.code = e.code;
  if (typeof e.status === 'number') out.status = e.status;
  if (typeof e.method === 'string') out.method = e.method;
  if (typeof e.url === 'string') out.url = redactSecrets(e.url, secrets);
  if (typeof e.file === 'string') out.file = e.file;
  if (e.stack) out.stack = redactSecrets(e.stack, secrets);
  if (e.cause !== undefined) out.cause = safeError(e.cause, secrets);
  return out;
}

/** Fields identifying where an error happened, for the log line. */
export interface ErrorWhere {
  command?: string;
  guildId?: string | null;
  channelId?: string | null;
  [key: string]: unknown;
}

/**
 * Logs an error once: a user's mistake (`UserFacingError`) at `info` with its type and message
 * only (a stack would say nothing about a question that was too long), anything else at `error`
 * with everything.
 */
export function logFailure(
  logger: Logger,
  error: unknown,
  where: ErrorWhere,
  secrets: readonly string[] = [],
): void {
  if (error instanceof UserFacingError) {
    const { type, message } = safeError(error, secrets);
    logger.info({ ...where, error: { type, message } }, 'request refused');
  } else logger.error({ ...where, error: safeError(error, secrets) }, 'request failed');
}

/**
 * Tells the user an interaction failed: edits the deferred reply, or replies privately when
 * nothing was sent yet. Delivery failures (expired token, network) are logged, never thrown.
 */
export async function replyWithError(
  interaction: RepliableInteraction,
  error: unknown,
  logger: Logger,
  secrets: readonly string[] = [],
): Promise<void> {
  const where: ErrorWhere = {
    interactionId: interaction.id,
    command: interaction.isChatInputCommand()
      ? interaction.commandName
      : interaction.isButton()
        ? 'button'
        : undefined,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
  };
  logFailure(logger, error, where, secrets);
  const content = userMessage(error);
  try {
    if (interaction.deferred || interaction.replied) {
      await interaction.editReply({
        content,
        embeds: [],
        components: [],
        allowedMentions: NO_MENTIONS,
      });
    } else {
      await interaction.reply({
        content,
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
    }
  } catch (deliveryError) {
    logger.warn(
      { ...where, error: safeError(deliveryError, secrets) },
      'could not deliver the error reply',
    );
  }
}

/** The same for a message (mention, reply, thread): answers it with a safe message. */
export async function replyToMessageWithError(
  message: Message,
  error: unknown,
  logger: Logger,
  secrets: readonly string[] = [],
): Promise<void> {
  logFailure(
    logger,
    error,
    { command: 'message', guildId: message.guildId, channelId: message.channelId },
    secrets,
  );
  try {
    await message.reply({ content: userMessage(error), allowedMentions: NO_MENTIONS });
  } catch (deliveryError) {
    logger.warn(
      {
        command: 'message',
        guildId: message.guildId,
        channelId: message.channelId,
        error: safeError(deliveryError, secrets),
      },
      'could not deliver the error reply',
    );
  }
}
