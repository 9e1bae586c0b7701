/**
 * "Catch me up" and the story's timeline, both built from the corpus's own dates and sentences,
 * every line cited with a verbatim quote.
 *
 * - catchUp: the articles published (or updated) since a day, oldest first, each with its
 *   opening sentence (news puts the facts first); "nothing new since …" when there are none.
 * - timeline: sentences that date an event ("on Monday", "on 4 March"), the date read relative to
 *   the article's own publication day, in the order the events happened.
 */
import { chrono } from './chrono.js';
import { UserFacingError } from '../errors.js';
import { citationFor } from './answer/cite.js';
import { sentenceText } from './chunk.js';
import type { StoredIndex } from './store/index-store.js';
import { dayOf, formatDay, parseSince, pastDay } from './time.js';
import type { Citation, Passage, Span, Summary } from './types.js';

export const TIMELINE_ID = 'timeline';
/** Articles listed by a catch-up before it says how many more there are. */
const CATCH_UP_ARTICLES = 12;
/** A first sentence shorter than this is joined by the second (a dateline, a one-line lead). */
const SHORT_LEAD = 120;
/** Events a timeline shows unless asked for more. */
export const DEFAULT_TIMELINE_EVENTS = 25;

/** Reads "3 days", "Monday", "20 Nov", "2026-11-20"… as a day, or explains what it accepts. */
export function sinceDay(text: string, now: Date = new Date()): string {
  const day = parseSince(text, now);
  if (!day)
    throw new UserFacingError(
      `"${text.slice(0, 60)}" is not a date I can read; try "3 days", "Monday", "20 Nov" or "2026-11-20".`,
    );
  return day;
}

interface DatedRow {
  row: number;
  day: string;
  updated: boolean;
}

function passageOf(index: StoredIndex, row: number, chunkRow: number, n: number): Passage {
  return { n, chunk: index.chunk(chunkRow), article: index.article(row), score: 0 };
}

/** The first sentence of an article (two when the first is short), as spans of its first chunk. */
function leadSpans(passage: Passage): Span[] {
  const [first, second] = passage.chunk.sentences;
  if (!first) return [];
  const sameParagraph =
    second && !sentenceText(passage.chunk, { start: first.start, end: second.end }).includes('\n');
  return sameParagraph && first.end - first.start < SHORT_LEAD ? [first, second!] : [first];
}

function newestDay(index: StoredIndex): { day: string; title: string } | undefined {
  let best: { day: string; title: string } | undefined;
  for (const a of index.articles) {
    const day = dayOf(a.publishedAt);
    if (day && (!best || day > best.day)) best = { day, title: a.title };
  }
  return best;
}

/**
 * What is new since `since` (`YYYY-MM-DD`): each article published or updated on or after that
 * day, oldest first, with its opening sentence cited.
 */
export function catchUp(
  index: StoredIndex,
  since: string,
  maxArticles = CATCH_UP_ARTICLES,
): Summary {
  const rows: DatedRow[] = [];
  index.articles.forEach((a, row) => {
    const published = dayOf(a.publishedAt);
    const updated = dayOf(a.updatedAt);
    if (published && published >= since) rows.push({ row, day: published, updated: false });
    else if (updated && updated >= since) rows.push({ row, day: updated, updated: true });
  });
  rows.sort((a, b) => a.day.localeCompare(b.day) || a.row - b.row);
  if (rows.length === 0) {
    const newest = newestDay(index);
    const latest = newest
      ? `the newest article is from ${formatDay(newest.day)} ("${newest.title}").`
      : 'no article in the corpus has a publication date.';
    return {
      summary: `Nothing new since ${formatDay(since)}: ${latest}`,
      citations: [],
      answerer: TIMELINE_ID,
    };
  }
  const lines = [
    `Since ${formatDay(since)}, ${rows.length} article${rows.length === 1 ? '' : 's'}, oldest first:`,
  ];
  const citations: Citation[] = [];
  for (const { row, day, updated } of rows.slice(0, maxArticles)) {
    const first = index.chunksOfArticle(row)[0];
    if (first === undefined) continue;
    const passage = passageOf(index, row, first, citations.length + 1);
    const spans = leadSpans(passage);
    if (spans.length === 0) continue;
    const citation = citationFor(passage.n, passage, spans);
    citations.push(citation);
    const where = [passage.article.source, updated ? `updated ${formatDay(day)}` : formatDay(day)]
      .filter(Boolean)
      .join(', ');
    lines.push(`• ${where}, ${passage.article.title}: ${citation.quote} [${citation.n}]`);
  }
  if (rows.length > maxArticles) lines.push(`…and ${rows.length - maxArticles} more.`);
  return { summary: lines.join('\n'), citations, answerer: TIMELINE_ID };
}

