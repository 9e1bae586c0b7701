import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  AttachmentBuilder,
  ChannelType,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  type ChatInputCommandInteraction,
  type Client,
  type Message,
  type TextChannel,
} from 'discord.js';
import {
  computePings,
  createTestClient,
  startDiscordStandIn,
  validateMessageBody,
  type DiscordStandIn,
  type StandInOptions,
} from '../../testkit/discord/standin.ts';

const ALL_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
];

const standIns: DiscordStandIn[] = [];
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  await Promise.all(standIns.splice(0).map((standIn) => standIn.close()));
});

async function setUp(intents: GatewayIntentBits[] = ALL_INTENTS, options: StandInOptions = {}) {
  const discord = await startDiscordStandIn(options);
  standIns.push(discord);
  const client = await createTestClient(discord, intents);
  clients.push(client);
  return { discord, client };
}

/** Resolves with the next emission of a client event (its first argument). */
function next<T>(client: Client, event: string): Promise<T> {
  return new Promise((resolve) => client.once(event, (value: T) => resolve(value)));
}

function textChannel(client: Client, discord: DiscordStandIn): TextChannel {
  return client.channels.cache.get(discord.defaults.channelId) as TextChannel;
}

describe('discord stand-in with a real discord.js client', () => {
  it('logs a client in through GET /gateway/bot and makes it ready with the guild and channel cached', async () => {
    const { discord, client } = await setUp();

    expect(client.isReady()).toBe(true);
    expect(client.user.id).toBe(discord.botUser.id);
    expect(client.application.id).toBe(discord.applicationId);
    expect(client.guilds.cache.has(discord.defaults.guildId)).toBe(true);
    expect(textChannel(client, discord).type).toBe(ChannelType.GuildText);
    expect(discord.requests[0]).toMatchObject({
      method: 'GET',
      path: '/gateway/bot',
      auth: 'bot',
      status: 200,
    });
    const identify = discord.gatewayLog.find((r) => r.type === 'identify');
    expect(identify?.intents).toBe(
      GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent,
    );
    expect(discord.gatewayLog.find((r) => r.type === 'connect')?.query).toEqual({
      v: '10',
      encoding: 'json',
    });
  });

  it('announces configured guilds with their roles, members and threads so discord.js caches them', async () => {
    const { discord, client } = await setUp(ALL_INTENTS, {
      guilds: [
        {
          id: '900000000000000001',
          name: 'Newsroom',
          roles: [{ id: '900000000000000002', name: 'Admins', permissions: 0x20n }],
          members: [
            {
              user: { id: '900000000000000003', username: 'editor' },
              roles: ['900000000000000002'],
            },
          ],
          channels: [
            { id: '900000000000000004', name: 'news' },
            { id: '900000000000000005', name: 'old thread', type: 11 },
          ],
        },
      ],
    });
    const guild = client.guilds.cache.get('900000000000000001')!;
    expect(guild.name).toBe('Newsroom');
    expect(guild.roles.cache.get('900000000000000002')?.permissions.has('ManageGuild')).toBe(true);
    expect(
      guild.members.cache.get('900000000000000003')?.roles.cache.has('900000000000000002'),
    ).toBe(true);
    expect(client.channels.cache.get('900000000000000005')?.isThread()).toBe(true);
    expect(guild.members.me?.permissions.has('SendMessages')).toBe(true);
    expect(discord.defaults).toMatchObject({
      guildId: '900000000000000001',
      channelId: '900000000000000004',
    });
    const received = next<ChatInputCommandInteraction>(client, Events.InteractionCreate);
    discord.sendInteraction({
      commandName: 'reindex',
      user: { id: '900000000000000003' },
      roles: ['900000000000000002'],
    });
    expect((await received).user.username).toBe('editor');
  });

  it('delivers a slash command as a ChatInputCommandInteraction whose deferReply and editReply reach the callback and webhook routes', async () => {
    const { discord, client } = await setUp();
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply({
        content: `You asked: ${interaction.options.getString('question', true)} @everyone`,
        allowedMentions: { parse: [] },
      });
    });
    const received = next<ChatInputCommandInteraction>(client, Events.InteractionCreate);

    const sent = discord.sendInteraction({ commandName: 'ask', options: { question: 'Who won?' } });

    const interaction = await received;
    expect(interaction.isChatInputCommand()).toBe(true);
    expect(interaction.commandName).toBe('ask');
    expect(interaction.user.id).toBe(discord.defaults.user.id);
    expect(interaction.memberPermissions?.has('SendMessages')).toBe(true);
    const callback = await discord.waitForRequest(
      `POST /interactions/${sent.id}/${sent.token}/callback`,
    );
    expect(callback).toMatchObject({
      status: 204,
      auth: 'none',
      body: { type: 5, data: { flags: MessageFlags.Ephemeral } },
    });
    const edit = await discord.waitForRequest(
      `PATCH /webhooks/${discord.applicationId}/${sent.token}/messages/@original`,
    );
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({
      content: 'You asked: Who won? @everyone',
      allowed_mentions: { parse: [] },
    });
    expect(edit.pings).toEqual({ everyone: false, users: [], roles: [], repliedUser: false });
    expect(edit.response.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  });

  it('delivers a mention to messageCreate and posts message.reply to the channel with a message_reference', async () => {
    const { discord, client } = await setUp();
    client.on(Events.MessageCreate, async (message) => {
      if (message.author.bot || !message.mentions.has(client.user!)) return;
      await message.reply(`Hello ${message.author.username}`);
    });
    const received = next<Message>(client, Events.MessageCreate);

    const sent = discord.sendMessage({ content: `<@${discord.botUser.id}> what happened?` });

    expect((await received).content).toBe(`<@${discord.botUser.id}> what happened?`);
    const reply = await discord.waitForRequest(
      `POST /channels/${discord.defaults.channelId}/messages`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      content: 'Hello tester',
      message_reference: { message_id: sent.id },
    });
    expect(reply.response.referenced_message.id).toBe(sent.id);
    // No allowed_mentions was set, so Discord would ping the replied-to author.
    expect(reply.pings).toMatchObject({ repliedUser: true, users: [discord.defaults.user.id] });
  });

  it('lets the client resume on the resume URL after the gateway closes with 4000, replaying what was sent meanwhile', async () => {
    const { discord, client } = await setUp();
    const seen: string[] = [];
    client.on(Events.MessageCreate, (message) => void seen.push(message.content));
    const resumed = next<number>(client, Events.ShardResume);
    const mark = discord.gatewayLog.length;

    await discord.closeGatewayConnections(4000);
    discord.sendMessage({ content: 'sent while disconnected' });

    await resumed;
    const reconnect = await discord.waitForGateway((r) => r.type === 'connect', 5000, {
      from: mark,
    });
    expect(reconnect.path).toBe('/gateway-resume');
    await discord.waitForGateway((r) => r.type === 'resumed', 5000, { from: mark });
    const later = next<Message>(client, Events.MessageCreate);
    discord.sendMessage({ content: 'sent after the resume' });
    await later;
    expect(seen).toEqual(['sent while disconnected', 'sent after the resume']);
    expect(discord.gatewayLog.filter((r) => r.type === 'identify')).toHaveLength(1);
  });

  it('makes the client identify again when the gateway closes with an invalidated session', async () => {
    const { discord, client } = await setUp();
    const mark = discord.gatewayLog.length;

    await discord.closeGatewayConnections(4000, { invalidateSessions: true });

    await discord.waitForGateway((r) => r.type === 'invalid-session', 5000, { from: mark });
    await discord.waitForGateway((r) => r.type === 'identify', 5000, { from: mark });
    await discord.waitForGateway((r) => r.type === 'dispatch' && r.event === 'GUILD_CREATE', 5000, {
      from: mark,
    });
    const later = next<Message>(client, Events.MessageCreate);
    discord.sendMessage({ content: 'after a fresh session' });
    expect((await later).content).toBe('after a fresh session');
  });

  it('answers heartbeats with an ACK so the client measures a ping', async () => {
    const { discord, client } = await setUp(ALL_INTENTS, { heartbeatIntervalMs: 100 });
    await discord.waitForGateway((r) => r.type === 'heartbeat');
    await new Promise<void>((resolve) => {
      const check = () => (client.ws.ping >= 0 ? resolve() : setTimeout(check, 20));
      check();
    });
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
  });

  it('has discord.js retry a request answered 429 with retry-after', async () => {
    const { discord, client } = await setUp();
    discord.faults.rest429Once('POST /channels/:id/messages', 0.2);

    const message = await textChannel(client, discord).send('after a rate limit');

    expect(message.content).toBe('after a rate limit');
    const posts = discord.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/messages'),
    );
    expect(posts.map((r) => [r.status, r.fault])).toEqual([
      [429, '429'],
      [200, undefined],
    ]);
    expect(posts[0]!.response).toMatchObject({ retry_after: 0.2, global: false });
  });

  it('has discord.js retry 500s and give up with an HTTPError when they persist', async () => {
    const { discord, client } = await setUp();
    discord.faults.rest500('POST /channels/:id/messages', 2);
    await textChannel(client, discord).send('third time lucky');
    expect(
      discord.requests.filter((r) => r.path.endsWith('/messages')).map((r) => r.status),
    ).toEqual([500, 500, 200]);

    discord.faults.rest500('POST /channels/:id/messages', 4, 502);
    await expect(textChannel(client, discord).send('never')).rejects.toMatchObject({ status: 502 });
  });

  it('fails interaction callbacks on demand with Unknown interaction', async () => {
    const { discord, client } = await setUp();
    discord.faults.failInteractionCallback(1);
    const outcome = new Promise<unknown>((resolve) => {
      client.on(Events.InteractionCreate, (interaction) => {
        if (interaction.isChatInputCommand()) interaction.deferReply().then(resolve, resolve);
      });
    });
    discord.sendInteraction({ commandName: 'ask' });
    const error = await outcome;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(10062);
  });

  it('refuses a second response to one interaction and a response after the deadline, like Discord', async () => {
    const { discord, client } = await setUp(ALL_INTENTS, { interactionDeadlineMs: 1 });
    const first = discord.sendInteraction({ commandName: 'help' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const late = client.rest.post(`/interactions/${first.id}/${first.token}/callback`, {
      body: { type: 5 },
      auth: false,
    });
    await expect(late).rejects.toMatchObject({ code: 10062 });

    const { discord: relaxed, client: other } = await setUp(ALL_INTENTS, {
      interactionDeadlineMs: 0,
    });
    const second = relaxed.sendInteraction({ commandName: 'help' });
    const route = `/interactions/${second.id}/${second.token}/callback` as const;
    await other.rest.post(route, { body: { type: 4, data: { content: 'hi' } }, auth: false });
    await expect(
      other.rest.post(route, { body: { type: 4, data: { content: 'again' } }, auth: false }),
    ).rejects.toMatchObject({
      code: 40060,
    });
  });

  it('rejects messages beyond Discord limits the way Discord does', async () => {
    const { client, discord } = await setUp();
    const channel = textChannel(client, discord);
    await expect(channel.send('x'.repeat(2001))).rejects.toMatchObject({
      code: 50035,
      status: 400,
    });
    await expect(
      channel.send({ embeds: [{ description: 'y'.repeat(4097) }] }),
    ).rejects.toMatchObject({ code: 50035 });
    await expect(channel.send('x'.repeat(2000))).resolves.toBeDefined();
    const refused = discord.requests.find((r) => r.status === 400);
    expect(refused?.response.errors.content._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
  });

  it('parses multipart uploads and serves the attachment back', async () => {
    const { discord, client } = await setUp();
    const file = new AttachmentBuilder(Buffer.from('quoted passage'), { name: 'sources.txt' });
    const message = await textChannel(client, discord).send({
      content: 'with a file',
      files: [file],
    });

    const request = await discord.waitForRequest('POST /channels/:id/messages');
    expect(request.body.content).toBe('with a file');
    expect(request.files).toMatchObject([{ field: 'files[0]', filename: 'sources.txt', size: 14 }]);
    expect(request.files[0]!.data.toString()).toBe('quoted passage');
    const url = message.attachments.first()!.url;
    expect(await (await fetch(url)).text()).toBe('quoted passage');
  });

  it('hosts interaction attachments so a command can download them', async () => {
    const { discord, client } = await setUp();
    const received = next<ChatInputCommandInteraction>(client, Events.InteractionCreate);
    discord.sendInteraction({
      commandName: 'reindex',
      attachments: {
        file: { filename: 'article.md', content: '# Title\n\nBody', contentType: 'text/markdown' },
      },
    });
    const attachment = (await received).options.getAttachment('file', true);
    expect(attachment).toMatchObject({
      name: 'article.md',
      size: 13,
      contentType: 'text/markdown',
    });
    expect(await (await fetch(attachment.url)).text()).toBe('# Title\n\nBody');
  });

  it('creates a thread from a message, announces it, and delivers messages posted in it', async () => {
    const { discord, client } = await setUp();
    const created = next<Message>(client, Events.MessageCreate);
    const question = discord.sendMessage({ content: 'start a thread here' });
    const cached = await created;

    const thread = await cached.startThread({ name: 'Follow-up' });

    expect(thread.id).toBe(question.id);
    const request = await discord.waitForRequest(
      `POST /channels/${discord.defaults.channelId}/messages/${question.id}/threads`,
    );
    expect(request.body).toMatchObject({ name: 'Follow-up' });
    const inThread = next<Message>(client, Events.MessageCreate);
    discord.sendMessage({ channelId: thread.id, content: 'and what about Japan?' });
    const message = await inThread;
    expect(message.channel.isThread()).toBe(true);
    expect(message.content).toBe('and what about Japan?');
  });

  it('stores command registrations and refuses invalid command payloads', async () => {
    const { discord, client } = await setUp();
    await client.application.commands.set(
      [
        {
          name: 'ask',
          description: 'Ask a question',
          options: [{ name: 'question', description: 'What to ask', type: 3, required: true }],
        },
      ],
      discord.defaults.guildId,
    );
    expect(discord.commands.guilds.get(discord.defaults.guildId)?.map((c) => c.name)).toEqual([
      'ask',
    ]);
    await expect(
      client.application.commands.set([{ name: 'Bad Name', description: 'x' }]),
    ).rejects.toMatchObject({ code: 50035 });
  });

  it('routes a button press to the message holding it and applies update callbacks to that message', async () => {
    const { discord, client } = await setUp();
    client.on(Events.InteractionCreate, async (interaction) => {
      if (interaction.isButton())
        await interaction.update({ content: `pressed ${interaction.customId}`, components: [] });
    });
    const sent = discord.sendInteraction({ kind: 'component', customId: 'feedback:up' });

    const callback = await discord.waitForRequest(
      `POST /interactions/${sent.id}/${sent.token}/callback`,
    );
    expect(callback.body).toMatchObject({ type: 7, data: { content: 'pressed feedback:up' } });
    expect(discord.messages.get(sent.message.id)?.content).toBe('pressed feedback:up');
  });

  it('withholds events the client has no intent for and blanks content without the Message Content intent', async () => {
    const { discord, client } = await setUp([
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
    ]);
    const contents: string[] = [];
    client.on(Events.MessageCreate, (message) => void contents.push(message.content));
    const mention = `<@${discord.botUser.id}> visible`;
    discord.sendMessage({ content: 'hidden without the intent' });
    const second = next<Message>(client, Events.MessageCreate);
    discord.sendMessage({ content: mention });
    await second;
    expect(contents).toEqual(['', mention]);

    const { discord: quiet } = await setUp([GatewayIntentBits.Guilds]);
    expect(quiet.sendMessage({ content: 'nobody hears' })).toBeDefined();
    expect(quiet.gatewayLog.at(-1)).toMatchObject({ type: 'dropped', event: 'MESSAGE_CREATE' });
  });

  it('answers unknown routes with a Discord-shaped 404 and records them', async () => {
    const { discord, client } = await setUp();
    await expect(client.rest.get('/no/such/route')).rejects.toMatchObject({
      status: 404,
      code: 0,
      rawError: { message: '404: Not Found', code: 0 },
    });
    expect(discord.unknownRoutes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /no/such/route',
    ]);
  });

  it('rejects waitForRequest with a readable list of what arrived', async () => {
    const discord = await startDiscordStandIn();
    standIns.push(discord);
    await fetch(`${discord.restUrl}/v10/gateway`);
    await expect(discord.waitForRequest('DELETE /nothing', 50)).rejects.toThrow(
      /nothing matched DELETE \/nothing within 50 ms\. Received 1:\n {2}GET \/gateway → 200/,
    );
  });
});

