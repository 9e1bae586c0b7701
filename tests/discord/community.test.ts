import { describe, expect, it } from 'vitest';
import { loadBotConfig } from '../../src/config.js';
import { AutoReplyGate, looksLikeQuestion } from '../../src/discord/autoReply.js';
import { parseSettingValue } from '../../src/discord/configure.js';
import { withoutEmbeds } from '../../src/discord/format.js';
import { defaultSettings, GuildSettings } from '../../src/discord/settings.js';

const config = loadBotConfig({
  DISCORD_TOKEN: 'aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbb.cccccccccccccccccccccccccccccccccccccc',
  DISCORD_CLIENT_ID: '123456789012345678',
  USER_COOLDOWN_SECONDS: '5',
});

describe('looksLikeQuestion', () => {
  it('takes sentences ending in a question mark or opening like a question', () => {
    expect(looksLikeQuestion('the bridge closed when exactly?')).toBe(true);
    expect(looksLikeQuestion('How long will the repairs take')).toBe(true);
    expect(looksLikeQuestion('Is it open again')).toBe(true);
  });

  it('leaves chatter and one-word messages alone', () => {
    expect(looksLikeQuestion('nice weather today everyone')).toBe(false);
    expect(looksLikeQuestion('why?')).toBe(false);
    expect(looksLikeQuestion('lol')).toBe(false);
  });
});

describe('GuildSettings', () => {
  it('resolves a channel value over the server value over the default', () => {
    const settings = new GuildSettings(defaultSettings(config), [
      { scopeId: '', key: 'cooldownSeconds', value: 10 },
      { scopeId: 'c1', key: 'cooldownSeconds', value: 0 },
      { scopeId: 'c1', key: 'autoReply', value: true },
    ]);
    expect(settings.forChannel('c1')).toMatchObject({ cooldownSeconds: 0, autoReply: true });
    expect(settings.forChannel('c2')).toMatchObject({ cooldownSeconds: 10, autoReply: false });
    expect(settings.forChannel(null).retentionDays).toBe(30);
    expect(settings.autoReplyChannels()).toEqual(['c1']);
  });

  it('ignores server-only settings set on a channel and values of the wrong type', () => {
    const settings = new GuildSettings(defaultSettings(config), [
      { scopeId: 'c1', key: 'retentionDays', value: 2 },
      { scopeId: '', key: 'cooldownSeconds', value: 'fast' },
    ]);
    expect(settings.forChannel('c1')).toMatchObject({ retentionDays: 30, cooldownSeconds: 5 });
  });
});

describe('parseSettingValue', () => {
  it('reads on/off, numbers and choices, and names what is accepted otherwise', () => {
    expect(parseSettingValue('autoReply', 'On', config)).toBe(true);
    expect(parseSettingValue('cooldownSeconds', '30', config)).toBe(30);
    expect(parseSettingValue('replyMode', 'inline', config)).toBe('inline');
    expect(() => parseSettingValue('retentionDays', '0', config)).toThrow(/1 to 3650/);
  });

  it('refuses the model answerer when no model server is configured', () => {
    expect(() => parseSettingValue('answerer', 'openai', config)).toThrow(/extractive/);
  });
});

describe('AutoReplyGate', () => {
  it('starts at most the budget in any minute, per server', async () => {
    let now = 0;
    const gate = new AutoReplyGate(2, 10, () => now);
    expect((await gate.acquire('g')).ok).toBe(true);
    expect((await gate.acquire('g')).ok).toBe(true);
    expect(await gate.acquire('g')).toEqual({ ok: false, reason: 'budget' });
    expect((await gate.acquire('other')).ok).toBe(true);
    now = 61_000;
    expect((await gate.acquire('g')).ok).toBe(true);
  });

  it('makes replies past the concurrency bound wait for a free slot, in order', async () => {
    const gate = new AutoReplyGate(100, 1, () => 0);
    const first = await gate.acquire('g');
    const order: string[] = [];
    const second = gate.acquire('g').then((d) => (order.push('second'), d));
    const third = gate.acquire('g').then((d) => (order.push('third'), d));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    if (first.ok) first.release();
    const got = await second;
    expect(order).toEqual(['second']);
    if (got.ok) got.release();
    expect((await third).ok).toBe(true);
    expect(order).toEqual(['second', 'third']);
  });
});

describe('withoutEmbeds', () => {
  it('turns embed fields into plain text and keeps the buttons on the last message', () => {
    const out = withoutEmbeds([
      {
        content: 'Answer [1].',
        embeds: [
          {
            title: 'Sources',
            fields: [{ name: '[1] Title', value: '> quote\n<https://x.example>' }],
          },
        ],
        components: [{ type: 1, components: [] }] as never,
      },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]!.embeds).toEqual([]);
    expect(out[0]!.content).toContain('**[1] Title**\n> quote');
    expect(out[0]!.components).toHaveLength(1);
  });
});
