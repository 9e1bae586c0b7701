/**
 * chrono-node's English date parser, loaded on first use: most questions name no date, and the
 * `ask` command should not pay for loading the parser at startup (about a sixth of the engine's
 * import time). Its CommonJS build is loaded synchronously, so callers stay synchronous.
 */
import { createRequire } from 'node:module';

type ChronoEn = typeof import('chrono-node/en');

const load = createRequire(import.meta.url);
let parser: ChronoEn | undefined;

/** The parser (`chrono().parse(text, reference, options)`). */
export function chrono(): ChronoEn {
  return (parser ??= load('chrono-node/en') as ChronoEn);
}
