/**
 * Answer → Discord messages (pure). Everything that decides what a message looks like and how it
 * stays inside Discord's limits lives here, so it is tested without a network.
 *
 * Layout of an answer: the answer text with its `[n]` markers as message content (split over
 * several messages when long), and on the last message an embed listing the cited passages
 * (number, article title, quoted sentence, link) plus the Sources / 👍 / 👎 buttons. Links in
 * content are wrapped in `<…>` so Discord shows no preview; links inside embeds never preview.
 */
import {
  ButtonStyle,
  ComponentType,
  MessageFlags,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
} from 'discord.js';
import type { EngineInfo } from '../rag/engine.js';
import type { ArticleMeta, Citation, Manifest } from '../rag/types.js';
import { plural } from '../words.js';
import { isWebUrl, safeContent, safeSnippet } from './sanitize.js';

/** Discord's documented message limits (characters). */
export const LIMITS = {
  content: 2_000,
  embedTitle: 256,
  embedDescription: 4_096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  embedTotal: 6_000,
  customId: 100,
} as const;

/** Brand colour of our embeds. */
const COLOUR = 0x5865f2;
/** At most this many messages for one answer or one Sources view: beyond that we trim. */
const MAX_PARTS = 5;

export type ButtonRow = APIActionRowComponent<APIButtonComponent>;

/** One message to send: formatting only; `allowedMentions` is added by the sender. */
export interface ReplyPayload {
  content: string;
  embeds: APIEmbed[];
  components: ButtonRow[];
  /** `MessageFlags.SuppressEmbeds` for content-only messages with links. */
  flags?: number;
}

// ---------------------------------------------------------------------------------------------
// Trimming and splitting

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Moves `index` back so that it does not cut a surrogate pair in half. */
function safeCut(text: string, index: number): number {
  if (index > 0 && index < text.length && isHighSurrogate(text.charCodeAt(index - 1)))
    return index - 1;
  return index;
}

/** Drops a dangling escape backslash so a trimmed snippet does not escape our ellipsis. */
function dropDanglingEscape(text: string): string {
  const trailing = /\\+$/.exec(text)?.[0].length ?? 0;
  return trailing % 2 === 1 ? text.slice(0, -1) : text;
}

/**
 * Shortens `text` to at most `max` characters, at a word boundary when one is near, ending with
 * an ellipsis. Never splits a surrogate pair.
 */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  if (max <= ellipsis.length) return ellipsis.slice(0, Math.max(0, max));
  const room = max - ellipsis.length;
  let cut = safeCut(text, room);
  const space = text.lastIndexOf(' ', cut);
  if (space > room * 0.8) cut = space;
  return dropDanglingEscape(text.slice(0, cut).trimEnd()) + ellipsis;
}

const FENCE = '```';

function countFences(text: string): number {
  return text.split(FENCE).length - 1;
}

/** Picks where to end a piece of at most `max` characters: paragraph, line, sentence, word, hard. */
function findBreak(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  const minimum = Math.floor(max * 0.5);
  for (const separator of ['\n\n', '\n']) {
    const at = window.lastIndexOf(separator, max - separator.length);
    if (at >= minimum) return at;
  }
  const sentence = /[.!?…](?=\s)/g;
  let best = -1;
  for (let m = sentence.exec(window); m && m.index < max; m = sentence.exec(window))
    best = m.index + 1;
  if (best >= minimum) return best;
  const space = window.lastIndexOf(' ', max);
  if (space >= minimum) return space;
  return safeCut(text, max);
}

/**
 * Splits text into pieces of at most `max` characters at the cleanest available boundary
 * (paragraph, line, sentence, word, then a hard cut that respects surrogate pairs). A code
 * block cut in two is closed at the end of one piece and reopened in the next.
 */
