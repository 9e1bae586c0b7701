/**
 * Child processes (the indexer the bot supervises, the shards) run another entry point of this
 * same build: compiled JavaScript under plain node from `dist/`, or the TypeScript sources through
 * tsx when this process itself runs from `src/` (tests, development).
 */
import { fileURLToPath } from 'node:url';

/** The script path and node flags to run `relative` (written as a .ts path) next to `fromUrl`. */
export function siblingEntry(
  fromUrl: string,
  relative: string,
): { script: string; execArgv: string[] } {
  const compiled = fromUrl.endsWith('.js');
  const file = compiled ? relative.replace(/\.ts$/, '.js') : relative;
  return {
    script: fileURLToPath(new URL(file, fromUrl)),
    execArgv: compiled ? [] : ['--import', 'tsx'],
  };
}
