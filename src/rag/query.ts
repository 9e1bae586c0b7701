/**
 * What a question says about *which* articles it means: the outlets it names ("the TechCrunch
 * article on…", "according to The Guardian") and the dates it gives ("published on October 13,
 * 2023"). News questions about a long story are often several questions in one, each part naming
 * an outlet; the retriever uses these mentions to look for each part among that outlet's articles.
 *
 * Outlet names are learned from the indexed articles' `source` fields, never from a fixed list.
 */
import { fold, MONTHS } from './text.js';

/** A place in the question that names something in the articles' metadata. */
export interface Mention {
  /** Offsets in the question (UTF-16 code units). */
  start: number;
  end: number;
}

/** An outlet named in the question, with every indexed source it can mean. */
export interface SourceMention extends Mention {
  /** Indexed `source` values this mention matches (one name can cover "X - Sports" and "X - Travel"). */
  sources: string[];
}

/** A calendar date named in the question. */
export interface DateMention extends Mention {
  /** `YYYY-MM-DD`. */
  date: string;
}

/** Separators that split an outlet's display name into name and section ("FOX News - Health"). */
const SECTION_SEPARATOR = /\s+[-|–—:]\s+/;

/** Short names that are too ambiguous to treat as an outlet on their own. */
const MIN_NAME_CHARS = 3;

/**
 * Names a source can be called by: its full name, its name before a section separator, and both
 * without a leading "The". Folded (lowercase, no accents), whitespace collapsed.
 */
export function sourceAliases(source: string): string[] {
  const norm = (s: string): string => fold(s).replace(/\s+/g, ' ').trim();
  const full = norm(source);
  const head = norm(source.split(SECTION_SEPARATOR)[0] ?? source);
  const out = new Set<string>();
  for (const name of [full, head]) {
    out.add(name);
    if (name.startsWith('the ')) out.add(name.slice(4));
  }
  return [...out].filter((n) => n.replace(/[^\p{L}\p{N}]/gu, '').length >= MIN_NAME_CHARS);
}

/** Replaces outlet names and dates with spaces (same length), so their words are not read. */
export function maskMentions(text: string, spans: Array<{ start: number; end: number }>): string {
  let out = text;
  for (const s of spans)
    out = out.slice(0, s.start) + ' '.repeat(s.end - s.start) + out.slice(s.end);
  return out;
}

/** Finds outlet names in questions; built once per index from its articles' sources. */
export class SourceMatcher {
  /** Alias → sources it may mean, longest aliases first so "fox news - health" beats "fox news". */
  private readonly aliases: Array<{ alias: string; sources: string[] }>;

  constructor(sources: Iterable<string>) {
    const map = new Map<string, Set<string>>();
    for (const source of new Set(sources)) {
      if (!source.trim()) continue;
      for (const alias of sourceAliases(source)) {
        let set = map.get(alias);
        if (!set) map.set(alias, (set = new Set()));
        set.add(source);
      }
    }
    this.aliases = [...map]
      .map(([alias, set]) => ({ alias, sources: [...set].sort() }))
      .sort((a, b) => b.alias.length - a.alias.length);
  }

  get empty(): boolean {
    return this.aliases.length === 0;
  }

  /**
   * Outlet mentions in the question, in order, not overlapping. A mention must start with a
   * capital letter or digit (a name, not the common word "wired" or "fortune") and sit on word
   * boundaries.
   */
  find(question: string): SourceMention[] {
    if (this.aliases.length === 0) return [];
    // Folding keeps the length of ordinary text; if it does not (rare ligatures), give up rather
    // than report wrong offsets.
    const folded = fold(question);
    if (folded.length !== question.length) return [];
    const taken = new Uint8Array(question.length);
    const found: SourceMention[] = [];
    for (const { alias, sources } of this.aliases) {
      let from = 0;
      for (;;) {
        const at = folded.indexOf(alias, from);
        if (at < 0) break;
        from = at + 1;
        const end = at + alias.length;
        if (!isBoundary(folded, at - 1) || !isBoundary(folded, end)) continue;
        if (
          !/[\p{Lu}\p{N}]/u.test(question[at]!) &&
          !(alias.startsWith('the ') && /[\p{Lu}]/u.test(question[at + 4] ?? ''))
        )
          continue;
        let free = true;
        for (let i = at; i < end; i++) if (taken[i]) free = false;
        if (!free) continue;
        taken.fill(1, at, end);
        found.push({ start: at, end, sources });
      }
    }
    return found.sort((a, b) => a.start - b.start);
  }
}