/** Words that make a sentence worth handing to the date parser (it is slow; most sentences name no date). */
const DATE_HINT =
  /\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d|\d{1,2}(st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\b\d{4}-\d{2}-\d{2}\b|\b(yesterday|today|tomorrow|last night)\b/i;

interface TimelineEvent {
  day: string;
  published: string;
  row: number;
  chunkRow: number;
  span: Span;
  words: Set<string>;
}

/** Words just before a date that make it a plan, not a report: "will resume on Monday". */
const FUTURE = /\b(will|would|next|due|expected|scheduled|plans? to|set to)\b/i;

/** The day a sentence dates its event, read relative to the article's publication day. */
export function eventDay(sentence: string, published: string): string | undefined {
  if (!DATE_HINT.test(sentence)) return undefined;
  const reference = new Date(`${published}T12:00:00Z`);
  const found = chrono().parse(sentence, reference, { forwardDate: false })[0];
  if (!found || !(found.start.isCertain('day') || found.start.isCertain('weekday')))
    return undefined;
  // The tense of the clause leading to the date decides which way an unqualified weekday points.
  const before = sentence
    .slice(0, found.index)
    .split(/[,;:]/)
    .at(-1)!
    .split(/\s+/)
    .slice(-7)
    .join(' ');
  if (FUTURE.test(before)) {
    const ahead = chrono().parse(found.text, reference, { forwardDate: true })[0]!.start;
    return new Date(Date.UTC(ahead.get('year')!, ahead.get('month')! - 1, ahead.get('day')!))
      .toISOString()
      .slice(0, 10);
  }
  return pastDay(found.text, reference);
}

function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []);
}

function overlap(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / Math.max(1, Math.min(a.size, b.size));
}

function collectEvents(index: StoredIndex): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  index.articles.forEach((a, row) => {
    const published = dayOf(a.publishedAt);
    if (!published) return;
    for (const chunkRow of index.chunksOfArticle(row)) {
      const chunk = index.chunk(chunkRow);
      for (const span of chunk.sentences) {
        const text = sentenceText(chunk, span);
        const day = eventDay(text, published);
        if (day) events.push({ day, published, row, chunkRow, span, words: wordSet(text) });
      }
    }
  });
  return events.sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      a.published.localeCompare(b.published) ||
      a.row - b.row ||
      a.span.start - b.span.start,
  );
}

/** The first telling of each event (same day, mostly the same words), in time order. */
function distinctEvents(events: TimelineEvent[]): TimelineEvent[] {
  const distinct: TimelineEvent[] = [];
  for (const e of events) {
    if (!distinct.some((d) => d.day === e.day && overlap(d.words, e.words) >= 0.6))
      distinct.push(e);
  }
  return distinct;
}

/** At most `limit` events, one per day first (so a long story's span is covered), in time order. */
function selectEvents(distinct: TimelineEvent[], limit: number): TimelineEvent[] {
  if (distinct.length <= limit) return distinct;
  const firstOfDay = distinct.filter((e, i) => i === 0 || distinct[i - 1]!.day !== e.day);
  const chosen = new Set(firstOfDay.slice(0, limit));
  for (const e of distinct) if (chosen.size < limit) chosen.add(e);
  return distinct.filter((e) => chosen.has(e));
}

/** Dated events across the corpus, in the order they happened, each cited. */
export function timeline(index: StoredIndex, limit = DEFAULT_TIMELINE_EVENTS): Summary {
  const all = distinctEvents(collectEvents(index));
  const events = selectEvents(all, limit);
  if (events.length === 0)
    return {
      summary: 'The articles date no events (none has a publication date and a dated sentence).',
      citations: [],
      answerer: TIMELINE_ID,
    };
  const lines: string[] = [];
  const citations: Citation[] = [];
  for (const e of events) {
    const passage = passageOf(index, e.row, e.chunkRow, citations.length + 1);
    const citation = citationFor(passage.n, passage, [e.span]);
    citations.push(citation);
    lines.push(`${formatDay(e.day)}: ${citation.quote} [${citation.n}]`);
  }
  if (all.length > events.length)
    lines.push(`(${events.length} of ${all.length} dated events shown.)`);
  return { summary: lines.join('\n'), citations, answerer: TIMELINE_ID };
}
