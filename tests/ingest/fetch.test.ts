import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedAddressReason } from '../../src/ingest/address.js';
import { IngestError } from '../../src/ingest/errors.js';
import { fetchPage, type FetchPolicy } from '../../src/ingest/fetch.js';
import {
  hugePage,
  html,
  LOOPBACK_ALLOWANCE,
  redirect,
  startPageServer,
  type PageServer,
} from '../support/page-server.js';

const PAGE = '<html><head><title>Hello</title></head><body><p>Text.</p></body></html>';
let srv: PageServer;

beforeAll(async () => {
  srv = await startPageServer({
    '/page': html(PAGE),
    '/plain': html('A title\nSome text', 'text/plain'),
    '/latin1': (res) =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' })
        .end(Buffer.from('<p>Caf\xe9 cr\xe8me</p>', 'latin1')),
    '/hop1': redirect('/hop2'),
    '/hop2': redirect('/page', 301),
    '/chain0': redirect('/chain1'),
    '/chain1': redirect('/chain2'),
    '/chain2': redirect('/chain3'),
    '/chain3': redirect('/chain4'),
    '/chain4': redirect('/chain5'),
    '/chain5': redirect('/chain6'),
    '/chain6': redirect('/page'),
    '/loop-a': redirect('/loop-b'),
    '/loop-b': redirect('/loop-a'),
    '/to-metadata': redirect('http://169.254.169.254/latest/meta-data/'),
    '/to-private': redirect('http://10.20.30.40/admin'),
    '/to-file': redirect('file:///etc/passwd'),
    '/error': (res) => res.writeHead(500).end('oops'),
    '/huge': hugePage(50_000_000),
    '/huge-declared': (res) =>
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '50000000' }).end(),
    '/binary': (res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(2_000, 7)])),
    '/nul': (res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(Buffer.from('<p>a\0b\0c</p>')),
    '/pdf': (res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7'),
    '/slow': () => undefined, // never answers
  });
});
afterAll(() => srv.close());

/** The reason of the IngestError a fetch rejects with. */
async function refusal(url: string, policy: FetchPolicy = LOOPBACK_ALLOWANCE): Promise<string> {
  const error = await fetchPage(url, policy).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IngestError);
  return (error as IngestError).reason;
}

describe('addresses a fetch may reach', () => {
  it('accepts public unicast addresses and refuses loopback, private, link-local and metadata ones', () => {
    expect(refusedAddressReason('93.184.216.34')).toBeUndefined();
    expect(refusedAddressReason('2606:4700::1111')).toBeUndefined();
    expect(refusedAddressReason('127.0.0.1')).toMatch(/loopback/);
    expect(refusedAddressReason('::1')).toMatch(/loopback/);
    expect(refusedAddressReason('::ffff:127.0.0.1')).toMatch(/loopback/);
    expect(refusedAddressReason('10.0.0.1')).toMatch(/private network/);
    expect(refusedAddressReason('192.168.1.1')).toMatch(/private network/);
    expect(refusedAddressReason('172.16.5.4')).toMatch(/private network/);
    expect(refusedAddressReason('fd12:3456::1')).toMatch(/private network/);
    expect(refusedAddressReason('169.254.169.254')).toMatch(/metadata/);
    expect(refusedAddressReason('169.254.10.1')).toMatch(/link-local/);
    expect(refusedAddressReason('100.100.100.200')).toMatch(/private network/);
    expect(refusedAddressReason('0.0.0.0')).toMatch(/unspecified/);
  });
});