describe('discord stand-in gateway encodings', () => {
  /** Opens a raw gateway connection and yields decoded payloads through `next()`. */
  async function rawGateway(
    discord: DiscordStandIn,
    query: string,
    decode: (data: Buffer, binary: boolean) => Promise<unknown | null>,
  ) {
    const socket = new WebSocket(`${discord.gatewayUrl}?${query}`);
    const queue: unknown[] = [];
    const waiting: Array<(payload: unknown) => void> = [];
    let chain = Promise.resolve();
    socket.on('message', (data: Buffer, binary: boolean) => {
      chain = chain.then(async () => {
        const payload = await decode(data, binary);
        if (payload === null) return;
        const waiter = waiting.shift();
        if (waiter) waiter(payload);
        else queue.push(payload);
      });
    });
    await new Promise((resolve) => socket.once('open', resolve));
    return {
      socket,
      next: () =>
        (queue.length > 0
          ? Promise.resolve(queue.shift())
          : new Promise((resolve) => waiting.push(resolve))) as Promise<any>,
    };
  }

  it('speaks zlib-stream when the client asks for it', async () => {
    const discord = await startDiscordStandIn();
    standIns.push(discord);
    const inflate = zlib.createInflate();
    const decode = (data: Buffer) =>
      new Promise<unknown>((resolve) => {
        const chunks: Buffer[] = [];
        const onData = (chunk: Buffer) => chunks.push(chunk);
        inflate.on('data', onData);
        inflate.write(data);
        inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
          inflate.off('data', onData);
          resolve(JSON.parse(Buffer.concat(chunks).toString()));
        });
      });
    const gateway = await rawGateway(discord, 'v=10&encoding=json&compress=zlib-stream', decode);

    expect(await gateway.next()).toMatchObject({ op: 10, d: { heartbeat_interval: 41_250 } });
    gateway.socket.send(
      JSON.stringify({ op: 2, d: { token: 'a.b.c', intents: 1, properties: {} } }),
    );
    expect(await gateway.next()).toMatchObject({
      op: 0,
      t: 'READY',
      s: 1,
      d: { resume_gateway_url: discord.resumeGatewayUrl },
    });
    expect(await gateway.next()).toMatchObject({
      op: 0,
      t: 'GUILD_CREATE',
      s: 2,
      d: { id: discord.defaults.guildId },
    });
    gateway.socket.close(1000);
  });

  it('deflates each dispatch when IDENTIFY asks for compress', async () => {
    const discord = await startDiscordStandIn();
    standIns.push(discord);
    const decode = async (data: Buffer, binary: boolean) =>
      JSON.parse(binary ? zlib.inflateSync(data).toString() : data.toString());
    const gateway = await rawGateway(discord, 'v=10&encoding=json', decode);

    expect(await gateway.next()).toMatchObject({ op: 10 });
    gateway.socket.send(
      JSON.stringify({ op: 2, d: { token: 'a.b.c', intents: 1, properties: {}, compress: true } }),
    );
    expect(await gateway.next()).toMatchObject({ t: 'READY' });
    gateway.socket.send(JSON.stringify({ op: 1, d: 1 }));
    expect(await gateway.next()).toMatchObject({ t: 'GUILD_CREATE' });
    expect(await gateway.next()).toEqual({ op: 11 });
    gateway.socket.close(1000);
  });

  it('closes with 4014 when the client asks for a privileged intent not enabled for the application', async () => {
    const discord = await startDiscordStandIn({ allowedPrivilegedIntents: 0 });
    standIns.push(discord);
    const gateway = await rawGateway(discord, 'v=10&encoding=json', async (data) =>
      JSON.parse(data.toString()),
    );
    await gateway.next();
    const closed = new Promise<number>((resolve) =>
      gateway.socket.once('close', (code: number) => resolve(code)),
    );
    gateway.socket.send(
      JSON.stringify({
        op: 2,
        d: { token: 'a.b.c', intents: GatewayIntentBits.MessageContent, properties: {} },
      }),
    );
    expect(await closed).toBe(4014);
  });
});

