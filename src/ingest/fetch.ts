/**
 * Fetching a web page for an admin without letting a link reach what it should not.
 *
 * - Only http(s) URLs, without credentials in them.
 * - The host name is resolved here and every address it resolves to is checked (see address.ts)
 *   before a connection is made; the connection then goes to exactly those checked addresses
 *   (the socket's own lookup is pinned to them), so a name cannot resolve to a public address
 *   for the check and a private one for the connection (DNS rebinding).
 * - Redirects are followed by hand, each new URL checked the same way; at most 5, loops refused.
 * - One time limit for the whole fetch, a size cap enforced while reading (a Content-Length may
 *   lie or be missing), only HTML and text content types, and binary bodies refused whatever
 *   type they were served as.
 *
 * Every refusal is an `IngestError` with a one-line reason.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { formatBytes } from '../corpus/load.js';
import { isIpLiteral, refusedAddressReason } from './address.js';
import { IngestError } from './errors.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface FetchPolicy {
  /** Largest body accepted, in bytes (default 2 MB). */
  maxBytes?: number;
  /** Time limit for the whole fetch, redirects included (default 15 s). */
  timeoutMs?: number;
  /** Redirects followed at most (default 5). */
  maxRedirects?: number;
  /**
   * Host names or IP literals that may resolve to otherwise refused addresses. Exists for tests
   * that serve pages from a loopback server; it is set in code by the caller and nothing reads
   * it from the environment, so no deployment can switch the checks off by configuration.
   */
  allowPrivateHosts?: readonly string[];
  /** Name resolution (default: the system resolver); tests make names resolve to chosen addresses. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface FetchedPage {
  /** The URL the page was finally served from (after redirects). */
  url: string;
  /** Media type without parameters, e.g. `text/html`. */
  contentType: string;
  text: string;
  bytes: number;
}

export const DEFAULT_FETCH_POLICY = {
  maxBytes: 2_000_000,
  timeoutMs: 15_000,
  maxRedirects: 5,
} as const;

const ACCEPTED_TYPES = new Set([
  'text/html',
  'application/xhtml+xml',
  'text/plain',
  'text/markdown',
]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'storybot/0.1 (+article import; reader mode)';

/** Parses and checks the form of a URL typed by an admin. */
export function parsePageUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new IngestError('that is not a valid URL', raw.slice(0, 200));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new IngestError(`only http and https links can be added (not ${url.protocol})`, raw);
  }
  if (url.username || url.password) {
    throw new IngestError('links with a user name or password in them are not accepted', raw);
  }
  url.hash = '';
  return url;
}

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  return dnsLookup(hostname, { all: true, verbatim: true });
}

/** Resolves the URL's host and refuses it unless every address is public (or the host is allowed). */
async function checkedAddresses(url: URL, policy: FetchPolicy): Promise<ResolvedAddress[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  if (isIpLiteral(host)) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await (policy.resolve ?? systemResolve)(host);
    } catch (error) {
      throw new IngestError(connectionReason(error), url.href);
    }
    if (addresses.length === 0) throw new IngestError('the host name does not resolve', url.href);
  }
  if (policy.allowPrivateHosts?.includes(host)) return addresses;
  for (const { address } of addresses) {
    const reason = refusedAddressReason(address);
    if (reason) throw new IngestError(`${reason} (${address})`, url.href);
  }
  return addresses;
}

/** A one-line reason for a network error code. */
function connectionReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_NODATA')
    return 'the host name does not exist';
  if (code === 'EAI_AGAIN') return 'the host name could not be resolved right now';
  if (code === 'ECONNREFUSED') return 'the site refused the connection';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'the site cut the connection off';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'the site cannot be reached';
  if (code === 'HPE_INVALID_CONSTANT' || code.startsWith('HPE_'))
    return 'the site did not answer with valid HTTP';
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))
    return "the site's HTTPS certificate is not valid";
  return `the site could not be reached${code ? ` (${code})` : ''}`;
}

/** One GET, connected only to the checked addresses. */
function requestOnce(
  url: URL,
  addresses: ResolvedAddress[],
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method: 'GET',
      agent: false,
      lookup: pinned,
      signal,
      headers: {
        'user-agent': USER_AGENT,
        accept: 'text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5',
        'accept-encoding': 'identity',
      },
    });
    request.on('response', resolve);
    request.on('error', reject);
    request.end();
  });
}