describe('fetching a page', () => {
  it('fetches a page from the loopback server only with the explicit test allowance', async () => {
    const page = await fetchPage(`${srv.base}/page`, LOOPBACK_ALLOWANCE);
    expect(page.text).toBe(PAGE);
    expect(page.contentType).toBe('text/html');
    expect(await refusal(`${srv.base}/page`, {})).toMatch(/loopback/);
  });

  it('refuses names that resolve to loopback, private or metadata addresses before connecting', async () => {
    const resolve = async (host: string) => [
      {
        address:
          host === 'meta.example'
            ? '169.254.169.254'
            : host === 'lan.example'
              ? '192.168.0.10'
              : '127.0.0.1',
        family: 4,
      },
    ];
    expect(await refusal('http://meta.example/', { resolve })).toMatch(
      /metadata service \(169\.254\.169\.254\)/,
    );
    expect(await refusal('http://lan.example/', { resolve })).toMatch(/private network/);
    expect(await refusal('http://evil.example/', { resolve })).toMatch(/loopback/);
    expect(await refusal('http://169.254.169.254/latest/meta-data/', {})).toMatch(/metadata/);
    expect(await refusal('http://[::1]:8080/', {})).toMatch(/loopback/);
    // Other spellings of 127.0.0.1 are normalized by the URL parser before the check.
    expect(await refusal('http://2130706433/', {})).toMatch(/loopback/);
    expect(await refusal('http://0177.0.0.1/', {})).toMatch(/loopback/);
    expect(await refusal('http://[::ffff:7f00:1]/', {})).toMatch(/loopback/);
  });

  it('refuses a name when any of its addresses is private (no choosing the public one to check)', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.8', family: 4 },
    ];
    expect(await refusal('http://mixed.example/', { resolve })).toMatch(
      /private network \(10\.0\.0\.8\)/,
    );
  });

  it('follows redirects but checks every hop, refusing metadata, private and non-web targets', async () => {
    expect((await fetchPage(`${srv.base}/hop1`, LOOPBACK_ALLOWANCE)).url).toBe(`${srv.base}/page`);
    expect(await refusal(`${srv.base}/to-metadata`)).toMatch(/metadata/);
    expect(await refusal(`${srv.base}/to-private`)).toMatch(/private network/);
    expect(await refusal(`${srv.base}/to-file`)).toMatch(/non-web address/);
  });

  it('refuses redirect loops and more than five redirects', async () => {
    expect(await refusal(`${srv.base}/loop-a`)).toBe('the page redirects in a loop');
    expect(await refusal(`${srv.base}/chain0`)).toBe('the page redirects more than 5 times');
    expect(await refusal(`${srv.base}/chain1`)).toBe('the page redirects more than 5 times');
    expect((await fetchPage(`${srv.base}/chain2`, LOOPBACK_ALLOWANCE)).url).toBe(
      `${srv.base}/page`,
    );
  });

  it('gives a one-line reason for HTTP errors, unreachable hosts and timeouts', async () => {
    expect(await refusal(`${srv.base}/missing`)).toBe('the site answered HTTP 404 (Not Found)');
    expect(await refusal(`${srv.base}/error`)).toBe(
      'the site answered HTTP 500 (Internal Server Error)',
    );
    const nxdomain = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await refusal('https://no-such-host.example/', { resolve: nxdomain })).toBe(
      'the host name does not exist',
    );
    const closed = await startPageServer({});
    const closedUrl = `${closed.base}/`;
    await closed.close();
    expect(await refusal(closedUrl)).toBe('the site refused the connection');
    expect(await refusal(`${srv.base}/slow`, { ...LOOPBACK_ALLOWANCE, timeoutMs: 300 })).toBe(
      'the site did not answer within 0.3 s',
    );
  });

  it('stops reading a page over the size cap, whether or not it declares its length', async () => {
    expect(await refusal(`${srv.base}/huge`)).toBe('the page is over 2.0 MB');
    expect(await refusal(`${srv.base}/huge-declared`)).toBe('the page is over 2.0 MB');
  });

  it('refuses binary bodies served as HTML and types that are not web pages', async () => {
    expect(await refusal(`${srv.base}/binary`)).toMatch(/binary data/);
    expect(await refusal(`${srv.base}/nul`)).toMatch(/binary data/);
    expect(await refusal(`${srv.base}/pdf`)).toBe('the link is application/pdf, not a web page');
  });

  it('refuses non-web schemes and credentials in the URL', async () => {
    expect(await refusal('file:///etc/passwd')).toMatch(/only http and https/);
    expect(await refusal('ftp://example.com/x')).toMatch(/only http and https/);
    expect(await refusal('http://user:pw@example.com/')).toMatch(/user name or password/);
    expect(await refusal('not a url')).toBe('that is not a valid URL');
  });

  it('decodes the charset the server declares', async () => {
    expect((await fetchPage(`${srv.base}/latin1`, LOOPBACK_ALLOWANCE)).text).toBe(
      '<p>Café crème</p>',
    );
  });
});
