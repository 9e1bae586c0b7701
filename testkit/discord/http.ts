/**
 * HTTP plumbing: parses each request (JSON or multipart), applies injected faults, finds the route
 * (or serves a hosted attachment), turns thrown `ApiError`s into Discord's error bodies, and
 * records the exchange.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from './faults.ts';
import type { RateLimits } from './ratelimits.ts';
import type { Recorder } from './recorder.ts';
import { ApiError, type Json } from './rules.ts';
import type { RecordedFile, RecordedRequest, Reply, Route } from './types.ts';
import { API_PREFIX, TOKEN_SHAPE, type World } from './world.ts';

/** The request handler of one stand-in. */
export function createHttpHandler(
  world: World,
  recorder: Recorder,
  routes: Route[],
  faults: Faults,
  rateLimits: RateLimits,
) {
  const { hosted } = world;
  const { maxUploadBytes } = world.settings;
  const { requests, unknownRoutes, notify, requestWaiters } = recorder;
  const { applyFaults } = faults;

  /** Decodes each path segment (`%40original` → `@original`) but keeps an encoded `/` inside a segment. */
  function readablePath(pathname: string): string {
    return pathname
      .split('/')
      .map((segment) => {
        try {
          return decodeURIComponent(segment).replaceAll('/', '%2F');
        } catch {
          return segment;
        }
      })
      .join('/');
  }

  async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit)
        tooBig = true; // keep draining so the client sees the 413 rather than a reset
      else chunks.push(chunk);
    }
    return tooBig ? null : Buffer.concat(chunks);
  }

  async function parseBody(
    req: IncomingMessage,
    raw: Buffer,
  ): Promise<{ body: any; files: RecordedFile[] }> {
    const type = req.headers['content-type'] ?? '';
    if (raw.length === 0) return { body: undefined, files: [] };
    if (type.startsWith('multipart/form-data')) {
      // The platform's Request parses multipart exactly like a browser would: no parser of our own.
      const form = await new Request('http://standin.invalid/', {
        method: 'POST',
        headers: { 'content-type': type },
        body: raw,
      }).formData();
      const files: RecordedFile[] = [];
      let body: Json = {};
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') body = { ...body, ...JSON.parse(value) };
          else body[field] = value;
        } else {
          const data = Buffer.from(await value.arrayBuffer());
          files.push({
            field,
            filename: value.name,
            contentType: value.type || 'application/octet-stream',
            size: data.length,
            data,
          });
        }
      }
      return { body, files };
    }
    if (type.startsWith('application/json'))
      return { body: JSON.parse(raw.toString('utf8')), files: [] };
    return { body: raw.toString('utf8'), files: [] };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const underApi = url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`);
    const authHeader = req.headers.authorization;
    const record: RecordedRequest = {
      method,
      path: readablePath(underApi ? url.pathname.slice(API_PREFIX.length) || '/' : url.pathname),
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      auth:
        authHeader === undefined
          ? 'none'
          : /^Bot\s+\S+/.test(authHeader) && TOKEN_SHAPE.test(authHeader.replace(/^Bot\s+/, ''))
            ? 'bot'
            : 'other',
      status: 0,
      response: undefined,
      time: Date.now(),
    };
    const reason = req.headers['x-audit-log-reason'];
    if (typeof reason === 'string') record.reason = decodeURIComponent(reason);

    let reply: Reply;
    let unknown = false;
    let limitHeaders: Record<string, string> = {};
    try {
      const raw = await readBody(req, maxUploadBytes + 1024 * 1024);
      if (raw === null) throw new ApiError(413, 40005, 'Request entity too large');
      try {
        Object.assign(record, await parseBody(req, raw));
      } catch {
        throw new ApiError(400, 50109, 'The request body contains invalid JSON.');
      }
      if (record.files.reduce((sum, f) => sum + f.size, 0) > maxUploadBytes)
        throw new ApiError(413, 40005, 'Request entity too large');

      const isCallback =
        /^\/interactions\/[^/]+\/[^/]+\/callback$/.test(record.path) && method === 'POST';
      await applyFaults(record, isCallback);

      if (!underApi) {
        const hostedMatch = /^\/attachments\/[^/]+\/([^/]+)\/[^/]+$/.exec(record.path);
        const file = hostedMatch && method === 'GET' ? hosted.get(hostedMatch[1]!) : undefined;
        if (!file) {
          unknown = true;
          throw new ApiError(404, 0, '404: Not Found');
        }
        reply = { status: 200, raw: file.data, headers: { 'content-type': file.contentType } };
      } else {
        const matching = routes.filter((r) => r.regex.test(record.path));
        const found = matching.find((r) => r.method === method);
        if (!found) {
          unknown = true;
          throw matching.length > 0
            ? new ApiError(405, 0, '405: Method Not Allowed')
            : new ApiError(404, 0, '404: Not Found');
        }
        if (found.auth && record.auth !== 'bot') throw new ApiError(401, 0, '401: Unauthorized');
        const values = found.regex.exec(record.path)!.slice(1);
        const params = Object.fromEntries(
          found.keys.map((key, i) => [key, values[i]!.replaceAll('%2F', '/')]),
        );
        limitHeaders = rateLimits.take(method, found.pattern, record.path);
        reply = await found.handle({ record, body: (record.body ?? {}) as Json }, params);
      }
    } catch (error) {
      if (error instanceof ApiError) {
        reply = {
          status: error.status,
          body:
            error.status === 429
              ? {
                  ...error.body,
                  retry_after: Number(error.headers['retry-after']),
                  global: Boolean(error.headers['x-ratelimit-global']),
                }
              : error.body,
          headers: error.headers,
        };
      } else {
        reply = {
          status: 500,
          body: { message: `stand-in error: ${(error as Error).message}`, code: 0 },
        };
      }
    }

    reply.headers = { ...limitHeaders, ...reply.headers };
    record.status = reply.status;
    record.response = reply.body;
    if (!res.destroyed) {
      if (reply.raw) {
        res.writeHead(reply.status, { ...reply.headers, 'content-length': reply.raw.length });
        res.end(reply.raw);
      } else if (reply.body === undefined) {
        res.writeHead(reply.status, reply.headers ?? {});
        res.end();
      } else {
        const text = JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          ...reply.headers,
        });
        res.end(text);
      }
    }
    requests.push(record);
    if (unknown) unknownRoutes.push(record);
    notify(requests, requestWaiters, record);
  }
  return { handle };
}
