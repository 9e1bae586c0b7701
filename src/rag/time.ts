/**
 * Time in questions and answers. A question about "the latest", "now" or "recently" prefers the
 * most recently published relevant articles; "since Monday", "in the last 3 days", "after 20 Nov"
 * or "before <event>" keeps to the articles published in that span, in time order. When the
 * cited articles were published on different days, the answer says which source is newer.
 *
 * Days are compared as calendar days (`YYYY-MM-DD`): the day an article's own date names is the
 * one its readers saw, whatever the time zone, and news questions are about days, not hours.
 * Written dates are read by chrono-node (maintained; it knows weekdays, relative spans and many
 * formats that a hand-written parser would get wrong at month and year boundaries).
 */
import { chrono } from './chrono.js';
import type { Answer, Citation, Passage, Summary } from './types.js';

/** What a question asks about time. `day` bounds are `YYYY-MM-DD`; `anchor` is an event to date. */
export type TimeIntent =
  | { kind: 'latest' }
  | { kind: 'since' | 'after' | 'before'; day: string; label: string; phrase: string }
  | { kind: 'after' | 'before'; anchor: string; label: string; phrase: string };

/** A retrieval pool this many times the answer's passages is searched for time questions. */
const POOL_FACTOR = 4;
/** Articles tried one by one, newest first, for a "latest" question before all answer together. */
const LATEST_TRIES = 3;
/** For "latest", passages scoring at least this share of the best are relevant enough to rank by date. */
const RELEVANT_SHARE = 0.5;

const LATEST =
  /\b(latest|newest|most recent(ly)?|recent(ly)?|lately|now|currently|so far|to date|as of today|still|any more|anymore|update on)\b/i;
const SINCE = /\bsince\s+(.{1,40}?)\s*(?=[?.!,;]|$|\band\b|\bor\b)/i;
// "From" opens a span only with "on"/"onwards" after it ("from Monday onwards"): "the report
// from The Verge on 28 September" names a source and its date, not a span up to now.
const FROM_ON = /\bfrom\s+(.{1,40}?)\s+on(?:wards?)?\s*(?=[?.!,;]|$|\band\b|\bor\b)/i;
const SPAN = /\b(?:in|over|during|within|for)\s+the\s+((?:last|past)\s+.{1,30}?)\s*(?=[?.!,;]|$)/i;
const BEFORE_AFTER = /\b(before|after)\s+(.{2,80}?)\s*(?=[?.!;]|$)/i;
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  few: 3,
  couple: 2,
};
const UNIT_DAYS: Record<string, number> = { day: 1, week: 7, fortnight: 14, month: 30, year: 365 };
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a date as written by the corpus (its own calendar day), if it has one. */
export function dayOf(date: string | undefined): string | undefined {
  return date && /^\d{4}-\d{2}-\d{2}/.test(date) ? date.slice(0, 10) : undefined;
}