export function splitMessage(text: string, max: number = LIMITS.content): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  // Room for closing a code block ("\n```") so a piece never exceeds `max`.
  const room = Math.max(1, max - (FENCE.length + 1));
  while (rest.length > max) {
    const cut = findBreak(rest, room);
    let piece = rest.slice(0, cut).trimEnd();
    rest = rest.slice(cut).replace(/^\s+/, '');
    if (max >= 20 && countFences(piece) % 2 === 1) {
      piece = `${piece}\n${FENCE}`;
      rest = `${FENCE}\n${rest}`;
    }
    if (piece) pieces.push(piece);
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** Total characters Discord counts against the 6,000-character embed limit. */
export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

// ---------------------------------------------------------------------------------------------
// Custom ids of our buttons

/** What a button press asks for, decoded from its custom id. */
export type ButtonAction =
  | { kind: 'sources'; answerId: string }
  | { kind: 'vote'; vote: 'up' | 'down'; answerId: string }
  | { kind: 'page'; page: number };

/** Encodes a button action as a custom id (`sb:` prefix, well under 100 characters). */
export function encodeCustomId(action: ButtonAction): string {
  switch (action.kind) {
    case 'sources':
      return `sb:src:${action.answerId}`;
    case 'vote':
      return `sb:fb:${action.vote}:${action.answerId}`;
    case 'page':
      return `sb:pg:${action.page}`;
  }
}

/** Decodes a custom id; anything we did not produce yields `undefined`. */
export function parseCustomId(customId: string): ButtonAction | undefined {
  const parts = customId.split(':');
  if (parts[0] !== 'sb') return undefined;
  const id = /^[\w-]{1,40}$/;
  if (parts[1] === 'src' && parts.length === 3 && id.test(parts[2]!))
    return { kind: 'sources', answerId: parts[2]! };
  if (
    parts[1] === 'fb' &&
    parts.length === 4 &&
    (parts[2] === 'up' || parts[2] === 'down') &&
    id.test(parts[3]!)
  ) {
    return { kind: 'vote', vote: parts[2], answerId: parts[3]! };
  }
  if (parts[1] === 'pg' && parts.length === 3 && /^\d{1,4}$/.test(parts[2]!))
    return { kind: 'page', page: Number(parts[2]) };
  return undefined;
}

function button(
  customId: string,
  label: string,
  style: ButtonStyle,
  emoji?: string,
  disabled = false,
): APIButtonComponent {
  return {
    type: ComponentType.Button,
    custom_id: customId,
    style,
    ...(label ? { label } : {}),
    ...(emoji ? { emoji: { name: emoji } } : {}),
    ...(disabled ? { disabled } : {}),
  } as APIButtonComponent;
}

/** The Sources / 👍 / 👎 row under an answer. */
export function answerButtons(answerId: string, hasCitations: boolean): ButtonRow {
  const buttons: APIButtonComponent[] = [];
  if (hasCitations)
    buttons.push(
      button(encodeCustomId({ kind: 'sources', answerId }), 'Sources', ButtonStyle.Secondary, '📚'),
    );
  buttons.push(
    button(encodeCustomId({ kind: 'vote', vote: 'up', answerId }), '', ButtonStyle.Secondary, '👍'),
  );
  buttons.push(
    button(
      encodeCustomId({ kind: 'vote', vote: 'down', answerId }),
      '',
      ButtonStyle.Secondary,
      '👎',
    ),
  );
  return { type: ComponentType.ActionRow, components: buttons };
}

// ---------------------------------------------------------------------------------------------
// Citations

/** Citations grouped by passage number: one entry per `[n]`, quotes joined, ascending. */
export function groupCitations(citations: Citation[]): Citation[] {
  const byNumber = new Map<number, Citation>();
  for (const citation of citations) {
    const seen = byNumber.get(citation.n);
    if (!seen) byNumber.set(citation.n, { ...citation });
    else if (!seen.quote.includes(citation.quote)) seen.quote = `${seen.quote} … ${citation.quote}`;
  }
  return [...byNumber.values()].sort((a, b) => a.n - b.n);
}

function byline(citation: Citation): string {
  const parts = [citation.source, citation.publishedAt?.slice(0, 10)].filter((p): p is string =>
    Boolean(p),
  );
  return parts.map(safeSnippet).join(' · ');
}

/**
 * The embed listing cited passages: one field per `[n]` with the title as name and the quote
 * (trimmed to share the 6,000-character budget fairly) plus a link as value.
 */
export function citationEmbed(citations: Citation[]): APIEmbed | undefined {
  const grouped = groupCitations(citations);
  if (grouped.length === 0) return undefined;
  const shown = grouped.slice(0, LIMITS.embedFields);
  const title = 'Cited passages';
  const footer =
    grouped.length > shown.length
      ? `${grouped.length - shown.length} more cited passages: press Sources to see them all.`
      : 'Quotes are verbatim from the indexed articles.';
  const available = LIMITS.embedTotal - title.length - footer.length;
  // Titles get at most a third of the shared budget, so quotes keep room when there are many.
  const nameMax = Math.min(LIMITS.fieldName, Math.floor(available / (3 * shown.length)));
  const names = shown.map((c) => truncate(`[${c.n}] ${safeSnippet(c.title)}`, nameMax));
  const budget = available - names.reduce((sum, n) => sum + n.length, 0);
  const perField = Math.min(LIMITS.fieldValue, Math.floor(budget / shown.length));
  const fields = shown.map((citation, i) => {
    const meta = byline(citation);
    const link = isWebUrl(citation.url) ? `[Read the article](${citation.url})` : '';
    const tail = [meta, link].filter(Boolean).join(' · ');
    const tailRoom = tail ? Math.min(tail.length + 1, Math.floor(perField / 2)) : 0;
    const quoteRoom = perField - tailRoom - 2;
    const quote = `> ${truncate(safeSnippet(citation.quote), Math.max(1, quoteRoom))}`;
    // A link that does not fit is dropped rather than cut, since a cut URL is a broken link.
    const fittedTail =
      tail.length + 1 <= tailRoom ? tail : truncate(meta, Math.max(0, tailRoom - 1));
    const value = fittedTail ? `${quote}\n${fittedTail}` : quote;
    return { name: names[i]!, value: truncate(value, perField) };
  });
  return { title, color: COLOUR, fields, footer: { text: footer } };
}

// ---------------------------------------------------------------------------------------------
// Answers and summaries

/** What a cited reply is made of, whether it answers a question or summarizes. */
export interface CitedText {
  text: string;
  citations: Citation[];
  note?: string;
  refused?: boolean;
  /** The short answer the text leads with, shown in bold on its own line. */
  short?: string | null;
}

export interface CitedReplyOptions {
  /** Id used by the buttons; no buttons when absent. */
  answerId?: string;
  /** A bold first line such as "Summary (short)". */
  heading?: string;
}

/**
 * Builds the messages for a cited answer: content split within 2,000 characters (never more than
 * five messages), the citation embed and the buttons on the last one.
 */
export function formatCitedReplies(
  input: CitedText,
  options: CitedReplyOptions = {},
): ReplyPayload[] {
  // The short answer leads in bold on its own line; the sentence that supports it follows.
  const lead = input.short && input.text.startsWith(`${input.short}. `) ? input.short : undefined;
  const rest = safeContent(lead ? input.text.slice(lead.length + 2) : input.text).trim();
  const body =
    (lead ? `**${safeSnippet(lead)}**\n${rest}` : rest) || '(The answer came back empty.)';
  const note = input.note ? `\n-# ${safeContent(input.note).replace(/\s+/g, ' ').trim()}` : '';
  const heading = options.heading ? `**${safeContent(options.heading)}**\n` : '';
  let pieces = splitMessage(`${heading}${body}${note}`, LIMITS.content);
  if (pieces.length > MAX_PARTS) {
    pieces = pieces.slice(0, MAX_PARTS);
    pieces[MAX_PARTS - 1] =
      truncate(pieces[MAX_PARTS - 1]!, LIMITS.content - 30) + '\n-# (answer trimmed)';
  }
  const embed = input.refused ? undefined : citationEmbed(input.citations);
  return pieces.map((content, i) => {
    const last = i === pieces.length - 1;
    return {
      content,
      embeds: last && embed ? [embed] : [],
      components: last && options.answerId ? [answerButtons(options.answerId, Boolean(embed))] : [],
    };
  });
}

/**
 * The same messages without embeds, for a channel where the bot may not embed links: each embed's
 * title and fields become plain text after the content (split again within limits), links stay
 * wrapped in `<…>` so they do not preview, and the buttons stay on the last message.
 */
export function withoutEmbeds(payloads: readonly ReplyPayload[]): ReplyPayload[] {
  const out: ReplyPayload[] = [];
  for (const payload of payloads) {
    if (payload.embeds.length === 0) {
      out.push(payload);
      continue;
    }
    const text = payload.embeds
      .flatMap((e) => [
        ...(e.title ? [`**${e.title}**`] : []),
        ...(e.description ? [e.description] : []),
        ...(e.fields ?? []).map((f) => `**${f.name}**\n${f.value}`),
      ])
      .join('\n');
    const pieces = splitMessage(`${payload.content}\n\n${text}`.trim(), LIMITS.content);
    pieces.forEach((content, i) =>
      out.push({
        content,
        embeds: [],
        components: i === pieces.length - 1 ? payload.components : [],
        flags: MessageFlags.SuppressEmbeds,
      }),
    );
  }
  return out;
}

/**
 * The full quotes behind an answer, for the private Sources view: one block per passage with
 * its title, byline, complete quote and link; split over at most five messages. `stale` holds,
 * by `[n]`, notices that replace quotes their articles no longer hold.
 */
export function formatFullQuotes(
  citations: Citation[],
  stale: ReadonlyMap<number, string> = new Map(),
): ReplyPayload[] {
  const grouped = groupCitations(citations);
  if (grouped.length === 0)
    return [{ content: 'This answer cites no passages.', embeds: [], components: [] }];
  const blocks = grouped.map((c) => {
    const meta = byline(c);
    const head = `**[${c.n}] ${safeSnippet(c.title)}**${meta ? ` · ${meta}` : ''}`;
    const link = isWebUrl(c.url) ? `\n<${c.url}>` : '';
    // A quote its article no longer holds is not shown as if it were current.
    const notice = stale.get(c.n);
    return `${head}\n${notice ? `-# ⚠️ ${safeSnippet(notice)}` : `> ${safeSnippet(c.quote)}`}${link}`;
  });
  let pieces = splitMessage(blocks.join('\n\n'), LIMITS.content);
  if (pieces.length > MAX_PARTS) {
    pieces = pieces.slice(0, MAX_PARTS);
    pieces[MAX_PARTS - 1] =
      truncate(pieces[MAX_PARTS - 1]!, LIMITS.content - 30) + '\n-# (more quotes trimmed)';
  }
  return pieces.map((content) => ({
    content,
    embeds: [],
    components: [],
    flags: MessageFlags.SuppressEmbeds,
  }));
}

// ---------------------------------------------------------------------------------------------
// /sources pages

const PAGE_ITEMS = 10;
const PAGE_CHARS = 3_800;

function articleLine(article: ArticleMeta, index: number): string {
  const title = truncate(safeSnippet(article.title), 200);
  const titled = isWebUrl(article.url) ? `[${title}](${article.url})` : title;
  const meta = [
    article.source && safeSnippet(article.source),
    article.publishedAt?.slice(0, 10),
    article.revisedAt && `✎ updated ${article.revisedAt.slice(0, 10)}`,
    plural(article.chunks, 'chunk'),
  ]
    .filter(Boolean)
    .join(' · ');
  return truncate(`**${index + 1}.** ${titled} — ${meta}`, 600);
}

/** Splits the article list into pages of at most ten lines that fit an embed description. */
export function paginateArticles(articles: ArticleMeta[]): string[][] {
  const pages: string[][] = [];
  let current: string[] = [];
  let size = 0;
  articles.forEach((article, i) => {
    const line = articleLine(article, i);
    if (current.length >= PAGE_ITEMS || size + line.length + 1 > PAGE_CHARS) {
      pages.push(current);
      current = [];
      size = 0;
    }
    current.push(line);
    size += line.length + 1;
  });
  if (current.length > 0 || pages.length === 0) pages.push(current);
  return pages;
}

/** One page of `/sources`, with Previous/Next buttons when there is more than one page. */
export function formatArticlesPage(articles: ArticleMeta[], requestedPage: number): ReplyPayload {
  const pages = paginateArticles(articles);
  const page = Math.min(Math.max(0, requestedPage), pages.length - 1);
  const lines = pages[page]!;
  const embed: APIEmbed = {
    title: `Indexed articles (${articles.length})`,
    color: COLOUR,
    description: lines.length > 0 ? lines.join('\n') : 'The index holds no articles yet.',
    footer: { text: `Page ${page + 1} of ${pages.length}` },
  };
  const components: ButtonRow[] =
    pages.length > 1
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              button(
                encodeCustomId({ kind: 'page', page: page - 1 }),
                'Previous',
                ButtonStyle.Secondary,
                undefined,
                page === 0,
              ),
              button(
                encodeCustomId({ kind: 'page', page: page + 1 }),
                'Next',
                ButtonStyle.Secondary,
                undefined,
                page >= pages.length - 1,
              ),
            ],
          },
        ]
      : [];
  return { content: '', embeds: [embed], components };
}

