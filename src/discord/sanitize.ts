/**
 * Text hygiene for everything that crosses the Discord boundary, in both directions (pure).
 *
 * Questions arrive with whatever a user can type or paste; corpus text and model output are
 * not ours either. `allowedMentions: { parse: [] }` already stops pings at the API level; the
 * functions here are the second layer, so that text which *looks* like a mention or a link
 * cannot mislead a reader, and invisible characters cannot hide or reorder what is shown.
 */
import { stripUnsafeChars } from '../rag/text.js';

/** The character inserted to break a mention apart without changing how the text reads. */
export const ZWSP = '\u200B';

/** Removes control bytes, terminal escapes, bidirectional controls and zero-width characters. */
export function cleanText(text: string): string {
  return stripUnsafeChars(text, 'display');
}

/**
 * Breaks `@everyone`, `@here`, and user/role mention syntax with a zero-width space, so that
 * even a client ignoring `allowed_mentions` would not ping anyone and readers see plain text.
 * Run after {@link cleanText}, which would remove the inserted characters again.
 */
export function neutralizeMentions(text: string): string {
  return text
    .replace(/@(everyone|here)/gi, `@${ZWSP}$1`)
    .replace(/<@([!&]?\d+)>/g, `<@${ZWSP}$1>`)
    .replace(/<\/([\w -]+):(\d+)>/g, `</${ZWSP}$1:$2>`);
}

const TRAILING_PUNCTUATION = /[.,;:!?)\]'"»”’]+$/;

/**
 * Rewrites masked links `[label](url)` as `label (<url>)` so a label cannot disguise where a
 * link goes, and wraps bare URLs in angle brackets so Discord shows no link preview.
 */
export function defuseLinks(text: string): string {
  const unmasked = text.replace(
    /\[([^\]\n]{0,200})\]\(\s*<?(https?:\/\/[^\s)>]+)>?\s*\)/gi,
    (_m, label: string, url: string) => (label.trim() ? `${label} (<${url}>)` : `<${url}>`),
  );
  return unmasked.replace(
    /(<)?(https?:\/\/[^\s<>]+)/gi,
    (match, open: string | undefined, url: string) => {
      if (open) return match;
      const trailing = TRAILING_PUNCTUATION.exec(url)?.[0] ?? '';
      const bare = trailing ? url.slice(0, -trailing.length) : url;
      return bare ? `<${bare}>${trailing}` : match;
    },
  );
}

/** Hygiene for text we show as our own message content (answers, notices). */
export function safeContent(text: string): string {
  return neutralizeMentions(defuseLinks(cleanText(text)));
}

/**
 * Hygiene for untrusted snippets shown inside our formatting (titles, quotes): also escapes
 * markdown so a quote renders literally and cannot open a code block or spoiler that swallows
 * the rest of the message.
 */
export function safeSnippet(text: string): string {
  const escaped = cleanText(text)
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/([\\*_~`|[\]])/g, '\\$1')
    // Block syntax (headings, lists, quotes, subtext) only acts at the start of a line.
    .replace(/^([#>-])/, '\\$1')
    .replace(/^(\d+)\./, '$1\\.');
  return neutralizeMentions(escaped);
}

/** Normalizes a question as typed: hygiene, collapsed blank lines, trimmed. */
export function cleanQuestion(text: string): string {
  return cleanText(text)
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** True when a URL is an absolute http(s) URL (only those become links). */
export function isWebUrl(value: string | undefined): value is string {
  if (!value) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