/** "25 Nov 2026" for `2026-11-25` (or any date string starting with a day). */
export function formatDay(date: string): string {
  const day = dayOf(date) ?? date;
  const parsed = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return parsed.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The first day of a span written as "3 days", "the past week", "Monday", "20 Nov", "2026-11-20"
 * or "yesterday", counted back from `now`. Undefined when the text names no time.
 */
export function parseSince(text: string, now: Date = new Date()): string | undefined {
  const clean = text
    .trim()
    .toLowerCase()
    .replace(/^the\s+/, '');
  const span =
    /^(?:(?:last|past)\s+)?(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|couple)?\s*(?:of\s+)?(day|week|fortnight|month|year)s?(?:\s+ago)?$/.exec(
      clean,
    );
  if (span) {
    const n = span[1] === undefined ? 1 : (NUMBER_WORDS[span[1]] ?? Number(span[1]));
    return isoDay(now.getTime() - n * UNIT_DAYS[span[2]!]! * DAY_MS);
  }
  return pastDay(text, now);
}

/** The day a written date names, read as the most recent such day on or before `reference`. */
export function pastDay(text: string, reference: Date): string | undefined {
  const result = chrono().parse(text, reference, { forwardDate: false })[0];
  if (!result) return undefined;
  const start = result.start;
  if (!start.isCertain('day') && !start.isCertain('weekday') && !start.isCertain('month'))
    return undefined;
  let ms = Date.UTC(start.get('year')!, start.get('month')! - 1, start.get('day') ?? 1);
  // "Monday" or "20 Dec" without a year mean the last one, not the next.
  if (ms > reference.getTime() + DAY_MS) {
    if (!start.isCertain('month') && start.isCertain('weekday')) ms -= 7 * DAY_MS;
    else if (!start.isCertain('year'))
      ms = Date.UTC(start.get('year')! - 1, start.get('month')! - 1, start.get('day') ?? 1);
  }
  return isoDay(ms);
}

/** What a question asks about time, or undefined when it asks nothing about it. */
export function timeIntent(question: string, now: Date = new Date()): TimeIntent | undefined {
  for (const pattern of [SINCE, FROM_ON, SPAN]) {
    const m = pattern.exec(question);
    const day = m ? parseSince(m[1]!, now) : undefined;
    if (m && day) return { kind: 'since', day, label: m[1]!.trim(), phrase: m[0] };
  }
  const edge = BEFORE_AFTER.exec(question);
  if (edge) {
    const kind = edge[1]!.toLowerCase() as 'before' | 'after';
    const label = edge[2]!.trim();
    const day = pastDay(label, now);
    if (day) return { kind, day, label, phrase: edge[0] };
    if (/[\p{L}]{3,}/u.test(label)) return { kind, anchor: label, label, phrase: edge[0] };
  }
  return LATEST.test(question) ? { kind: 'latest' } : undefined;
}

function inSpan(intent: TimeIntent & { day: string }, day: string | undefined): boolean {
  if (!day) return false;
  if (intent.kind === 'since') return day >= intent.day;
  if (intent.kind === 'after') return day > intent.day;
  return day < intent.day;
}

function renumber(passages: Passage[]): Passage[] {
  return passages.map((p, i) => ({ ...p, n: i + 1 }));
}

/**
 * Orders and filters retrieved passages (best first) for a time question, keeping at most `k`,
 * numbered from 1. "latest": the relevant passages, newest article first. A span: only the
 * passages of articles published in it, oldest first (empty when none is).
 */
export function arrangeByTime(
  passages: Passage[],
  intent: TimeIntent & ({ kind: 'latest' } | { day: string }),
  k: number,
): Passage[] {
  const ranked = passages.map((p, rank) => ({ p, rank, day: dayOf(p.article.publishedAt) }));
  if (intent.kind === 'latest') {
    const top = passages[0]?.score ?? 0;
    const relevant = ranked.filter((x) => x.p.score >= top * RELEVANT_SHARE);
    relevant.sort((a, b) => (b.day ?? '').localeCompare(a.day ?? '') || a.rank - b.rank);
    return renumber(relevant.slice(0, k).map((x) => x.p));
  }
  const kept = ranked
    .filter((x) => inSpan(intent as TimeIntent & { day: string }, x.day))
    .slice(0, k)
    .sort((a, b) => a.day!.localeCompare(b.day!) || a.rank - b.rank);
  return renumber(kept.map((x) => x.p));
}

/** The passages of each article among `passages`, in their order (newest first for "latest"). */
export function passagesByArticle(passages: Passage[]): Passage[][] {
  const groups = new Map<string, Passage[]>();
  for (const p of passages) groups.set(p.article.id, [...(groups.get(p.article.id) ?? []), p]);
  return [...groups.values()].map(renumber);
}

/** The distinct days of the cited articles, newest first, each with its citation numbers. */
function citedDays(citations: Citation[]): Array<{ day: string; ns: number[] }> {
  const byDay = new Map<string, number[]>();
  for (const c of citations) {
    const day = dayOf(c.publishedAt);
    if (day) byDay.set(day, [...(byDay.get(day) ?? []), c.n]);
  }
  return [...byDay]
    .map(([day, ns]) => ({ day, ns: [...new Set(ns)] }))
    .sort((a, b) => b.day.localeCompare(a.day));
}

const marks = (ns: number[]): string => ns.map((n) => `[${n}]`).join('');

/**
 * Says which source is newer when the cited articles were published on different days
 * ("As of 25 Nov 2026 [2]; [1] is from 20 Nov 2026."), and dates a "latest" answer.
 */
export function withTimeNote(answer: Answer, intent?: TimeIntent): Answer {
  if (answer.refused) return answer;
  const days = citedDays(answer.citations);
  if (days.length === 0) return answer;
  const [newest, ...older] = days;
  if (older.length === 0) {
    if (intent?.kind !== 'latest') return answer;
    return { ...answer, answer: `As of ${formatDay(newest!.day)}: ${answer.answer}` };
  }
  const rest = older.map((d) => `${marks(d.ns)} ${formatDay(d.day)}`).join(', ');
  const note = `As of ${formatDay(newest!.day)} ${marks(newest!.ns)}, the newest source; older: ${rest}.`;
  return { ...answer, answer: `${answer.answer}\n\n${note}` };
}

/** What `answerInTime` needs from the engine. */
export interface TimeAnswering {
  k: number;
  search(text: string, k: number): Promise<Passage[]>;
  /** Answers `question` from `passages`. */
  answer(passages: Passage[], question: string): Promise<Answer>;
  refusal(text: string): Answer;
  /** What is new since a day (the catch-up summary). */
  catchUp(since: string): Summary;
}

/** Words of a question that ask for news in general rather than about something. */
const GENERIC =
  /\b(what|what's|whats|is|are|was|were|has|have|had|been|there|any|anything|new|news|happened|happening|changed|changes|going|on|the|story|update|updates|me|catch|up|tell|give|so|far)\b/gi;

/** True when, once its time phrase is gone, a question asks nothing but "what is new". */
export function asksOnlyWhatsNew(topic: string): boolean {
  return (
    topic
      .replace(/['’]s\b/g, ' ')
      .replace(GENERIC, ' ')
      .replace(/[^\p{L}\p{N}]+/gu, '').length === 0
  );
}

function dated(
  intent: TimeIntent,
  day: string | undefined,
): (TimeIntent & { day: string }) | undefined {
  if (!('anchor' in intent) || !day) return undefined;
  return { kind: intent.kind, day, label: intent.label, phrase: intent.phrase };
}

/**
 * Answers a question that asks about time: the time phrase is taken out of the question (the
 * span is applied by filtering, not by matching its words), a deeper pool is retrieved, kept and
 * ordered by publication day, answered, and the answer dated. An event anchor ("after the bridge
 * closed") is dated by the article that best matches it. "What is new since Monday?" is a catch-up.
 */
export async function answerInTime(
  intent: TimeIntent,
  question: string,
  io: TimeAnswering,
): Promise<Answer> {
  const topic =
    'phrase' in intent
      ? question.replace(intent.phrase, ' ').replace(/\s+/g, ' ').trim()
      : question;
  if (intent.kind === 'since' && 'day' in intent && asksOnlyWhatsNew(topic)) {
    const summary = io.catchUp(intent.day);
    return {
      question,
      answer: summary.summary,
      refused: summary.citations.length === 0,
      citations: summary.citations,
      answerer: summary.answerer,
    };
  }
  let span: TimeIntent & ({ kind: 'latest' } | { day: string });
  if ('anchor' in intent) {
    const [event] = await io.search(intent.anchor, 1);
    const anchored = dated(intent, dayOf(event?.article.publishedAt));
    if (!anchored) return withTimeNote(await io.answer(await io.search(question, io.k), question));
    span = anchored;
  } else {
    span = intent;
  }
  const pool = await io.search(topic, io.k * POOL_FACTOR);
  // Undated articles give time nothing to work with: answer as for any other question.
  if (!pool.some((p) => dayOf(p.article.publishedAt)))
    return withTimeNote(await io.answer(await io.search(question, io.k), question));
  const passages = arrangeByTime(pool, span, io.k);
  if (passages.length === 0) {
    const when = 'day' in span ? `${span.kind} ${formatDay(span.day)}` : '';
    return io.refusal(`Nothing in the articles published ${when} covers that.`);
  }
  if (span.kind === 'latest') {
    // The newest relevant article that can answer does so alone (a few are tried, newest
    // first); when none can, all the relevant passages together.
    for (const own of passagesByArticle(passages).slice(0, LATEST_TRIES)) {
      const answer = await io.answer(own, topic);
      if (!answer.refused) return withTimeNote(answer, span);
    }
  }
  return withTimeNote(await io.answer(passages, topic), span);
}