// ---------------------------------------------------------------------------------------------
// /status, /help, notices

/** Human duration: "850 ms", "4.2 s", "3 min 5 s", "2 h 10 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = ms / 1_000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.floor(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const number = (n: number) => n.toLocaleString('en-US');

/** Everything `/status` shows. */
export interface StatusView {
  info?: EngineInfo;
  manifest?: Manifest;
  uptimeMs: number;
  version: string;
  reindexing: boolean;
  shard?: { id: number; count: number };
}

/** The `/status` embed. */
export function formatStatus(view: StatusView): ReplyPayload {
  const fields: APIEmbed['fields'] = [];
  if (view.info) {
    fields.push({
      name: 'Index',
      value: `${plural(view.info.articles, 'article')}, ${plural(view.info.chunks, 'chunk')}`,
      inline: true,
    });
    const built = Date.parse(view.info.builtAt);
    fields.push({
      name: 'Built',
      value: Number.isFinite(built)
        ? `<t:${Math.floor(built / 1000)}:R>${view.manifest ? ` in ${formatDuration(view.manifest.buildMs)}` : ''}`
        : 'unknown',
      inline: true,
    });
    fields.push({ name: 'Embedder', value: truncate(view.info.embedder, 200), inline: true });
    fields.push({ name: 'Answerer', value: truncate(view.info.answerer, 200), inline: true });
  } else {
    fields.push({
      name: 'Index',
      value: 'Not built yet: an admin can run `/reindex`.',
      inline: false,
    });
  }
  fields.push({ name: 'Uptime', value: formatDuration(view.uptimeMs), inline: true });
  fields.push({ name: 'Version', value: view.version, inline: true });
  if (view.shard)
    fields.push({
      name: 'Shard',
      value: `${view.shard.id + 1} of ${view.shard.count}`,
      inline: true,
    });
  if (view.reindexing) fields.push({ name: 'Re-index', value: 'running now', inline: true });
  return {
    content: '',
    embeds: [{ title: 'storybot status', color: COLOUR, fields }],
    components: [],
  };
}

