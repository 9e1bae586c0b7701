/**
 * The bot as the Discord benchmarks run it: its own process, configured from the environment,
 * talking to the loopback stand-in at the REST URL given as the first argument. Started by
 * `startBotProcess` (scripts/lib/discord-bench.ts); not meant to be run by hand.
 *
 * Protocol: one JSON line `{"ready":true}` on stdout once connected; then each line received on
 * stdin is answered with `{"inFlight":n}` (the parent waits for quiet between phases). Logs are
 * pino JSON on stderr. When stdin closes (the parent finished or died) the bot shuts down, so an
 * interrupted benchmark never leaves it running.
 */
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { loadBotConfig } from '../../src/config.js';
import { createBot } from '../../src/discord/bot.js';
import { openEngine } from '../../src/rag/engine.js';

const restUrl = process.argv[2];
if (!restUrl) {
  process.stderr.write('usage: bot-process.ts <stand-in REST URL>\n');
  process.exit(2);
}

const config = loadBotConfig(process.env);
const logger = pino({ level: config.LOG_LEVEL }, pino.destination(2));
const bot = await createBot({
  config,
  openEngine: (c) => openEngine(c, { logger }),
  logger,
  clientOptions: { rest: { api: restUrl } },
});

let stopping = false;
const stop = (reason: string): void => {
  if (stopping) return;
  stopping = true;
  void bot.shutdown(reason, 10_000).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', () => stop('bench over'));

await bot.start();
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
const input = createInterface({ input: process.stdin });
input.on('line', () =>
  process.stdout.write(`${JSON.stringify({ inFlight: bot.ctx.inFlight.size })}\n`),
);
input.on('close', () => stop('parent closed stdin'));
