// Second step of `npm run build`, after tsc: bundles the one-shot `storybot ask` into
// dist/cli/ask.js (replacing tsc's file of that name) so a one-question run reads and compiles
// a few files instead of sixty modules. The pipeline's lazy parts (the index builder, the OpenAI
// answerer) stay lazy as chunks of their own in dist/cli/chunks/. Packages stay in node_modules
// except the three pure-JavaScript ones the answer path imports statically; the rest are native,
// large, or loaded through require where they are used.
//
// Only `ask` is bundled: the bot finds its events and commands as files beside its modules, and
// the other commands are long-running or rare, so they gain nothing from it.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

/** Packages compiled into the bundle; every other bare import stays an import. */
const INLINED = new Set(['zod', 'lru-cache', 'stemmer']);

/** The package a bare specifier names: "zod/v3" → "zod", "@scope/pkg/x" → "@scope/pkg". */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

// Chunk names carry a hash of their content: clear the last build's so none is left behind.
rmSync('dist/cli/chunks', { recursive: true, force: true });

await build({
  entryPoints: { ask: 'src/cli/ask.ts' },
  outdir: 'dist/cli',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  allowOverwrite: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'packages-stay-external',
      setup(bundler) {
        bundler.onResolve({ filter: /^[^./]/ }, (args) =>
          INLINED.has(packageOf(args.path)) ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
