/** `npm run insights -- [--days N] [--guild ID] [--out chart.png] [--json]` */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { UserFacingError } from '../errors.js';
import {
  buildInsights,
  DEFAULT_INSIGHTS_DAYS,
  formatInsights,
  MAX_INSIGHTS_DAYS,
} from '../insights/report.js';

const USAGE =
  'usage: npm run insights -- [--days N] [--guild SERVER_ID] [--out chart.png] [--json]';

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      days: { type: 'string', default: String(DEFAULT_INSIGHTS_DAYS) },
      guild: { type: 'string' },
      out: { type: 'string', default: 'insights.png' },
      json: { type: 'boolean' },
    },
  });
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > MAX_INSIGHTS_DAYS)
    throw new Error(`--days must be a whole number from 1 to ${MAX_INSIGHTS_DAYS}`);
  return { days, guild: values.guild ?? null, out: values.out!, json: Boolean(values.json) };
}

/** Prints the insights of the state database and writes the chart; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(`storybot: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    const config = loadConfig();
    const database = await openDatabase(config.DATABASE_URL);
    try {
      const report = await buildInsights(database.db, {
        guildId: options.guild,
        days: options.days,
      });
      await writeFile(options.out, report.png);
      const { refusedQuestions: _omitted, ...figures } = report.data;
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ ...figures, gaps: report.gaps, chart: options.out })}\n`
          : `${formatInsights(report)}\nChart: ${options.out}\n`,
      );
      return 0;
    } finally {
      await database.close();
    }
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    process.stderr.write(`storybot: ${error.message}\n`);
    return 1;
  }
}