/** The `/help` text. */
export function formatHelp(): ReplyPayload {
  const content = [
    '**storybot** answers questions about the news story it has indexed, quoting the articles.',
    '• `/ask question:` a cited answer (`private:` to see it alone) · `/summary` the story so far (`since:` what is new) · `/timeline` dated events',
    '• `/sources` the indexed articles · `/status` index and uptime · `/reindex` (admins) rebuild the index, `url:` to add an article',
    '• Mention me with a question; reply to my answer or write in my thread to follow up.',
    'Every `[n]` points to a quoted passage: press **Sources** for the full quotes, 👍/👎 to tell us how it went.',
  ].join('\n');
  return { content, embeds: [], components: [] };
}

/** Short private notices (no pings, no markdown surprises). */
export const notices = {
  cooldown: (retryAfterMs: number) =>
    `You're asking quickly: try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`,
  guildBusy: () =>
    'I am answering several questions in this server right now; please try again in a moment.',
  shuttingDown: () => 'The bot is restarting; please ask again in a minute.',
  notAdmin: () =>
    'Only server admins (Manage Server, or the configured admin roles/users) can re-index.',
  adminOnly: (command: string) =>
    `Only server admins (Manage Server, or the configured admin roles/users) can use /${command}.`,
  reindexBusy: () =>
    'A re-index is already running; you will be able to start another when it finishes.',
  emptyQuestion: () => 'Ask me something about the story, for example: "What happened first?"',
  answerExpired: () =>
    'I no longer have the sources of this answer in memory (it is old or I restarted); ask again.',
  voteRecorded: (vote: 'up' | 'down') =>
    vote === 'up' ? 'Thanks, noted 👍' : 'Thanks, noted 👎: it helps us improve.',
  voteUnchanged: () => 'You already gave this answer that rating.',
  autoUnanswered: () =>
    "The articles I have don't answer this one, so I'll leave it to the people here.",
  questionTooLong: (length: number, max: number) =>
    `Your question is ${number(length)} characters long; the limit is ${number(max)}. Please shorten it.`,
} as const;