describe('discord stand-in rules', () => {
  it('computes pings from content and allowed_mentions', () => {
    const hostile = '@everyone <@111> <@&222> @here';
    expect(computePings(hostile, undefined)).toEqual({
      everyone: true,
      users: ['111'],
      roles: ['222'],
      repliedUser: false,
    });
    expect(computePings(hostile, { parse: [] })).toEqual({
      everyone: false,
      users: [],
      roles: [],
      repliedUser: false,
    });
    expect(computePings(hostile, { parse: [], users: ['111'] })).toEqual({
      everyone: false,
      users: ['111'],
      roles: [],
      repliedUser: false,
    });
    expect(computePings('hi', { parse: [], replied_user: false }, '333')).toMatchObject({
      users: [],
      repliedUser: false,
    });
    expect(computePings('hi', { parse: [], replied_user: true }, '333')).toMatchObject({
      users: ['333'],
      repliedUser: true,
    });
  });

  it('applies the 6,000-character total across embeds and refuses empty messages', () => {
    const field = { name: 'n', value: 'v'.repeat(1000) };
    const body = { embeds: [{ description: 'd'.repeat(4000), fields: [field, field] }] };
    expect(() => validateMessageBody(body, true)).toThrow(/Invalid Form Body/);
    expect(() => validateMessageBody({ content: '' }, true)).toThrow(
      /Cannot send an empty message/,
    );
    expect(() => validateMessageBody({ content: '' }, true, 1)).not.toThrow();
  });
});
