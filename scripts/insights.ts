/** Thin entry for `npm run insights` until the storybot dispatcher (src/cli/storybot.ts) lands. */
import { main } from '../src/cli/insights.js';

process.exitCode = await main(process.argv.slice(2));