function isBoundary(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return true;
  return !/[\p{L}\p{N}]/u.test(text[i]!);
}

/** Month names and their abbreviations ("Sept.", "Oct"), built from the one month table. */
const MONTH_RE = `(${MONTHS.map((m) => `${m.slice(0, 3)}(?:${m.slice(3, 4)}(?:${m.slice(4)})?)?`).join('|')})\\.?`;
const DAY_RE = '(\\d{1,2})(?:st|nd|rd|th)?';
const DATE_PATTERNS: Array<{
  re: RegExp;
  parts: (m: RegExpExecArray) => [string, string, string];
}> = [
  // "October 13, 2023", "Oct. 1st 2023"
  {
    re: new RegExp(`\\b${MONTH_RE}\\s+${DAY_RE},?\\s+(\\d{4})\\b`, 'gi'),
    parts: (m) => [m[3]!, m[1]!, m[2]!],
  },
  // "13 October 2023", "1st of October, 2023"
  {
    re: new RegExp(`\\b${DAY_RE}\\s+(?:of\\s+)?${MONTH_RE},?\\s+(\\d{4})\\b`, 'gi'),
    parts: (m) => [m[3]!, m[2]!, m[1]!],
  },
  // "2023-10-13"
  { re: /\b(\d{4})-(\d{2})-(\d{2})\b/g, parts: (m) => [m[1]!, m[2]!, m[3]!] },
];

function monthNumber(token: string): number {
  if (/^\d+$/.test(token)) return Number(token);
  const t = token.toLowerCase().replace(/\.$/, '');
  return MONTHS.findIndex((m) => m.startsWith(t.slice(0, 3))) + 1;
}

