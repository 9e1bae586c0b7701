/**
 * Thin entry for subcommands written to the `main(argv)` convention, until the `storybot`
 * dispatcher runs them: `tsx scripts/cli-entry.ts <name> [args…]`.
 */
const COMMANDS: Record<string, () => Promise<{ main(argv: string[]): Promise<number> }>> = {
  add: () => import('../src/cli/add.js'),
  timeline: () => import('../src/cli/timeline.js'),
};

const [name = '', ...args] = process.argv.slice(2);
const load = COMMANDS[name];
if (!load) {
  process.stderr.write(
    `storybot: unknown command "${name}" (known: ${Object.keys(COMMANDS).join(', ')})\n`,
  );
  process.exit(2);
}
process.exitCode = await (await load()).main(args);
