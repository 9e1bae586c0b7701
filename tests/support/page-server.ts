/**
 * A loopback HTTP server for the ingest tests: fixed routes serving saved pages, redirects,
 * errors, huge and binary bodies. It listens on 127.0.0.1 only, which the fetcher refuses unless
 * the test passes `LOOPBACK_ALLOWANCE` in code.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchPolicy } from '../../src/ingest/fetch.js';

/** The explicit test-only allowance: pages may come from 127.0.0.1 (this server). */
export const LOOPBACK_ALLOWANCE: FetchPolicy = { allowPrivateHosts: ['127.0.0.1'] };

export type Route = (res: ServerResponse, base: string) => void;

export interface PageServer {
  base: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves `routes` (path → handler) on 127.0.0.1 and an ephemeral port; unknown paths get 404. */
export async function startPageServer(routes: Record<string, Route>): Promise<PageServer> {
  let base = '';
  const server = createServer((req, res) => {
    const route = routes[(req.url ?? '/').split('?')[0]!];
    if (route) route(res, base);
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A route answering `html` as text/html. */
export const html =
  (body: string, type = 'text/html; charset=utf-8'): Route =>
  (res) =>
    res.writeHead(200, { 'content-type': type }).end(body);

/** A route redirecting to `to` (relative to the server when it starts with `/`). */
export const redirect =
  (to: string, status = 302): Route =>
  (res, base) =>
    res.writeHead(status, { location: to.startsWith('/') ? `${base}${to}` : to }).end();

/** Streams `totalBytes` of filler HTML without a Content-Length, stopping if the client leaves. */
export const hugePage =
  (totalBytes: number): Route =>
  (res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    const piece = Buffer.from(`<p>${'filler text '.repeat(5_000)}</p>\n`);
    let sent = 0;
    const pump = (): void => {
      while (sent < totalBytes && !res.destroyed) {
        sent += piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    res.on('close', () => (sent = totalBytes));
    pump();
  };
