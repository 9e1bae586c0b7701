/**
 * The numbers behind /insights, read from the answer log and feedback with portable SQL (the same
 * on SQLite and PostgreSQL): answered and refused per UTC day, 👍/👎, median latency, and the text
 * of recent refused questions (only where the server keeps question text).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** One day of the chart. */
export interface DayCount {
  day: string;
  answered: number;
  refused: number;
}

/** What /insights reports for a period. */
export interface InsightsData {
  days: number;
  since: Date;
  perDay: DayCount[];
  questions: number;
  refused: number;
  up: number;
  down: number;
  medianLatencyMs: number | null;
  refusedQuestions: string[];
}

/** At most this many refused questions are grouped (the most recent). */
export const MAX_REFUSED_SAMPLE = 2_000;

/** Midnight UTC `days - 1` days before `now`'s day: the first day of the period. */
export function periodStart(now: Date, days: number): Date {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(start - (days - 1) * 86_400_000);
}

/** Every UTC day of the period, oldest first, with zero counts. */
function emptyDays(since: Date, days: number): DayCount[] {
  return Array.from({ length: days }, (_, i) => ({
    day: new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10),
    answered: 0,
    refused: 0,
  }));
}

/** Reads the period's figures for one server (or, with `guildId` null, for every server). */
export async function readInsights(
  db: Kysely<Database>,
  options: { guildId: string | null; days: number; now?: Date },
): Promise<InsightsData> {
  const since = periodStart(options.now ?? new Date(), options.days);
  const answers = () => {
    let q = db.selectFrom('answers').where('created_at', '>=', since.getTime());
    if (options.guildId !== null) q = q.where('guild_id', '=', options.guildId);
    return q;
  };
  const [grouped, totalRow, votes, refusedRows] = await Promise.all([
    answers()
      .select((eb) => ['day', 'refused', eb.fn.countAll<number>().as('n')])
      .groupBy(['day', 'refused'])
      .execute(),
    answers()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    (() => {
      let q = db
        .selectFrom('feedback')
        .select((eb) => ['vote', eb.fn.countAll<number>().as('n')])
        .where('created_at', '>=', since.getTime());
      if (options.guildId !== null) q = q.where('guild_id', '=', options.guildId);
      return q.groupBy('vote').execute();
    })(),
    answers()
      .select('question')
      .where('refused', '=', 1)
      .where('question', 'is not', null)
      .orderBy('created_at', 'desc')
      .limit(MAX_REFUSED_SAMPLE)
      .execute(),
  ]);
  const total = Number(totalRow.n);
  const median =
    total === 0
      ? null
      : await answers()
          .select('latency_ms')
          .orderBy('latency_ms')
          .limit(1)
          .offset(Math.floor((total - 1) / 2))
          .executeTakeFirst();
  const perDay = emptyDays(since, options.days);
  const byDay = new Map(perDay.map((d) => [d.day, d]));
  for (const row of grouped) {
    const day = byDay.get(row.day);
    if (!day) continue;
    if (Number(row.refused) === 1) day.refused += Number(row.n);
    else day.answered += Number(row.n);
  }
  const count = (vote: string) => Number(votes.find((v) => v.vote === vote)?.n ?? 0);
  return {
    days: options.days,
    since,
    perDay,
    questions: total,
    refused: perDay.reduce((sum, d) => sum + d.refused, 0),
    up: count('up'),
    down: count('down'),
    medianLatencyMs: median ? Number(median.latency_ms) : null,
    refusedQuestions: refusedRows.map((r) => r.question!).filter(Boolean),
  };
}
