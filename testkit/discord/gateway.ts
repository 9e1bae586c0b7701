/**
 * The gateway: a WebSocket per connection, HELLO / IDENTIFY / RESUME / heartbeats, sessions with
 * sequence numbers and a backlog replayed on resume, dispatches routed to the shard that owns the
 * guild and gated by intents (content blanked without Message Content), as Discord does.
 */
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Recorder } from './recorder.ts';
import {
  INTENT,
  PRIVILEGED_INTENTS,
  intentFor,
  snowflake,
  withoutContent,
  type Json,
} from './rules.ts';
import type { Conn, Session } from './types.ts';
import { MESSAGE_FLAGS, TOKEN_SHAPE, type World } from './world.ts';

/** The gateway side of one stand-in. */
export function createGateway(world: World, recorder: Recorder) {
  const { botUser, applicationId, guilds, urls, userJson, guildCreatePayload } = world;
  const { heartbeatInterval, enforceIntents, allowedPrivileged, echoBotMessages } = world.settings;
  const { logGateway } = recorder;

  const sessions = new Map<string, Session>();
  const connections = new Set<Conn>();
  let connectionCount = 0;

  function send(conn: Conn, payload: Json): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(payload);
    if (conn.deflate) {
      const deflate = conn.deflate;
      // One shared deflate stream, flushed per payload: the client inflates up to each 00 00 FF FF marker.
      conn.sendChain = conn.sendChain.then(
        () =>
          new Promise<void>((resolve) => {
            const chunks: Buffer[] = [];
            const onData = (chunk: Buffer) => chunks.push(chunk);
            deflate.on('data', onData);
            deflate.write(text);
            deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
              deflate.off('data', onData);
              if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(Buffer.concat(chunks));
              resolve();
            });
          }),
      );
    } else if (conn.identifyCompress && payload.op === 0) {
      conn.ws.send(zlib.deflateSync(text));
    } else {
      conn.ws.send(text);
    }
  }

  function shardOf(guildId: string, count: number): number {
    return Number((BigInt(guildId) >> 22n) % BigInt(count));
  }

  /** Queues one dispatch for a session, as Discord would: intent-gated, sequenced, kept for resume. */
  function dispatchTo(session: Session, event: string, data: Json): boolean {
    const needed = enforceIntents ? intentFor(event, data) : 0;
    const connection = session.conn?.n ?? 0;
    if (needed !== 0 && (session.intents & needed) === 0) {
      logGateway({ type: 'dropped', connection, sessionId: session.id, event });
      return false;
    }
    let d = data;
    if (
      enforceIntents &&
      (event === 'MESSAGE_CREATE' || event === 'MESSAGE_UPDATE') &&
      (session.intents & INTENT.MessageContent) === 0
    ) {
      d = withoutContent(data, botUser.id);
    }
    const frame = { op: 0, t: event, s: ++session.seq, d };
    session.backlog.push(frame);
    if (session.backlog.length > 2000) session.backlog.shift();
    if (session.conn) send(session.conn, frame);
    logGateway({ type: 'dispatch', connection, sessionId: session.id, event, seq: frame.s });
    return true;
  }

  function dispatch(eventName: string, data: unknown): number {
    if (sessions.size === 0) {
      throw new Error(
        `discord-standin: cannot dispatch ${eventName}: no client has identified yet (await createTestClient first)`,
      );
    }
    const payload = (data ?? {}) as Json;
    const guildId = typeof payload.guild_id === 'string' ? payload.guild_id : undefined;
    let count = 0;
    for (const session of sessions.values()) {
      const [shardId, shardCount] = session.shard;
      const target = guildId ? shardOf(guildId, shardCount) : 0;
      if (target === shardId && dispatchTo(session, eventName, payload)) count++;
    }
    return count;
  }

  function echo(event: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: Json): void {
    if (!echoBotMessages || sessions.size === 0) return;
    if ((Number(message.flags) & MESSAGE_FLAGS.Ephemeral) !== 0) return; // only the invoking user sees those
    dispatch(event, message);
  }

  function startSession(conn: Conn, d: Json): void {
    const token = typeof d.token === 'string' ? d.token.replace(/^Bot\s+/i, '') : '';
    if (!TOKEN_SHAPE.test(token)) return closeConn(conn, 4004, 'Authentication failed.');
    const intents = Number(d.intents);
    if (!Number.isInteger(intents) || intents < 0)
      return closeConn(conn, 4013, 'Invalid intent(s).');
    if ((intents & PRIVILEGED_INTENTS & ~allowedPrivileged) !== 0)
      return closeConn(conn, 4014, 'Disallowed intent(s).');
    const shard: [number, number] = Array.isArray(d.shard)
      ? [Number(d.shard[0]), Number(d.shard[1])]
      : [0, 1];
    if (!(shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1]))
      return closeConn(conn, 4010, 'Invalid shard.');
    if (d.compress === true) conn.identifyCompress = true;

    const session: Session = {
      id: snowflake() + 'session',
      token,
      intents,
      shard,
      seq: 0,
      backlog: [],
      conn,
    };
    sessions.set(session.id, session);
    conn.session = session;
    logGateway({ type: 'identify', connection: conn.n, sessionId: session.id, intents, shard });

    const myGuilds = [...guilds.keys()].filter((id) => shardOf(id, shard[1]) === shard[0]);
    dispatchTo(session, 'READY', {
      v: 10,
      user: { ...userJson(botUser), verified: true, mfa_enabled: false, email: null },
      guilds: myGuilds.map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: urls.resume,
      shard,
      application: { id: applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: ['loopback'],
      user_settings: {},
      _trace: ['["discord-standin",{"micros":0}]'],
    });
    for (const id of myGuilds) dispatchTo(session, 'GUILD_CREATE', guildCreatePayload(id));
  }

  function resumeSession(conn: Conn, d: Json): void {
    const session = typeof d.session_id === 'string' ? sessions.get(d.session_id) : undefined;
    const token = typeof d.token === 'string' ? d.token.replace(/^Bot\s+/i, '') : '';
    const seq = Number(d.seq ?? 0);
    const oldest = session?.backlog[0]?.s ?? Infinity;
    logGateway({ type: 'resume', connection: conn.n, sessionId: d.session_id, seq });
    if (
      !session ||
      session.token !== token ||
      seq > session.seq ||
      (seq + 1 < oldest && seq < session.seq)
    ) {
      logGateway({ type: 'invalid-session', connection: conn.n, sessionId: d.session_id });
      send(conn, { op: 9, d: false });
      return;
    }
    if (session.conn && session.conn !== conn)
      closeConn(session.conn, 4009, 'Session resumed elsewhere.');
    session.conn = conn;
    conn.session = session;
    for (const frame of session.backlog) if (frame.s > seq) send(conn, frame);
    dispatchTo(session, 'RESUMED', { _trace: ['["discord-standin",{"micros":0}]'] });
    logGateway({ type: 'resumed', connection: conn.n, sessionId: session.id, seq: session.seq });
  }

  function closeConn(conn: Conn, code: number, reason: string): void {
    if (conn.ws.readyState === WebSocket.OPEN || conn.ws.readyState === WebSocket.CONNECTING)
      conn.ws.close(code, reason);
  }

  /** Close codes after which discord.js identifies afresh (or gives up), so Discord forgets the session. */
  const SESSION_ENDING_CODES = new Set([
    1000, 1001, 4003, 4004, 4005, 4007, 4008, 4010, 4011, 4012, 4013, 4014,
  ]);

  function onGatewayMessage(conn: Conn, raw: RawData): void {
    let payload: Json;
    try {
      payload = JSON.parse(raw.toString());
    } catch {
      return closeConn(conn, 4002, 'Error while decoding payload.');
    }
    switch (payload.op) {
      case 1:
        logGateway({
          type: 'heartbeat',
          connection: conn.n,
          sessionId: conn.session?.id,
          seq: payload.d ?? undefined,
        });
        send(conn, { op: 11 });
        return;
      case 2:
        if (conn.session) return closeConn(conn, 4005, 'Already authenticated.');
        return startSession(conn, payload.d ?? {});
      case 6:
        if (conn.session) return closeConn(conn, 4005, 'Already authenticated.');
        return resumeSession(conn, payload.d ?? {});
      case 3:
      case 4:
      case 8: {
        if (!conn.session) return closeConn(conn, 4003, 'Not authenticated.');
        if (payload.op === 3)
          logGateway({ type: 'presence', connection: conn.n, sessionId: conn.session.id });
        if (payload.op === 8) {
          logGateway({ type: 'request-members', connection: conn.n, sessionId: conn.session.id });
          const guild = guilds.get(String(payload.d?.guild_id));
          if (guild) {
            dispatchTo(conn.session, 'GUILD_MEMBERS_CHUNK', {
              guild_id: guild.api.id,
              members: [...guild.members.values()],
              chunk_index: 0,
              chunk_count: 1,
              not_found: [],
              nonce: payload.d?.nonce,
            });
          }
        }
        return;
      }
      default:
        return closeConn(conn, 4001, 'Unknown opcode.');
    }
  }

  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const conn: Conn = {
      n: ++connectionCount,
      ws,
      session: null,
      deflate: null,
      identifyCompress: false,
      sendChain: Promise.resolve(),
    };
    connections.add(conn);
    logGateway({ type: 'connect', connection: conn.n, path: url.pathname, query });
    ws.on('message', (data) => onGatewayMessage(conn, data));
    ws.on('error', () => undefined); // a reset socket is reported through 'close' too
    ws.on('close', (code) => {
      connections.delete(conn);
      conn.deflate?.close();
      logGateway({ type: 'close', connection: conn.n, sessionId: conn.session?.id, code });
      const session = conn.session;
      if (session && session.conn === conn) {
        session.conn = null;
        if (SESSION_ENDING_CODES.has(code)) sessions.delete(session.id);
      }
    });
    if (query.v !== undefined && query.v !== '10')
      return closeConn(conn, 4012, 'Invalid API version.');
    if (query.encoding !== undefined && query.encoding !== 'json')
      return closeConn(conn, 4002, 'This stand-in speaks encoding=json only.');
    if (query.compress === 'zlib-stream') conn.deflate = zlib.createDeflate({ chunkSize: 65_535 });
    else if (query.compress !== undefined)
      return closeConn(conn, 4000, `Unsupported compress=${query.compress}.`);
    send(conn, {
      op: 10,
      d: { heartbeat_interval: heartbeatInterval, _trace: ['["discord-standin",{"micros":0}]'] },
    });
  });

  async function closeGatewayConnections(
    code = 4000,
    closeOptions: { invalidateSessions?: boolean } = {},
  ): Promise<void> {
    const closing = [...connections].map(
      (conn) =>
        new Promise<void>((resolve) => {
          if (conn.ws.readyState === WebSocket.CLOSED) return resolve();
          const force = setTimeout(() => conn.ws.terminate(), 2000);
          conn.ws.once('close', () => {
            clearTimeout(force);
            resolve();
          });
          closeConn(conn, code, 'Closed by the stand-in.');
        }),
    );
    await Promise.all(closing);
    // A server-side close never ends a session by itself unless asked: the client decides by the code.
    if (closeOptions.invalidateSessions) sessions.clear();
  }
  return { sessions, connections, dispatch, dispatchTo, echo, wss, closeGatewayConnections };
}
export type Gateway = ReturnType<typeof createGateway>;
