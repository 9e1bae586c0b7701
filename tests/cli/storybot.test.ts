/**
 * The `storybot` dispatcher and the option handling every subcommand shares, run in-process:
 * help, nearest-option suggestions, exit codes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { editDistance, nearest, parseCommand, type CommandSpec } from '../../src/cli/args.js';
import { COMMANDS, main } from '../../src/cli/storybot.js';

let out: string;
let err: string;

beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const spec: CommandSpec = {
  name: 'demo',
  summary: 'a demo',
  usage: '[--length L]',
  options: {
    length: { type: 'string', help: 'how long', default: 'medium' },
    json: { type: 'boolean', help: 'as JSON' },
  },
  examples: ['storybot demo --length short'],
};

describe('editDistance and nearest', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('lenght', 'length')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests only a candidate close enough to be a typo', () => {
    expect(nearest('jsno', ['json', 'length'])).toBe('json');
    expect(nearest('sumary', ['summary', 'ask'])).toBe('summary');
    expect(nearest('xyz', ['json', 'length'])).toBeUndefined();
  });
});

describe('parseCommand', () => {
  it('returns the values with defaults filled in', () => {
    expect(parseCommand(spec, ['--json'])).toEqual({
      ok: true,
      values: { length: 'medium', json: true },
      positionals: [],
    });
  });

  it('names the nearest valid option for an unknown one and exits 2', () => {
    expect(parseCommand(spec, ['--lenght', 'short'])).toEqual({ ok: false, exitCode: 2 });
    expect(err).toContain("unknown option '--lenght'; did you mean --length?");
    expect(err).toContain('usage: storybot demo [--length L]');
  });

  it('prints the options, their defaults and an example for --help, and exits 0', () => {
    expect(parseCommand(spec, ['--help'])).toEqual({ ok: false, exitCode: 0 });
    expect(out).toMatch(/--length VALUE\s+how long \(default: medium\)/);
    expect(out).toMatch(/--json\s+as JSON/);
    expect(out).toContain('example:\n  storybot demo --length short');
  });
});

describe('storybot', () => {
  it.each(Object.keys(COMMANDS))(
    '%s --help lists its options and an example, and exits 0',
    async (name) => {
      expect(await main([name, '--help'])).toBe(0);
      expect(out).toContain(`usage: storybot ${name}`);
      expect(out).toContain('--help');
      expect(out).toMatch(/example:\n {2}storybot \S+/);
      expect(err).toBe('');
    },
  );

  it('lists every command for --help', async () => {
    expect(await main(['--help'])).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(out).toContain(`  ${name} `);
  });

  it('names the nearest command for an unknown one and exits 2', async () => {
    expect(await main(['sumary'])).toBe(2);
    expect(err).toContain("unknown command 'sumary'; did you mean 'summary'?");
  });

  it('lets only the bot keep running after its main returns; every other command exits', () => {
    const serving = Object.entries(COMMANDS).filter(([, c]) => c.serves);
    expect(serving.map(([name]) => name)).toEqual(['bot']);
  });

  it('names the nearest option of the chosen command', async () => {
    expect(await main(['ask', '--jsno', 'Who?'])).toBe(2);
    expect(err).toContain("unknown option '--jsno'; did you mean --json?");
  });
});
