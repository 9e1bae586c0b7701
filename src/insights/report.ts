/**
 * /insights as one report: the period's figures, the knowledge gaps and the chart, built the same
 * way for Discord and for `npm run insights`. No user ids appear anywhere in it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { renderChartPng } from './chart.js';
import { groupKnowledgeGaps, type KnowledgeGap } from './gaps.js';
import { readInsights, type InsightsData } from './query.js';

export interface InsightsReport {
  data: InsightsData;
  gaps: KnowledgeGap[];
  png: Buffer;
}

/** Days /insights covers when none are given, and the most it accepts. */
export const DEFAULT_INSIGHTS_DAYS = 14;
export const MAX_INSIGHTS_DAYS = 90;

/** Builds the report for one server (or every server with `guildId` null). */
export async function buildInsights(
  db: Kysely<Database>,
  options: { guildId: string | null; days: number; now?: Date },
): Promise<InsightsReport> {
  const data = await readInsights(db, options);
  const gaps = groupKnowledgeGaps(data.refusedQuestions);
  const title = `Questions per day, last ${data.days} days`;
  return { data, gaps, png: await renderChartPng(data.perDay, title) };
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0 %' : `${Math.round((part / whole) * 100)} %`;
}

/** The report's text (Markdown); question text is quoted as users wrote it, so sanitize before Discord. */
export function formatInsights(report: InsightsReport): string {
  const { data, gaps } = report;
  const answered = data.questions - data.refused;
  const latency = data.medianLatencyMs === null ? 'n/a' : `${data.medianLatencyMs} ms`;
  const lines = [
    `**Insights, last ${data.days} days** (since ${data.since.toISOString().slice(0, 10)}, UTC)`,
    `Questions: ${data.questions} · answered ${answered} (${percent(answered, data.questions)}) · refused ${data.refused}`,
    `Feedback: 👍 ${data.up} · 👎 ${data.down} · median answer time ${latency}`,
  ];
  if (gaps.length > 0) {
    lines.push('**Knowledge gaps** (refused questions, similar ones grouped):');
    gaps.forEach((g, i) => lines.push(`${i + 1}. ${g.question.slice(0, 150)} (×${g.count})`));
  } else if (data.refused > 0) {
    lines.push('-# Refused questions are counted, but this server keeps no question text.');
  }
  return lines.join('\n');
}