/** Full dates named in the question (a month alone or a year alone is not a date). */
export function findDates(question: string): DateMention[] {
  const out: DateMention[] = [];
  for (const { re, parts } of DATE_PATTERNS) {
    for (const m of question.matchAll(re)) {
      const [y, mo, d] = parts(m as RegExpExecArray);
      const month = monthNumber(mo);
      const day = Number(d);
      if (month < 1 || month > 12 || day < 1 || day > 31) continue;
      const start = m.index!;
      if (out.some((o) => start < o.end && o.start < start + m[0].length)) continue;
      out.push({
        start,
        end: start + m[0].length,
        date: `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Days between two `YYYY-MM-DD` dates (absolute). NaN if either is not a date. */
export function daysApart(a: string, b: string): number {
  return (
    Math.abs(
      Date.parse(`${a.slice(0, 10)}T00:00:00Z`) - Date.parse(`${b.slice(0, 10)}T00:00:00Z`),
    ) / 86_400_000
  );
}

/** One part of a many-part question: a span of it, and the outlets and dates that part names. */
export interface QuestionPart {
  start: number;
  end: number;
  /** Sources this part is about: those it names, else the only ones the question names. */
  sources: string[];
  /** Dates the part names (`YYYY-MM-DD`). */
  dates: string[];
}

// Clause boundaries: punctuation between clauses, and contrast words that join two claims.
const CLAUSE_BREAK = /[,;]\s*(?:and\s+|while\s+|but\s+|whereas\s+)?|\s(?:while|whereas|but)\s/gi;
// An outlet named as the source of what precedes it ("…, as reported by X", "according to X"):
// a preposition, an optional article, an optional opening quote.
const ATTRIBUTION_BEFORE = /\b(?:by|to|from|per|via|in)\s+(?:the\s+|a\s+|an\s+)?['‘"“]?$/i;
// English determiners. One opening a noun phrase just before an outlet ("and the Gazette
// article…", "the later Planet piece…": at most one modifier between) starts a new part there.
const NOUN_PHRASE_START =
  /\b(?:the|a|an|this|that|these|those|its|their|his|her|another|each|every)\s+(?:[\p{L}\p{N}-]+\s+)?['‘"“]?$/iu;
/** A part needs this many topic words of its own (outlets and dates aside) to be searched alone. */
const MIN_PART_WORDS = 2;

/**
 * Splits a question into the parts a multi-part question is made of ("Did X report A, while Y
 * reported B?" → "X report A" and "Y reported B"): at clause punctuation and contrast words, and
 * between two outlets named in one clause (after the first when it is attributed, "by X";
 * otherwise where the second one's noun phrase starts). Parts with fewer than two topic words of
 * their own join the next. `words` gives the topic words of a text: the caller decides which
 * words carry a topic (the retriever learns that from the index's document frequencies).
 * Returns one part (the whole question) when there is nothing to split.
 */
export function questionParts(
  question: string,
  sources: SourceMention[],
  dates: DateMention[],
  words: (text: string) => string[],
): QuestionPart[] {
  // Dates contain commas ("October 7, 2023") that do not end a clause.
  let masked = question;
  for (const d of dates)
    masked = masked.slice(0, d.start) + ' '.repeat(d.end - d.start) + masked.slice(d.end);
  const cuts: Array<{ at: number; resume: number }> = [];
  for (const m of masked.matchAll(CLAUSE_BREAK))
    cuts.push({ at: m.index!, resume: m.index! + m[0].length });
  // Two outlets in one clause: cut after an "…according to X" one, else before the second.
  for (let i = 0; i + 1 < sources.length; i++) {
    const a = sources[i]!;
    const b = sources[i + 1]!;
    if (cuts.some((c) => c.at >= a.end && c.at < b.start)) continue;
    if (ATTRIBUTION_BEFORE.test(question.slice(Math.max(0, a.start - 20), a.start))) {
      cuts.push({ at: a.end, resume: a.end });
    } else {
      const lead = NOUN_PHRASE_START.exec(question.slice(a.end, b.start));
      const at = b.start - (lead?.[0].length ?? 0);
      if (at > a.end) cuts.push({ at, resume: at });
    }
  }
  cuts.sort((x, y) => x.at - y.at);
  const spans: Array<{ start: number; end: number }> = [];
  let from = 0;
  for (const c of cuts) {
    if (c.at > from) spans.push({ start: from, end: c.at });
    from = Math.max(from, c.resume);
  }
  if (from < question.length) spans.push({ start: from, end: question.length });

  // Topic words of a span that are not outlet names or dates: what the part is about.
  const ownWords = (s: { start: number; end: number }): number => {
    let text = question.slice(s.start, s.end);
    for (const m of [...sources, ...dates]
      .filter((m) => m.start >= s.start && m.end <= s.end)
      .sort((x, y) => y.start - x.start)) {
      text = text.slice(0, m.start - s.start) + ' ' + text.slice(m.end - s.start);
    }
    return words(text).length;
  };
  const merged: Array<{ start: number; end: number }> = [];
  let pending: { start: number; end: number } | undefined;
  for (const s of spans) {
    const cur = pending ? { start: pending.start, end: s.end } : s;
    if (ownWords(cur) < MIN_PART_WORDS) {
      pending = cur;
      continue;
    }
    merged.push(cur);
    pending = undefined;
  }
  if (pending) {
    const last = merged.at(-1);
    if (last) last.end = pending.end;
    else merged.push(pending);
  }
  if (merged.length === 0) merged.push({ start: 0, end: question.length });

  const distinct = [...new Set(sources.map((m) => m.sources.join('\n')))];
  const only = distinct.length === 1 ? sources[0]!.sources : [];
  return merged.map((s) => {
    const inside = sources.filter((m) => m.start < s.end && m.end > s.start);
    return {
      start: s.start,
      end: s.end,
      sources: inside.length > 0 ? [...new Set(inside.flatMap((m) => m.sources))].sort() : only,
      dates: dates.filter((d) => d.start < s.end && d.end > s.start).map((d) => d.date),
    };
  });
}