/** A notice as a content-only payload. */
export function notice(text: string): ReplyPayload {
  return { content: truncate(safeContent(text), LIMITS.content), embeds: [], components: [] };
}

// ---------------------------------------------------------------------------------------------
// Re-index progress

/** One progress line from the index CLI (`--progress-json`). */
export interface IndexProgress {
  phase: string;
  done: number;
  total: number;
  message?: string;
}

/** "Re-indexing… embedding 340/1,200 chunks" with a small text bar. */
export function formatProgress(progress: IndexProgress, upload?: string): string {
  const total = Math.max(0, progress.total);
  const done = Math.min(Math.max(0, progress.done), total || progress.done);
  const ratio = total > 0 ? done / total : 0;
  const bar = total > 0 ? ` \`${'█'.repeat(Math.round(ratio * 12)).padEnd(12, '░')}\`` : '';
  const detail = progress.message
    ? safeSnippet(truncate(progress.message, 200))
    : `${safeSnippet(progress.phase)}`;
  const counts = total > 0 ? ` ${number(done)}/${number(total)}` : '';
  const head = upload ? `Added \`${safeSnippet(upload)}\`. ` : '';
  return truncate(
    `${head}Re-indexing… ${detail}${progress.message ? '' : counts}${bar}`,
    LIMITS.content,
  );
}

/** The final message of a successful re-index. */
export function formatReindexDone(manifest: Manifest, upload?: string): string {
  const added = upload ? `Added \`${safeSnippet(upload)}\` to the corpus. ` : '';
  return truncate(
    `✅ ${added}Re-indexed ${plural(manifest.articles, 'article')} into ${plural(manifest.chunks, 'chunk')} in ${formatDuration(manifest.buildMs)}; the new index is live.`,
    LIMITS.content,
  );
}

/** The final message of a failed re-index: which file and why, and that the old index still serves. */
export function formatReindexFailed(
  failure: { message: string; file?: string },
  removedUpload?: string,
): string {
  const file = failure.file ? ` in \`${safeSnippet(failure.file)}\`` : '';
  // The indexer's messages often start with the file name already; say it once.
  const reason =
    failure.file && failure.message.startsWith(`${failure.file}: `)
      ? failure.message.slice(failure.file.length + 2)
      : failure.message;
  const removed = removedUpload
    ? ` The uploaded file \`${safeSnippet(removedUpload)}\` was not kept.`
    : '';
  return truncate(
    `❌ Re-index failed${file}: ${safeContent(reason)}\nThe previous index keeps serving.${removed}`,
    LIMITS.content,
  );
}
