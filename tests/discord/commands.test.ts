import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PermissionFlagsBits, REST } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { commandPayloads, isCommand, loadCommands } from '../../src/discord/command.js';
import { isBotEvent } from '../../src/discord/event.js';
import { loadEvents } from '../../src/discord/bot.js';
import { deployCommands } from '../../src/discord/deploy.js';
import { fakeBotToken, startDiscordStandIn } from '../../testkit/discord/standin.js';

const run = promisify(execFile);

describe('command modules', () => {
  it('load one module per command, each passing the predicate', async () => {
    const commands = await loadCommands();
    expect([...commands.keys()]).toEqual([
      'ask',
      'config',
      'help',
      'insights',
      'reindex',
      'sources',
      'status',
      'summary',
      'timeline',
    ]);
    for (const command of commands.values()) expect(isCommand(command)).toBe(true);
  });

  it('reject a module that does not export a command, naming the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'storybot-commands-'));
    await writeFile(path.join(dir, 'broken.mjs'), 'export default { data: { name: "x" } };');
    await expect(loadCommands(dir)).rejects.toThrow(/broken\.mjs does not export a command/);
    await rm(dir, { recursive: true, force: true });
  });

  it('every event module passes the event predicate', async () => {
    const events = await loadEvents();
    expect(events.map((e) => e.name).sort()).toEqual([
      'clientReady',
      'interactionCreate',
      'messageCreate',
    ]);
    expect(events.every(isBotEvent)).toBe(true);
  });

  it('payloads declare the documented options, with /reindex limited to Manage Server', async () => {
    const payloads = commandPayloads(await loadCommands());
    const byName = new Map(payloads.map((p) => [p.name, p]));
    expect(byName.get('ask')!.options!.map((o) => [o.name, o.type, o.required ?? false])).toEqual([
      ['question', 3, true],
      ['private', 5, false],
    ]);
    expect(byName.get('summary')!.options!.map((o) => o.name)).toEqual([
      'length',
      'focus',
      'since',
    ]);
    expect(byName.get('reindex')!.default_member_permissions).toBe(
      String(PermissionFlagsBits.ManageGuild),
    );
    expect(byName.get('reindex')!.options![0]).toMatchObject({
      name: 'file',
      type: 11,
      required: false,
    });
    expect(byName.get('reindex')!.contexts).toEqual([0]);
    for (const payload of payloads) {
      expect(payload.name).toMatch(/^[a-z]{1,32}$/);
      expect(payload.description!.length).toBeLessThanOrEqual(100);
    }
  });
});

describe('deploy-commands --print', () => {
  it('prints exactly the payloads it would send, without any configuration or network', async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '' };
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/storybot.ts', 'deploy-commands', '--print'],
      { env, cwd: path.resolve('.') },
    );
    expect(JSON.parse(stdout)).toEqual(
      JSON.parse(JSON.stringify(commandPayloads(await loadCommands()))),
    );
  });
});

describe('deployCommands', () => {
  it('PUTs the same payloads to the guild, or globally without a guild id', async () => {
    const discord = await startDiscordStandIn();
    try {
      const rest = new REST({ api: discord.restUrl }).setToken(fakeBotToken(discord.botUser.id));
      const payloads = commandPayloads(await loadCommands());
      const guildId = discord.defaults.guildId;
      expect(
        await deployCommands(rest, { applicationId: discord.applicationId, guildId }, payloads),
      ).toBe(payloads.length);
      expect(payloads.length).toBe(9);
      const guildPut = await discord.waitForRequest(
        `PUT /applications/${discord.applicationId}/guilds/${guildId}/commands`,
      );
      expect(guildPut.body).toEqual(JSON.parse(JSON.stringify(payloads)));
      expect(guildPut.auth).toBe('bot');
      await deployCommands(rest, { applicationId: discord.applicationId }, payloads);
      expect(
        (await discord.waitForRequest(`PUT /applications/${discord.applicationId}/commands`)).body,
      ).toEqual(guildPut.body);
    } finally {
      await discord.close();
    }
  });
});