/** Reads the body, stopping as soon as it passes `maxBytes`. */
async function readCapped(
  response: IncomingMessage,
  maxBytes: number,
  url: string,
): Promise<Buffer> {
  const tooBig = () => new IngestError(`the page is over ${formatBytes(maxBytes)}`, url);
  const declared = Number(response.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooBig();
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.destroy();
      throw tooBig();
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Magic numbers of common binary formats a server may mislabel as HTML. */
const BINARY_SIGNATURES = ['%PDF', '\x89PNG', 'GIF8', 'PK\x03\x04', '\xFF\xD8\xFF', '\x1F\x8B'];

/** True when the bytes are not text: a known binary signature, NUL bytes or many control bytes. */
export function looksBinary(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 8_192);
  const start = head.subarray(0, 4).toString('latin1');
  if (BINARY_SIGNATURES.some((sig) => start.startsWith(sig))) return true;
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 12 && b !== 13) control++;
  }
  return head.length > 0 && control / head.length > 0.01;
}

/** Decodes the body with the charset the server or the page declares (UTF-8 otherwise). */
export function decodeBody(bytes: Buffer, contentTypeHeader: string): string {
  const declared =
    /charset=["']?([\w.:-]+)/i.exec(contentTypeHeader)?.[1] ??
    /<meta[^>]+charset=["']?([\w.:-]+)/i.exec(bytes.subarray(0, 4_096).toString('latin1'))?.[1];
  let decoder = new TextDecoder('utf-8');
  try {
    if (declared) decoder = new TextDecoder(declared);
  } catch {
    // An unknown charset label: UTF-8 is the best guess for a web page.
  }
  return decoder.decode(bytes).replace(/^\uFEFF/, '');
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Follows redirects by hand, checking each hop; returns the final response. */
async function followRedirects(
  start: URL,
  policy: FetchPolicy,
  signal: AbortSignal,
): Promise<{ url: URL; response: IncomingMessage }> {
  const maxRedirects = policy.maxRedirects ?? DEFAULT_FETCH_POLICY.maxRedirects;
  const seen = new Set<string>();
  let url = start;
  for (let hops = 0; ; hops++) {
    seen.add(url.href);
    const addresses = await checkedAddresses(url, policy);
    let response: IncomingMessage;
    try {
      response = await requestOnce(url, addresses, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new IngestError(connectionReason(error), url.href);
    }
    const status = response.statusCode ?? 0;
    if (!REDIRECTS.has(status)) return { url, response };
    response.resume();
    const location = response.headers.location;
    if (!location)
      throw new IngestError(
        `the site answered a redirect (HTTP ${status}) without a target`,
        url.href,
      );
    const next = new URL(location, url);
    next.hash = '';
    if (next.username || next.password)
      throw new IngestError(
        'the page redirects to a link with a user name or password in it',
        url.href,
      );
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      throw new IngestError(`the page redirects to a non-web address (${next.protocol})`, url.href);
    if (seen.has(next.href)) throw new IngestError('the page redirects in a loop', start.href);
    if (hops + 1 > maxRedirects)
      throw new IngestError(`the page redirects more than ${maxRedirects} times`, start.href);
    url = next;
  }
}

/**
 * Fetches a page under `policy` (defaults: 2 MB, 15 s, 5 redirects, public addresses only).
 * Throws `IngestError` with a one-line reason for every refusal or failure.
 */
export async function fetchPage(rawUrl: string, policy: FetchPolicy = {}): Promise<FetchedPage> {
  const start = parsePageUrl(rawUrl);
  const timeoutMs = policy.timeoutMs ?? DEFAULT_FETCH_POLICY.timeoutMs;
  const maxBytes = policy.maxBytes ?? DEFAULT_FETCH_POLICY.maxBytes;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const { url, response } = await followRedirects(start, policy, controller.signal);
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      response.resume();
      const text = http.STATUS_CODES[status];
      throw new IngestError(
        `the site answered HTTP ${status}${text ? ` (${text})` : ''}`,
        url.href,
      );
    }
    const header = String(response.headers['content-type'] ?? '');
    const type = mediaType(header);
    if (type && !ACCEPTED_TYPES.has(type)) {
      response.destroy();
      throw new IngestError(`the link is ${type.slice(0, 80)}, not a web page`, url.href);
    }
    const bytes = await readCapped(response, maxBytes, url.href);
    if (bytes.length === 0) throw new IngestError('the page is empty', url.href);
    if (looksBinary(bytes))
      throw new IngestError(
        `the page is binary data, not text (served as ${type || 'no type'})`,
        url.href,
      );
    return {
      url: url.href,
      contentType: type || 'text/html',
      text: decodeBody(bytes, header),
      bytes: bytes.length,
    };
  } catch (error) {
    if (controller.signal.aborted && !(error instanceof IngestError)) {
      throw new IngestError(
        `the site did not answer within ${Math.round(timeoutMs / 100) / 10} s`,
        start.href,
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
