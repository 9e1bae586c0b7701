/**
 * The stand-in refuses what Discord refuses: missing permissions from roles and overwrites
 * (50001 / 50013), requests past a rate-limit bucket (429 with Discord's headers and body), and
 * grants the bot only what the README's invite link asks for.
 */
import { GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTestClient,
  fakeBotToken,
  startDiscordStandIn,
  type DiscordStandIn,
} from '../../testkit/discord/standin.js';

const BOT = '300000000000000001';
const OPEN = '300000000000000010';
const MUTED = '300000000000000011';
const HIDDEN = '300000000000000012';
const PLAIN = '300000000000000013';
const ROLE = '300000000000000020';

let discord: DiscordStandIn | undefined;
afterEach(async () => {
  await discord?.close();
  discord = undefined;
});

async function start(rateLimits?: false): Promise<DiscordStandIn> {
  discord = await startDiscordStandIn({
    botUser: { id: BOT },
    ...(rateLimits === false ? { rateLimits } : {}),
    guilds: [
      {
        roles: [{ id: ROLE, name: 'quiet' }],
        members: [{ user: { id: BOT }, roles: [ROLE] }],
        channels: [
          { id: OPEN, name: 'open' },
          // A role overwrite denies sending; the role is the bot's.
          {
            id: MUTED,
            name: 'muted',
            overwrites: [{ id: ROLE, type: 0, deny: PermissionFlagsBits.SendMessages }],
          },
          {
            id: HIDDEN,
            name: 'hidden',
            overwrites: [{ id: BOT, type: 1, deny: PermissionFlagsBits.ViewChannel }],
          },
          {
            id: PLAIN,
            name: 'plain',
            overwrites: [{ id: BOT, type: 1, deny: PermissionFlagsBits.EmbedLinks }],
          },
        ],
      },
    ],
  });
  return discord;
}

function post(d: DiscordStandIn, channelId: string, body: object) {
  return fetch(`${d.restUrl}/v10/channels/${channelId}/messages`, {
    method: 'POST',
    headers: { authorization: `Bot ${fakeBotToken(BOT)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('permissions in the stand-in', () => {
  it('refuses with 50013 where an overwrite denies Send Messages, and 50001 where the bot cannot see', async () => {
    const d = await start(false);
    expect((await post(d, OPEN, { content: 'hi' })).status).toBe(200);
    const muted = await post(d, MUTED, { content: 'hi' });
    expect(muted.status).toBe(403);
    expect(await muted.json()).toMatchObject({ code: 50013, message: 'Missing Permissions' });
    expect(await (await post(d, HIDDEN, { content: 'hi' })).json()).toMatchObject({ code: 50001 });
  });

  it('refuses embeds without Embed Links but takes the same text without them', async () => {
    const d = await start(false);
    const embedded = await post(d, PLAIN, { content: 'hi', embeds: [{ title: 'Sources' }] });
    expect(((await embedded.json()) as { code: number }).code).toBe(50013);
    expect((await post(d, PLAIN, { content: 'hi' })).status).toBe(200);
  });

  it('gives the bot exactly the invite permissions, never Manage Threads', async () => {
    const d = await start(false);
    const client = await createTestClient(d, [GatewayIntentBits.Guilds]);
    const interaction = d.sendInteraction({ channelId: OPEN });
    await client.destroy();
    const granted = BigInt(interaction.app_permissions as string);
    expect(granted & PermissionFlagsBits.ManageThreads).toBe(0n);
    expect(granted & PermissionFlagsBits.EmbedLinks).toBe(PermissionFlagsBits.EmbedLinks);
  });
});

describe('rate limits in the stand-in', () => {
  it('sends bucket headers and answers the 6th message in 5 s to one channel with a 429', async () => {
    const d = await start();
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await post(d, OPEN, { content: `m${i}` }));
    expect(replies.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(replies[0]!.headers.get('x-ratelimit-limit')).toBe('5');
    expect(replies[4]!.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(replies[0]!.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]+$/);
    const limited = replies[5]!;
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    const body = (await limited.json()) as { retry_after: number };
    expect(body).toMatchObject({ message: 'You are being rate limited.', global: false });
    expect(body.retry_after).toBeGreaterThan(0);
    expect(d.rateLimitStats.limited).toBe(1);
    // Another channel is another bucket.
    expect((await post(d, PLAIN, { content: 'other' })).status).toBe(200);
  });
});
